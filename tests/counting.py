"""Helpers for statement-count tests: count the SQL a block sends, and build many topics of every kind."""
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from models.database import writing
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.deadlines import extension_requests as extensions
from workflows.demo.world import district_path, user_named
from workflows.supervision import escalation

LATER = NOW + timedelta(days=20)  # some deadlines passed, some near: red, yellow and normal rows
SIGN = [s[0] for s in district_path("tianning", assisting=False)].index("sign_receipt")


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent on ``engine`` while the block runs."""
    seen: list[str] = []

    def collect(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", collect)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", collect)


def add_topics(session: Session, first: int, last: int) -> None:
    """Start topics ``first``..``last - 1`` on the district and town platforms; every fifth waits for its lead unit."""
    for n in range(first, last):
        at = NOW + timedelta(hours=n)
        if n % 5 == 4:  # waits for its lead unit, which asks for more time: the office's inbox lists the request
            topic = start_topic(session, at, title=f"议题{n}")
            drive(session, topic, district_path("tianning", assisting=False)[:SIGN], at)
            item = open_task(session, topic, "sign_receipt")
            assert item.due_at is not None
            with writing(session):
                extensions.request(session, user_named(session, "housing_tianning"), item.id,
                                   (item.due_at + timedelta(days=10)).date().isoformat(), "需要协调", now=at)
        elif n % 3 == 2:
            start_topic(session, at, level="town", town="zhenglu", title=f"议题{n}")
        else:
            topic = start_topic(session, at, district="tianning" if n % 2 else "wujin", title=f"议题{n}")
            if n == 1:  # one escalated task: the lists mark it
                item = open_task(session, topic, "submit_proposal")
                with writing(session):
                    escalation.escalate(session, user_named(session, "supervisor_tianning"), item.id, "抓紧办理",
                                        now=LATER)
