"""insert_rows writes what an ORM bulk INSERT would, on both databases (a batch by COPY on PostgreSQL)."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from models import DeadlineAction, Delivery, DeliveryStatus, Event, Topic
from models.bulk import COPY_FROM, insert_rows
from models.database import writing

AT = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def _columns(row: object, names: tuple[str, ...]) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in names)


def test_rows_written_by_copy_read_back_as_an_insert_wrote_them(session):
    topic_id = session.scalars(select(Topic.id)).first()
    rows = [{"topic_id": topic_id, "kind": "warning_red", "at": AT + timedelta(seconds=n),
             "payload": {"task": "write_reply", "due_at": None, "说明": "中文", "n": n, "nested": [1, {"a": True}]}}
            for n in range(COPY_FROM)]
    with writing(session):
        insert_rows(session, Event, rows)
        session.execute(insert(Event), [{**row, "kind": "by_insert"} for row in rows])
    names = ("topic_id", "at", "payload", "actor_id", "task_item_id")
    copied = session.scalars(select(Event).where(Event.kind == "warning_red").order_by(Event.id)).all()
    inserted = session.scalars(select(Event).where(Event.kind == "by_insert").order_by(Event.id)).all()
    assert [_columns(e, names) for e in copied] == [_columns(e, names) for e in inserted]
    assert copied[2].payload["说明"] == "中文" and copied[2].at == AT + timedelta(seconds=2)


def test_columns_a_row_leaves_out_get_their_defaults(session):
    with writing(session):
        insert_rows(session, Delivery, [{"key": f"k{n}", "channel": "email", "address": "a@example.org",
                                         "subject": "主题", "body": "正文", "next_attempt_at": AT}
                                        for n in range(COPY_FROM)])
    delivery = session.scalars(select(Delivery).where(Delivery.key == "k1")).one()
    assert (delivery.status, delivery.attempts, delivery.lease_owner, delivery.last_error) == (
        DeliveryStatus.PENDING, 0, "", "")
    assert delivery.created_at is not None and delivery.route_id is None and delivery.sent_at is None


def test_a_duplicate_key_is_an_integrity_error_and_the_transaction_keeps_nothing(session):
    key = {"subject": "task:1", "deadline": AT, "action": "remind", "done_at": AT, "payload": {}}
    with writing(session):
        insert_rows(session, DeadlineAction, [key])
    with pytest.raises(IntegrityError), writing(session):
        insert_rows(session, DeadlineAction, [{**key, "subject": "task:2"}])
        insert_rows(session, DeadlineAction, [*({**key, "subject": f"task:{n}"} for n in range(3, COPY_FROM + 2)), key])
    subjects = session.scalars(select(DeadlineAction.subject).order_by(DeadlineAction.subject)).all()
    assert subjects == ["task:1"]


def test_no_rows_sends_nothing(session):
    with writing(session):
        insert_rows(session, Event, [])
    assert session.scalars(select(Event).where(Event.kind == "warning_red")).first() is None
