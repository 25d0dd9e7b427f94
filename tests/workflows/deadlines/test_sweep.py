"""The sweep: a unit that never answers goes yellow, red, reminded and escalated as the clock moves."""
import threading
from datetime import date

import pytest
from sqlalchemy import event, func, select

from engine.time.calendar import WorkCalendar
from models import (
    Chase,
    DeadlineAction,
    Delivery,
    Event,
    Notification,
    NotifyRoute,
    Organization,
    TaskItem,
    Unit,
    User,
    WarningLevel,
)
from tests.deadline_helpers import kinds, sh, sweep_at, topic_waiting_for_signature
from workflows.deadlines.sweep import SweepReport, SweepSettings, overdue_cutoff


def counts(session, item) -> tuple[str, str]:
    session.refresh(item)
    return item.warning.value, item.chase.value


def notified(session, item, kind) -> list[str]:
    users = session.scalars(select(User.username).join(Notification, Notification.user_id == User.id).where(
        Notification.task_item_id == item.id, Notification.kind == kind).order_by(User.username))
    return list(users)


def add_routes(session) -> None:
    housing = session.scalar(select(Unit).where(Unit.code == "tianning-housing"))
    tianning = session.scalar(select(Organization).where(Organization.code == "tianning"))
    session.add_all([
        NotifyRoute(unit=housing, purpose="reminder", channel="email", address="leader@housing.example"),
        NotifyRoute(organization=tianning, purpose="escalation", channel="wecom", address="http://127.0.0.1:9/robot"),
    ])
    session.commit()


def test_a_unit_that_never_signs_goes_yellow_red_reminded_and_escalated(session):
    add_routes(session)
    topic, item = topic_waiting_for_signature(session)
    # Opened Monday 2 March; 2 working days to sign: due Wednesday 4 March, warned from Tuesday 3 March.
    assert item.due_at == sh(date(2026, 3, 4), 23, 59).replace(second=59)
    assert item.warn_at == sh(date(2026, 3, 3), 0)
    steps = [
        (sh(date(2026, 3, 2), 18), ("normal", "none"), SweepReport()),
        (sh(date(2026, 3, 3)), ("yellow", "none"), SweepReport(yellow=1)),
        (sh(date(2026, 3, 4), 23, 59), ("yellow", "none"), SweepReport()),
        (sh(date(2026, 3, 5)), ("red", "none"), SweepReport(red=1)),  # 1 working day overdue
        (sh(date(2026, 3, 6)), ("red", "reminded"), SweepReport(reminded=1)),  # 2: reminder
        (sh(date(2026, 3, 8)), ("red", "reminded"), SweepReport()),  # Sunday: still 2
        (sh(date(2026, 3, 10)), ("red", "reminded"), SweepReport()),  # 4
        (sh(date(2026, 3, 11)), ("red", "escalated"), SweepReport(escalated=1)),  # 5: escalation
        (sh(date(2026, 4, 30)), ("red", "escalated"), SweepReport()),
    ]
    for moment, state, report in steps:
        assert sweep_at(session, moment) == report, moment
        assert counts(session, item) == state, moment
    assert kinds(session, topic) == ["warning_yellow", "warning_red", "task_reminded", "task_escalated"]
    assert notified(session, item, "reminder") == ["housing_tianning", "leader_housing_tianning"]
    assert notified(session, item, "escalation") == ["supervisor_tianning"]
    reminded, escalated = session.scalars(select(Event).where(
        Event.topic_id == topic.id, Event.kind.in_(["task_reminded", "task_escalated"])).order_by(Event.id))
    assert reminded.payload["overdue_working_days"] == 2 and escalated.payload["overdue_working_days"] == 5
    assert escalated.payload["to"] == "天宁区"
    outbox = session.scalars(select(Delivery).order_by(Delivery.id)).all()
    assert [(d.channel.value, d.address) for d in outbox] == [
        ("email", "leader@housing.example"), ("wecom", "http://127.0.0.1:9/robot")]
    assert "【催办】签收已逾期 2 个工作日" in outbox[0].subject and "【督办】" in outbox[1].subject


