"""Operations on a running topic: suspend and resume, terminate, reassign, retry or skip a failed step."""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput
from models import AuditEntry, Role, RoleAssignment, TaskStatus, TopicStatus, User, WorkflowState
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic, writes
from workflows.administration import migration, operations, review
from workflows.demo.world import district_path, user_named
from workflows.topics import inbox
from workflows.topics import lifecycle as topics

operations = writes(operations, "suspend", "resume", "terminate", "retry", "skip", "reassign")
review = writes(review, "submit", "approve", "reject")
topics = writes(topics, "start_topic", "complete_task", "fire_timers")

PATH_XML = (Path(__file__).resolve().parents[3] / "bpmn" / "topic_path.bpmn").read_bytes()
ADDRESS = "192.0.2.7"
LATER = NOW + timedelta(days=1)


def kinds(session, topic) -> list[str]:
    return [e.kind for e in topics.history(session, topic)]


def test_a_suspended_topics_tasks_cannot_be_completed_until_it_is_resumed(session):
    topic = start_topic(session, NOW)
    admin = user_named(session, "admin")
    operations.suspend(session, admin, topic.id, "等待区委统一部署", ADDRESS, NOW)
    step = district_path("tianning")[0]
    with pytest.raises(Conflict, match="suspended: 等待区委统一部署"):
        drive(session, topic, [step], NOW)
    with pytest.raises(Conflict, match="only an active topic can be suspended"):
        operations.suspend(session, admin, topic.id, "again", ADDRESS, NOW)
    operations.resume(session, admin, topic.id, "", ADDRESS, NOW)
    drive(session, topic, [step], NOW)
    assert open_ids(session, topic) == ["chairs_review"]
    assert kinds(session, topic)[1:3] == ["admin_suspend", "admin_resume"]
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor.username, e.target, e.address) for e in entries] == [
        ("suspend", "admin", f"topic:{topic.id}", ADDRESS), ("resume", "admin", f"topic:{topic.id}", ADDRESS)]
    assert entries[0].payload == {"reason": "等待区委统一部署"}


def test_only_process_administrators_operate_and_reasons_are_required(session):
    topic = start_topic(session, NOW)
    with pytest.raises(Forbidden):
        operations.suspend(session, user_named(session, "office_tianning"), topic.id, "x")
    with pytest.raises(InvalidInput):
        operations.terminate(session, user_named(session, "admin"), topic.id, " ")


def test_termination_withdraws_the_open_tasks_and_keeps_the_reason(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:9], NOW)
    item = open_task(session, topic, "assist_opinion")
    operations.terminate(session, user_named(session, "admin"), topic.id, "议题已由其他渠道解决", ADDRESS, LATER)
    session.refresh(topic)
    assert (topic.status, topic.status_reason) == (TopicStatus.TERMINATED, "议题已由其他渠道解决")
    assert open_ids(session, topic) == []
    session.refresh(item)
    assert item.status is TaskStatus.CANCELLED
    assert inbox.inbox(session, user_named(session, "civil_tianning")) == []
    assert kinds(session, topic)[-2:] == ["task_cancelled", "admin_terminate"]
    with pytest.raises(Conflict, match="already terminated"):
        operations.terminate(session, user_named(session, "admin"), topic.id, "again")


def test_reassigning_the_lead_units_receipt_moves_the_reply_too(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning", assisting=False)[:8], NOW)
    sign = open_task(session, topic, "sign_receipt")
    operations.reassign(session, user_named(session, "admin"), sign.id, unit="tianning-urban",
                        reason="职责调整，转城管局办理", address=ADDRESS, now=LATER)
    assert inbox.inbox(session, user_named(session, "housing_tianning")) == []
    urban = sign.candidate_unit
    assert urban.code == "tianning-urban"
    clerk = User(username="urban_tianning", display_name="天宁区城管局")
    clerk.roles.append(RoleAssignment(role=Role.HANDLING_UNIT, unit=urban))
    session.add(clerk)
    session.commit()
    assert [i.id for i in inbox.inbox(session, clerk)] == [sign.id]
    topics.complete_task(session, clerk, sign.id, {}, now=LATER)
    assert open_task(session, topic, "write_reply").candidate_unit.code == "tianning-urban"
    event = next(e for e in topics.history(session, topic) if e.kind.startswith("admin_"))
    assert event.kind == "admin_reassign"
    assert event.payload["from"]["unit"] == "tianning-housing" and event.payload["to"]["unit"] == "tianning-urban"


def test_a_task_given_to_one_user_leaves_the_units_shared_list(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:4], NOW)
    research = open_task(session, topic, "research")
    admin = user_named(session, "admin")
    with pytest.raises(InvalidInput, match="cannot do this task"):
        operations.reassign(session, admin, research.id, user="housing_wujin")
    with pytest.raises(InvalidInput, match="cannot do this task"):  # the role, but in another district
        operations.reassign(session, admin, research.id, user="committee_wujin")
    operations.reassign(session, admin, research.id, user="committee_zhenglu", reason="镇工委联合调研")
    assert inbox.inbox(session, user_named(session, "committee_tianning")) == []
    assert [i.id for i in inbox.inbox(session, user_named(session, "committee_zhenglu"))] == [research.id]
    topics.complete_task(session, user_named(session, "committee_zhenglu"), research.id,
                         district_path("tianning")[4][2], now=NOW)
    assert open_ids(session, topic) == ["send_materials"]


