"""The annual plan read from the topics, adjusted by the chairs' meeting with its history."""
import pytest
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.factories import drive, start_topic
from workflows.demo.world import district_path, town_path, user_named
from workflows.platform import plan


def _topics(session: Session) -> dict[str, int]:
    planned = start_topic(session, NOW, title="老旧小区加装电梯")
    drive(session, planned, district_path("tianning")[:4], NOW)  # approved into the 2026 plan, month 6
    waiting = start_topic(session, NOW, title="尚在审议的议题")
    drive(session, waiting, district_path("tianning")[:2], NOW)  # the party committee has not approved it
    town = start_topic(session, NOW, level="town", town="zhenglu", title="村道修缮")
    drive(session, town, town_path("tianning", "zhenglu")[:4], NOW)  # filed with the district
    other = start_topic(session, NOW, district="xinbei", title="新北的议题")
    drive(session, other, district_path("xinbei")[:4], NOW)
    return {"planned": planned.id, "town": town.id, "waiting": waiting.id}


def test_the_plan_holds_approved_district_topics_and_filed_town_topics(session: Session) -> None:
    ids = _topics(session)
    district = plan.require_district(session, user_named(session, "chair_tianning"), "tianning")
    found = plan.plan_of(session, district, 2026)
    assert [(r.title, r.planned_month, r.filed, r.stage) for r in found.rows] == [
        ("老旧小区加装电梯", 6, False, "research"), ("村道修缮", None, True, "research")]
    assert all(r.next_due is not None for r in found.rows)
    assert plan.plan_of(session, district, 2025).rows == []
    assert ids["waiting"] not in {r.topic_id for r in found.rows}


def test_the_chairs_meeting_adjusts_the_plan_and_every_change_stays(session: Session) -> None:
    ids = _topics(session)
    chair = user_named(session, "chair_tianning")
    district = plan.require_district(session, chair, "tianning")
    with writing(session):
        plan.adjust(session, chair, district, 2026, ids["planned"], 9, False, "调研需延长")
        plan.adjust(session, chair, district, 2026, ids["town"], None, True, "并入区级议题")
    found = plan.plan_of(session, district, 2026)
    assert [(r.title, r.planned_month, r.removed) for r in found.rows] == [
        ("老旧小区加装电梯", 9, False), ("村道修缮", None, True)]
    assert [(c.note, c.changed_by.username) for c in found.changes] == [("调研需延长", "chair_tianning"),
                                                                       ("并入区级议题", "chair_tianning")]
    with writing(session):
        with pytest.raises(Forbidden):
            plan.adjust(session, user_named(session, "office_tianning"), district, 2026, ids["planned"], 3, False, "x")
        with pytest.raises(InvalidInput) as refused:
            plan.adjust(session, chair, district, 2026, ids["waiting"], 13, False, " ")
    assert set(refused.value.fields) == {"planned_month", "note", "topic_id"}


def test_the_plan_reads_a_fixed_number_of_statements(session: Session) -> None:
    _topics(session)
    district = plan.require_district(session, user_named(session, "chair_tianning"), "tianning")
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        plan.plan_of(session, district, 2026)
    assert len(seen) == 4
