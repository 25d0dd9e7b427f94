"""The office's queue through the API reads its items' senders and rooms with the items: the same statements for
one item as for many from different senders and rooms."""
from flask import Flask
from sqlalchemy.orm import Session

from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.webui.test_triage import PARKING
from workflows.demo.world import user_named
from workflows.platform import rooms


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


def _send(app: Flask, username: str, **fields: str) -> None:
    sent = app.test_client().post("/api/v1/recommendations", json={"source": "member", **PARKING, **fields},
                                  headers=auth(username))
    assert sent.status_code == 201, sent.get_json()


def _queue_statements(app: Flask, expected: int) -> int:
    with counted(app.extensions["db_engine"]) as seen:
        found = app.test_client().get("/api/v1/proposals", headers=auth("office_changzhou"))
    assert found.status_code == 200 and found.get_json()["total"] == expected, found.get_json()
    return len(seen)


def test_the_queue_costs_the_same_statements_whatever_its_senders_and_rooms(app: Flask, session: Session) -> None:
    _send(app, "member_tianning", title="第一条")
    one = _queue_statements(app, 1)
    office = user_named(session, "office_tianning")
    for n in range(3):
        with writing(session):
            room = rooms.register(session, office, "zhenglu-c1", {"name": f"议事室{n}", "functions": ["opinion_point"]},
                                  now=NOW)
        _send(app, "member_tianning", source="opinion", place="", room=room.code, title=f"社情民意{n}")
    _send(app, "party_tianning", source="assigned", place="tianning", title="点题")
    _send(app, "member_wujin", place="wujin", title="武进的荐题")
    assert _queue_statements(app, 6) == one
