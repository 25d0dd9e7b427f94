"""The scheduler's heartbeat row: written at the end of every run, by any number of schedulers."""
import threading
import time
from datetime import timedelta

from sqlalchemy import func, select

from models import Heartbeat, utcnow
from models.database import writing
from workflows.deadlines import heartbeat


def test_each_beat_replaces_the_last_and_makes_the_sweep_fresh(sessions):
    first = utcnow() - timedelta(minutes=10)
    with sessions() as session:
        assert heartbeat.freshness(session, first, timedelta(minutes=5)).stale  # never ran
        heartbeat.beat(session, first, 1.23456, {"reminded": 2, "escalated": 0})
        heartbeat.beat(session, first + timedelta(minutes=9), 0.5, {"red": 1})
        fresh = heartbeat.freshness(session, first + timedelta(minutes=10), timedelta(minutes=5))
        assert (fresh.stale, fresh.age_seconds, fresh.duration_s) == (False, 60.0, 0.5)
        row = session.get(Heartbeat, heartbeat.SWEEP)
        assert row is not None and row.changes == {"red": 1}
        assert session.scalar(select(func.count()).select_from(Heartbeat)) == 1


def test_a_beat_waiting_on_another_schedulers_first_beat_updates_it_instead_of_failing(sessions):
    """Two schedulers finishing their very first run together both found no row and both inserted it."""
    now = utcnow()
    failures: list[BaseException] = []

    def second_scheduler() -> None:
        try:
            with sessions() as other:
                heartbeat.beat(other, now + timedelta(seconds=1), 0.2, {"reminded": 1})
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            failures.append(error)

    with sessions() as first, writing(first):
        first.add(Heartbeat(job=heartbeat.SWEEP, beat_at=now, duration_s=0.1, changes={}, runner="first"))
        first.flush()  # inserted, not committed: the second scheduler's statement waits for this one
        racer = threading.Thread(target=second_scheduler)
        racer.start()
        time.sleep(0.5)
    racer.join(30)
    assert not racer.is_alive() and failures == []
    with sessions() as session:
        row = session.get(Heartbeat, heartbeat.SWEEP)
        assert row is not None and (row.beat_at, row.changes) == (now + timedelta(seconds=1), {"reminded": 1})