def test_a_sweep_after_downtime_catches_up_in_one_go(session):
    topic, item = topic_waiting_for_signature(session)
    assert sweep_at(session, sh(date(2026, 3, 20))) == SweepReport(red=1, reminded=1, escalated=1)
    assert kinds(session, topic) == ["warning_red", "task_reminded", "task_escalated"]
    assert sweep_at(session, sh(date(2026, 3, 21))) == SweepReport()


def test_signing_in_time_leaves_no_warning_behind(session):
    topic, item = topic_waiting_for_signature(session)
    from tests.factories import writes
    from workflows.demo.world import user_named
    from workflows.topics import handling

    handling = writes(handling, "sign")
    handling.sign(session, user_named(session, "housing_tianning"), item.id, now=sh(date(2026, 3, 3), 10))
    assert sweep_at(session, sh(date(2026, 3, 20))) == SweepReport()
    assert kinds(session, topic) == []


def test_the_overdue_cutoff_counts_working_days():
    cal = WorkCalendar()
    # On Friday 13 Feb 2026 a task due Wednesday 11 Feb is 2 working days overdue; one due Thursday is 1.
    cutoff = overdue_cutoff(cal, sh(date(2026, 2, 13), 15), 2)
    assert cutoff == sh(date(2026, 2, 12), 0)
    # Across Spring Festival: on Tuesday 24 Feb, 2 working days back from the 24th inclusive reach Saturday 14 Feb.
    assert overdue_cutoff(cal, sh(date(2026, 2, 24)), 2) == sh(date(2026, 2, 14), 0)


class Crash(BaseException):
    """Stands for the process dying: not an Exception, so nothing catches it on the way out."""


def test_a_sweep_killed_midway_is_finished_by_the_next_without_repeating(sessions):
    with sessions() as session:
        add_routes(session)
        items = [topic_waiting_for_signature(session, title=f"议题{n}")[1].id for n in range(3)]
    settings = SweepSettings(remind_after_wd=2, escalate_after_wd=5, batch=1)
    with sessions() as session:
        commits = []

        def die_on_ninth_commit(_session):
            # 1 loads the calendar, 2 ends the yellow pass, 3-6 the red pass from normal, 7 the one from yellow,
            # 8 the first reminder.
            commits.append(1)
            if len(commits) == 9:
                raise Crash()

        event.listen(session, "before_commit", die_on_ninth_commit)
        with pytest.raises(Crash):
            sweep_at(session, sh(date(2026, 3, 20)), settings)
    with sessions() as session:
        done = session.scalar(select(func.count()).select_from(DeadlineAction))
        assert done == 1  # the first reminder was committed; the second died with its batch
        report = sweep_at(session, sh(date(2026, 3, 20)), settings)
        assert report.reminded + report.escalated == 6 - done
        assert_each_once(session, items)
        assert sweep_at(session, sh(date(2026, 3, 20)), settings) == SweepReport()


def test_two_sweeps_at_once_act_once(sessions):
    with sessions() as session:
        add_routes(session)
        items = [topic_waiting_for_signature(session, title=f"议题{n}")[1].id for n in range(4)]
    barrier = threading.Barrier(2)
    reports: list[SweepReport] = []

    def run() -> None:
        with sessions() as own:
            barrier.wait()
            reports.append(sweep_at(own, sh(date(2026, 3, 20)), SweepSettings(2, 5, batch=1)))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.reminded for r in reports) == 4 and sum(r.escalated for r in reports) == 4
    with sessions() as session:
        assert_each_once(session, items)


def assert_each_once(session, item_ids: list[int]) -> None:
    """Every task reminded and escalated exactly once: keys, events, notifications and deliveries."""
    for item_id in item_ids:
        item = session.get(TaskItem, item_id)
        assert (item.warning, item.chase) == (WarningLevel.RED, Chase.ESCALATED)
        actions = session.scalars(select(DeadlineAction.action).where(DeadlineAction.task_item_id == item_id))
        assert sorted(actions) == ["escalate", "remind"]
        events = session.scalars(select(Event.kind).where(Event.task_item_id == item_id, Event.kind.like("task_%ed")))
        assert sorted(e for e in events if e != "task_completed") == ["task_escalated", "task_reminded"]
        assert notified(session, item, "reminder") == ["housing_tianning", "leader_housing_tianning"]
    assert session.scalar(select(func.count()).select_from(Delivery)) == 2 * len(item_ids)
