"""Deployments take effect only when a second process administrator approves them; bindings follow."""
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import Conflict, DiagramRejected, Forbidden, InvalidInput, NotFound
from engine.store import versions as processes
from models import AuditEntry, VersionStatus, WorkflowState
from tests import diagram_edits as edit
from tests.conftest import NOW
from tests.factories import start_topic, writes
from workflows.administration import bindings, review
from workflows.demo.world import user_named

bindings = writes(bindings, "set_binding", "remove_binding")
review = writes(review, "submit", "approve", "reject")

PATH_XML = (Path(__file__).resolve().parents[3] / "bpmn" / "topic_path.bpmn").read_bytes()


def test_a_deployment_is_pending_until_a_second_administrator_approves_it(session):
    admin, admin2 = user_named(session, "admin"), user_named(session, "admin2")
    version = review.submit(session, admin, edit.set_property(PATH_XML, "write_reply", "clock", "2m"),
                            note="书面反馈期限缩短为两个月", bind_to=("tianning",), now=NOW)
    assert (version.status, version.number) == (VersionStatus.PENDING, 2)
    tianning = start_topic(session, NOW).district
    assert processes.bound_version(session, "topic_path", tianning).number == 1
    with pytest.raises(Conflict, match="only an approved version can be bound"):
        bindings.set_binding(session, admin, version.id, "tianning")
    with pytest.raises(Forbidden, match="second process administrator"):
        review.approve(session, admin, version.id)
    with pytest.raises(Forbidden):
        review.approve(session, user_named(session, "office_tianning"), version.id)

    review.approve(session, admin2, version.id, note="已核对", address="10.0.0.2", now=NOW)
    assert version.status is VersionStatus.APPROVED and version.reviewed_by is admin2
    assert processes.bound_version(session, "topic_path", tianning).id == version.id
    wujin = user_named(session, "office_wujin").roles[0].organization
    assert processes.bound_version(session, "topic_path", wujin).number == 1
    with pytest.raises(Conflict, match="already approved"):
        review.approve(session, admin2, version.id)


def test_a_rejected_version_needs_a_reason_and_can_never_be_bound(session):
    admin, admin2 = user_named(session, "admin"), user_named(session, "admin2")
    version = review.submit(session, admin, edit.rename(PATH_XML, "research", "调研"), now=NOW)
    with pytest.raises(InvalidInput):
        review.reject(session, admin2, version.id, "  ")
    review.reject(session, admin2, version.id, "名称不规范", now=NOW)
    assert version.status is VersionStatus.REJECTED
    with pytest.raises(Conflict):
        bindings.set_binding(session, admin2, version.id, None)


def test_the_same_diagram_twice_and_bad_districts_are_refused(session):
    admin = user_named(session, "admin")
    with pytest.raises(Conflict, match="already deployed as topic_path v1"):
        review.submit(session, admin, PATH_XML)
    with pytest.raises(InvalidInput) as caught:
        review.submit(session, admin, edit.rename(PATH_XML, "research", "调研"), bind_to=("atlantis",))
    assert "atlantis" in caught.value.fields["bind_to"]
    with pytest.raises(DiagramRejected):
        review.submit(session, admin, edit.set_property(PATH_XML, "research", "clock", "soon"))
    with pytest.raises(Forbidden):
        review.submit(session, user_named(session, "supervisor_city"), edit.rename(PATH_XML, "research", "调研"))


def test_a_district_binding_overrides_the_default_until_removed(session):
    admin, admin2 = user_named(session, "admin"), user_named(session, "admin2")
    version = review.submit(session, admin, edit.rename(PATH_XML, "research", "调研"), now=NOW)
    review.approve(session, admin2, version.id, now=NOW)
    bindings.set_binding(session, admin, version.id, "jintan", address="127.0.0.1", now=NOW)
    rows = {(r.process_id, r.district): r.label for r in bindings.table(session)}
    assert rows[("topic_path", "jintan")] == "topic_path v2"
    assert rows[("topic_path", None)] == "topic_path v1"
    topic = start_topic(session, NOW, district="jintan")
    assert session.get(WorkflowState, topic.id).subprocess_versions == {"topic_path": version.id}
    bindings.remove_binding(session, admin, "topic_path", "jintan", now=NOW)
    assert ("topic_path", "jintan") not in {(r.process_id, r.district) for r in bindings.table(session)}
    with pytest.raises(NotFound, match="no binding of its own"):
        bindings.remove_binding(session, admin, "topic_path", "jintan")
    assert [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "deploy", "approve", "bind", "unbind"]