def test_reassigning_to_an_organization_and_bad_targets(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:2], NOW)
    party = open_task(session, topic, "party_approval")
    admin = user_named(session, "admin")
    with pytest.raises(InvalidInput) as caught:
        operations.reassign(session, admin, party.id, unit="tianning-urban", user="admin")
    assert caught.value.fields == {"to": "give exactly one of unit, organization or user"}
    with pytest.raises(InvalidInput, match="unknown organization"):
        operations.reassign(session, admin, party.id, organization="nowhere")
    operations.reassign(session, admin, party.id, organization="zhenglu", reason="委托镇政协录入")
    assert [i.id for i in inbox.inbox(session, user_named(session, "office_zhenglu"))] == [party.id]


def failing_topic(session):
    """A topic whose rating gateway names a field no form collects, stopped at that gateway."""
    admin, admin2 = user_named(session, "admin"), user_named(session, "admin2")
    broken = PATH_XML.replace(b'rating == "unsatisfied"', b'rating_level == "unsatisfied"')
    version = review.submit(session, admin, broken, bind_to=("tianning",), now=NOW)
    review.approve(session, admin2, version.id, now=NOW)
    topic = start_topic(session, NOW)
    path = district_path("tianning")
    drive(session, topic, path[:11] + [("rate_reply", "office_tianning", {"rating": "unsatisfied",
                                                                          "rating_note": "措施不具体"})], NOW)
    return topic


def test_a_failing_gateway_is_recorded_and_a_retry_that_fails_again_changes_nothing(session):
    topic = failing_topic(session)
    stored = session.get(WorkflowState, topic.id)
    assert stored.failure["bpmn_id"] == "rating_decision"
    assert "'rating_level' is not in the task data" in stored.failure["message"]
    assert kinds(session, topic)[-2:] == ["task_completed", "step_failed"]
    assert open_ids(session, topic) == []
    before = stored.state_json
    with pytest.raises(Conflict, match="failed again"):
        operations.retry(session, user_named(session, "admin"), topic.id, ADDRESS, NOW)
    session.expire_all()
    assert session.get(WorkflowState, topic.id).state_json == before


def test_skipping_a_failed_gateway_takes_its_default_flow(session):
    topic = failing_topic(session)
    operations.skip(session, user_named(session, "admin"), topic.id, "测评结果由主席会议另行处理", ADDRESS, LATER)
    assert open_ids(session, topic) == ["follow_up"]
    assert session.get(WorkflowState, topic.id).failure is None
    assert kinds(session, topic)[-1] == "admin_skip"
    with pytest.raises(Conflict, match="no failed step"):
        operations.retry(session, user_named(session, "admin"), topic.id)


def test_a_failed_step_is_fixed_by_a_new_version_and_a_retry(session):
    topic = failing_topic(session)
    admin, admin2 = user_named(session, "admin"), user_named(session, "admin2")
    fixed = review.submit(session, admin, PATH_XML.replace(b'rating == "unsatisfied"', b'rating in ["unsatisfied"]'),
                          bind_to=("tianning",), now=NOW)
    review.approve(session, admin2, fixed.id, now=NOW)
    [verdict] = migration.plan(session, admin, fixed.id, [topic.id])
    assert verdict.notes == ["failed step rating_decision (答复满意？) takes the new conditions; "
                             "retry it after the move"]
    migration.migrate(session, admin, fixed.id, [topic.id], now=NOW)
    operations.retry(session, admin, topic.id, ADDRESS, NOW)
    assert open_ids(session, topic) == ["write_reply"], "unsatisfied: back to the handling unit"
    assert session.get(WorkflowState, topic.id).failure is None
