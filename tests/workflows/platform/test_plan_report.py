"""The annual plan reported to the party committee (请示报告): reported, returned with a reason, revised, approved."""
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidInput
from models import Notification
from models.database import writing
from tests.conftest import NOW
from tests.factories import drive, start_topic
from workflows.demo.world import district_path, user_named
from workflows.platform import plan, plan_report


def _plan(session: Session) -> tuple[plan.Plan, int]:
    topic = start_topic(session, NOW, title="老旧小区加装电梯")
    drive(session, topic, district_path("tianning")[:4], NOW)  # approved into the 2026 plan
    district = plan.require_district(session, user_named(session, "office_tianning"), "tianning")
    return plan.plan_of(session, district, 2026), topic.id


def test_a_returned_plan_is_revised_reported_again_and_approved_with_every_step_in_its_history(
        session: Session) -> None:
    found, topic_id = _plan(session)
    office, leader, chair = (user_named(session, n) for n in ("office_tianning", "party_tianning", "chair_tianning"))
    assert plan_report.approval(found, []).state == "unreported"
    with writing(session):
        first = plan_report.report(session, office, found, "请审定", now=NOW)
    assert (first.round, first.topic_count) == (1, 1)
    notice = session.scalar(select(Notification).where(Notification.kind == "plan_reported"))
    assert notice is not None and notice.user_id == leader.id
    with writing(session):
        with pytest.raises(Conflict):
            plan_report.report(session, office, found, "", now=NOW)  # awaiting the decision already
        with pytest.raises(InvalidInput) as no_reason:
            plan_report.decide(session, leader, found, "returned", "  ", now=NOW)
        plan_report.decide(session, leader, found, "returned", "请补充民生议题", now=NOW + timedelta(hours=1))
    reports = plan_report.reports_of(session, found.district, 2026)
    assert set(no_reason.value.fields) == {"reason"}
    assert plan_report.approval(found, reports).state == "returned"
    with writing(session):
        plan.adjust(session, chair, found.district, 2026, topic_id, 5, False, "按党委意见提前",
                    now=NOW + timedelta(hours=2))
    revised = plan.plan_of(session, found.district, 2026)
    with writing(session):
        second = plan_report.report(session, office, revised, "已按意见修改", now=NOW + timedelta(hours=3))
        plan_report.decide(session, leader, revised, "approved", "", now=NOW + timedelta(hours=4))
    reports = plan_report.reports_of(session, found.district, 2026)
    assert second.round == 2 and plan_report.approval(revised, reports).state == "approved"
    assert [(e.what, e.text) for e in plan_report.history(revised, reports)] == [
        ("reported", "请审定"), ("returned", "请补充民生议题"), ("change", "按党委意见提前"),
        ("reported", "已按意见修改"), ("approved", "")]
    with writing(session):
        with pytest.raises(Conflict):
            plan_report.report(session, office, revised, "", now=NOW + timedelta(hours=5))  # approved, unchanged
        plan.adjust(session, chair, found.district, 2026, topic_id, 7, False, "调整月份", now=NOW + timedelta(hours=6))
    changed = plan.plan_of(session, found.district, 2026)
    state = plan_report.approval(changed, plan_report.reports_of(session, found.district, 2026))
    assert (state.state, state.changes_since) == ("changed", 1)


def test_only_the_district_reports_and_only_its_party_leaders_decide(session: Session) -> None:
    found, _ = _plan(session)
    with writing(session):
        for name in ("party_tianning", "member_tianning", "office_zhenglu", "office_xinbei"):
            with pytest.raises(Forbidden):
                plan_report.report(session, user_named(session, name), found, "", now=NOW)
        plan_report.report(session, user_named(session, "chair_tianning"), found, "", now=NOW)
        for name in ("office_tianning", "chair_tianning", "party_changzhou", "party_zhenglu", "party_xinbei"):
            with pytest.raises(Forbidden):
                plan_report.decide(session, user_named(session, name), found, "approved", "", now=NOW)
        with pytest.raises(InvalidInput):
            plan_report.decide(session, user_named(session, "party_tianning"), found, "maybe", "", now=NOW)


def test_an_empty_plan_is_not_reported(session: Session) -> None:
    district = plan.require_district(session, user_named(session, "office_tianning"), "tianning")
    with writing(session), pytest.raises(InvalidInput):
        plan_report.report(session, user_named(session, "office_tianning"), plan.plan_of(session, district, 2026),
                           "", now=NOW)
