"""Deploying versions and binding them per district."""
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import WorkflowEngine
from engine.store import versions as processes
from models import Organization, ProcessVersion

BPMN = Path(__file__).resolve().parents[3] / "bpmn"


def district(session, code: str) -> Organization:
    return session.scalar(select(Organization).where(Organization.code == code))


def test_deploying_the_same_bytes_twice_gives_one_version(session):
    data = (BPMN / "topic_path.bpmn").read_bytes()
    engine = WorkflowEngine.of(session)
    first = engine.deploy(session, data, source_name="topic_path.bpmn")
    assert engine.deploy(session, data) is first
    assert first.number == 1


def test_a_changed_diagram_is_the_next_version_and_bindings_choose_per_district(session):
    changed = (BPMN / "topic_path.bpmn").read_bytes().replace("深入调研".encode(), "深入调研二".encode(), 1)
    second = WorkflowEngine.of(session).deploy(session, changed, note="rename", preapproved=True)
    assert second.number == 2
    tianning, wujin = district(session, "tianning"), district(session, "wujin")
    processes.bind(session, second, tianning)
    assert processes.bound_version(session, "topic_path", tianning) is second
    assert processes.bound_version(session, "topic_path", wujin).number == 1
    assert processes.bound_version(session, "town_approval", wujin).source_name.endswith("wujin.bpmn")


def test_a_deployed_version_cannot_be_changed(session):
    version = session.scalars(select(ProcessVersion)).first()
    version.bpmn_xml = b"<changed/>"
    with pytest.raises(ValueError, match="immutable"):
        session.flush()
