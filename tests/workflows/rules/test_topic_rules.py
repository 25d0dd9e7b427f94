"""The topic rules' diagram checks: lanes map to roles, and consultation waits behind the research gate."""
from pathlib import Path

import pytest

from engine.diagrams import loading as diagrams
from engine.errors import DiagramRejected
from workflows.rules.topic_rules import TopicRules

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
PATH = (BPMN / "topic_path.bpmn").read_bytes()


def rejected(data: bytes) -> list[str]:
    with pytest.raises(DiagramRejected) as caught:
        diagrams.load(data, rules=TopicRules())
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("path", sorted(BPMN.rglob("*.bpmn")), ids=lambda p: p.name)
def test_every_bundled_diagram_passes_the_topic_rules(path):
    assert diagrams.load(path.read_bytes(), path.name, TopicRules()).process_id


def test_lane_without_a_role_is_refused():
    doc = PATH.replace(b'name="committee"', b'name="nobody"', 1)
    assert any("not mapped to a role" in p for p in rejected(doc))


def test_missing_research_gate_is_refused():
    doc = PATH.replace(b"research_gate", b"some_gateway")
    assert any("research gate" in p for p in rejected(doc))
