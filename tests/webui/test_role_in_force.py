"""Sight comes from a role in force, and the resident's contact only from the role that handles the topic.

A party leader who also holds another role, and the staff of a co-organizing platform, read a topic but never its
resident's contact; a role assignment past its end date grants nothing: no publishing, no moderating, no triage.
"""
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden
from models import Opinion, Organization, ProposalSource, Role, RoleAssignment, Topic
from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from tests.webui.test_deliberation import PERIOD
from tests.webui.test_public_proposals import _propose
from tests.webui.test_public_results import _publish
from workflows.demo.world import user_named
from workflows.participation import deliberation, proposals, tracking, triage
from workflows.people import access
from workflows.platform import appraisal
from workflows.topics import overview as casefile

BUTTON = "查看群众联系方式"


def _with_contact(session: Session, title: str) -> Topic:
    topic = start_topic(session, NOW, title=title)
    with writing(session):
        casefile.add_contact(session, topic, "张三", "13800001234", "")
    return topic


def _end_office_role(session: Session, username: str) -> None:
    """End the user's office role and make them a member of its district (who reads deliberations, moderates none)."""
    session.rollback()  # the app committed since the test last read
    user = user_named(session, username)
    for assignment in user.roles:
        if assignment.role is Role.CPPCC_OFFICE:
            assignment.ends_on = date(2020, 12, 31)
            user.roles.append(RoleAssignment(role=Role.MEMBER, organization_id=assignment.organization_id))
    session.commit()


def _reveals(actor: Any, topic: Topic) -> tuple[bool, int]:
    page = actor.get(f"/topics/{topic.id}")
    return BUTTON in page.get_data(as_text=True), actor.post(f"/topics/{topic.id}/contact").status_code


def test_a_leader_who_is_also_a_member_reads_the_topic_but_not_the_residents_contact(web, session) -> None:  # type: ignore[no-untyped-def]
    topic = _with_contact(session, "小区停车位改造")
    tianning = session.scalar(select(Organization).where(Organization.code == "tianning"))
    leader_user = user_named(session, "party_tianning")
    leader_user.roles.append(RoleAssignment(role=Role.MEMBER, organization=tianning))
    session.commit()
    leader = web("party_tianning")
    assert leader.get(f"/topics/{topic.id}").status_code == 200  # the leader's area: read
    assert _reveals(leader, topic) == (False, 403)  # the member role grants no sight of its own
    office = web("office_tianning")
    assert _reveals(office, topic)[0] and "13800001234" in office.post(f"/topics/{topic.id}/contact").get_data(
        as_text=True)


def test_a_co_organizing_platform_reads_the_joint_topic_but_not_the_residents_contact(web, session) -> None:  # type: ignore[no-untyped-def]
    topic = _with_contact(session, "两区交界道路")
    office = web("office_tianning")
    office.get(f"/platform/levels/topics/{topic.id}")
    assert office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 302
    for username in ("office_xinbei", "supervisor_xinbei"):
        co = web(username)
        assert co.get(f"/topics/{topic.id}").status_code == 200, username
        assert _reveals(co, topic) == (False, 403), username
    assert _reveals(web("supervisor_tianning"), topic) == (True, 200)  # the topic's own platform handles it


def test_an_ended_office_role_does_not_read_the_triage_queue(app, web, session) -> None:  # type: ignore[no-untyped-def]
    number = _propose(app.test_client()).headers["Location"].split("/public/proposals/")[1].split("?")[0]
    office = web("office_tianning")
    assert office.get("/proposals").status_code == 200 and office.get(f"/proposals/{number}").status_code == 200
    _end_office_role(session, "office_tianning")
    assert office.get("/proposals").status_code == 403
    assert office.get(f"/proposals/{number}").status_code == 404


def test_an_ended_office_role_does_not_publish(web, session) -> None:  # type: ignore[no-untyped-def]
    topic = start_topic(session, NOW, title="老旧小区加装电梯")
    office = web("office_tianning")
    assert office.get("/publication").status_code == 200
    _end_office_role(session, "office_tianning")
    assert office.get("/publication").status_code == 403
    assert _publish(office, topic.id).status_code == 403
    assert office.get(f"/topics/{topic.id}").status_code == 404  # nor does it see the topic any more


def test_an_ended_office_role_does_not_moderate(web, session) -> None:  # type: ignore[no-untyped-def]
    topic = start_topic(session, NOW, title="老旧小区加装电梯")
    office = web("office_tianning")
    office.get(f"/deliberations/topic/{topic.id}")
    page = office.post(f"/deliberations/topic/{topic.id}", PERIOD).headers["Location"]
    member = web("member_tianning")
    member.get(page)
    assert member.post(page + "/opinions", {"body": "按楼层分摊"}).status_code == 302
    opinion = session.scalar(select(Opinion).where(Opinion.body == "按楼层分摊"))
    assert opinion is not None
    _end_office_role(session, "office_tianning")
    assert office.get(page).status_code == 200  # read as a member
    hidden = office.post(f"/deliberations/opinions/{opinion.id}/hide", {"reason": "含个人联系方式"})
    assert hidden.status_code == 403
    session.rollback()
    assert session.get(Opinion, opinion.id).hidden_at is None


def test_ended_roles_grant_nothing_in_the_services(session) -> None:  # type: ignore[no-untyped-def]
    office, clerk, member = (user_named(session, n) for n in ("office_tianning", "housing_tianning", "member_tianning"))
    topic = start_topic(session, NOW)
    with writing(session):
        deliberation.open_for(session, office, topic, PERIOD, NOW)
    assert tracking.districts_of_office(session, office) and appraisal._units_of(clerk)
    assert triage.places_for(session, member, ProposalSource.MEMBER) and deliberation.listed_for(session, member)
    for user in (office, clerk, member):
        for assignment in user.roles:
            assignment.ends_on = date(2020, 12, 31)
    with pytest.raises(Forbidden):
        tracking.districts_of_office(session, office)
    assert appraisal._units_of(clerk) == set() and triage.places_for(session, member, ProposalSource.MEMBER) == []
    assert deliberation.listed_for(session, member) == [] and not proposals.may_triage(office)
    assert not access.may_see(session, office, topic)
