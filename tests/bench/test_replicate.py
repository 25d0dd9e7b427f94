"""The national-scale load: cases copied inside PostgreSQL are whole, unique, moved in time and can be completed.

Runs on PostgreSQL only (``make test-postgres``): the copies are made by the server itself.
"""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bench import scale
from bench.__main__ import NOW, _fresh_database
from bench.floor import REPLY
from bench.synthetic import at_reply
from models import Event, TaskItem, TaskStatus, User
from models.database import writing
from tests.databases import server_url
from workflows.demo.world import user_named
from workflows.topics import lifecycle as topics

pytestmark = pytest.mark.skipif(not server_url().startswith("postgresql"), reason="copies are made in PostgreSQL")


@pytest.fixture
def database(monkeypatch):
    """Return a fresh bench database on the test server, copying batches of 4 cases from 8 cases on."""
    monkeypatch.setattr(scale, "BATCH", 4)
    monkeypatch.setattr(scale, "REPLICATE_FROM", 8)
    url = _fresh_database(server_url(), f"{make_url(server_url()).database}_bench_copies")
    found = scale.Database(url)
    yield found
    found.engine.dispose()


def test_copies_are_unique_consistent_and_complete_through_the_engine(database):
    with database.sessions() as session:
        snapshot = at_reply(session, 0, NOW)
        unit_user = user_named(session, scale.BUSY_UNIT_USER).id
        before = session.scalar(select(func.count()).select_from(TaskItem))
    scale.load_cases([database], [snapshot], 13, seed=3)  # 12 by copying (a batch and two copies), 1 cloned
    with database.sessions() as session:
        uuids = session.execute(select(func.count(), func.count(TaskItem.task_uuid.distinct()))).one()
        assert uuids[0] == uuids[1] == before + 13 * len(snapshot.rows["task_item"])
        assert session.scalar(select(func.count()).select_from(Event).join(
            TaskItem, TaskItem.id == Event.task_item_id).where(TaskItem.topic_id != Event.topic_id)) == 0
        copied = session.scalars(select(TaskItem).where(
            TaskItem.task_uuid.like("00000002-%"), TaskItem.status == TaskStatus.READY)).all()
        assert len(copied) == 4 and {t.bpmn_id for t in copied} == {"write_reply"}
        states = session.execute(text("SELECT count(*) FROM workflow_state WHERE state_json LIKE '%00000002-%' "
                                      "AND state_json NOT LIKE '%00000000-%'")).scalar()
        assert states == len(copied)
        ready = next(r for r in snapshot.rows["task_item"] if snapshot.column("task_item", r, "status") == "ready")
        shifts = {snapshot.column("task_item", ready, "due_at") - t.due_at for t in copied}
        assert all(s % timedelta(days=1) == timedelta(0) and timedelta(0) <= s < timedelta(days=120) for s in shifts)
        assert session.execute(text("SELECT count(*) FROM pg_indexes WHERE indexname = 'ix_task_item_unit_open'"
                                    )).scalar() == 1  # the dropped indexes are back
    for item in copied:
        with database.sessions() as session:
            user = session.get(User, unit_user)
            with writing(session):
                topics.complete_task(session, user, item.id, REPLY, now=NOW)
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(TaskItem).where(
            TaskItem.id.in_([t.id for t in copied]), TaskItem.status == TaskStatus.COMPLETED)) == len(copied)
