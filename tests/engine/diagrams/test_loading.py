"""The engine's diagram checks: the bundled diagrams pass, broken and hostile ones are refused.

The domain's checks (lanes, task properties, the research gate) are tested with the topic
rules in tests/workflows/rules/test_topic_rules.py.
"""

from pathlib import Path

import pytest

from engine.diagrams import loading as diagrams
from engine.errors import DiagramRejected

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
PATH = (BPMN / "topic_path.bpmn").read_bytes()


def rejected(data: bytes) -> list[str]:
    with pytest.raises(DiagramRejected) as caught:
        diagrams.load(data)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize("path", sorted(BPMN.rglob("*.bpmn")), ids=lambda p: p.name)
def test_every_bundled_diagram_loads(path):
    diagram = diagrams.load(path.read_bytes(), path.name)
    assert diagram.process_id in {"topic_district", "topic_town", "topic_path", "town_approval"}
    assert len(diagram.sha256) == 64


def test_external_entity_is_refused_and_the_file_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    doc = PATH.replace(
        b"<bpmn:definitions", f'<!DOCTYPE d [<!ENTITY xxe SYSTEM "file://{secret}">]>\n<bpmn:definitions'.encode(), 1
    )
    doc = doc.replace(b"\xe6\xb7\xb1\xe5\x85\xa5\xe8\xb0\x83\xe7\xa0\x94", b"&xxe;", 1)  # 深入调研
    problems = rejected(doc)
    assert any("DOCTYPE" in p for p in problems)
    assert all("TOP-SECRET" not in p for p in problems)


def test_entity_expansion_bomb_is_refused():
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    root = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&l9;</bpmn:definitions>'
    doc = f'<?xml version="1.0"?><!DOCTYPE d [{lol}]>{root}'
    assert any("DOCTYPE" in p for p in rejected(doc.encode()))


def test_script_task_with_import_is_refused_with_its_element():
    doc = PATH.replace(
        b"<bpmn:startEvent",
        b'<bpmn:scriptTask id="evil" name="Evil">'
        b'<bpmn:script>__import__("os").system("id")</bpmn:script></bpmn:scriptTask><bpmn:startEvent',
        1,
    )
    problems = rejected(doc)
    assert "evil (Evil): scripts are not allowed" in problems
    assert "evil (Evil): scriptTask is not supported by shangliang" in problems


def test_condition_reaching_for_python_internals_is_refused():
    doc = PATH.replace(b'rating == "unsatisfied"', b"rating.__class__ == 1", 1).replace(
        b"rating == &quot;unsatisfied&quot;", b"rating.__class__ == 1", 1
    )
    assert any("expression refused" in p for p in rejected(doc))


def test_unsupported_element_is_named():
    doc = PATH.replace(b"<bpmn:startEvent", b'<bpmn:complexGateway id="odd" name="Odd" /><bpmn:startEvent', 1)
    assert any(p.startswith("odd (Odd): complexGateway is not supported") for p in rejected(doc))


def test_task_without_an_end_is_refused():
    doc = PATH.replace(b"<bpmn:startEvent", b'<bpmn:userTask id="dead_end" name="Dead end" /><bpmn:startEvent', 1)
    problems = rejected(doc)
    assert any(p.startswith("dead_end (Dead end): no path leads from here to an end event") for p in problems)


def test_oversized_file_is_refused_before_parsing():
    assert any("larger than" in p for p in rejected(b" " * (diagrams.MAX_DIAGRAM_BYTES + 1)))


def test_not_xml_is_refused():
    assert any("not well-formed" in p for p in rejected(b"<bpmn:definitions"))


class _NoDomainRules:
    """Rules with no domain checks, so that only the engine's deploy-time checks speak."""

    def diagram_problems(self, diagram):
        return ()


@pytest.mark.parametrize("path", sorted(BPMN.rglob("*.bpmn")), ids=lambda p: p.name)
def test_no_bundled_diagram_has_a_dangling_reference(path):
    assert diagrams.check_references(diagrams.parse_xml(path.read_bytes()).find("bpmn:process", diagrams.NS)) == []


@pytest.mark.parametrize("wrong, message", [
    (b"flow_sign_receipt_to_assist_opinion", "'flow_sign_receipt_to_assist_opinion', which is not a sequence flow"),
    (b"flow_minutes_to_sign_receipt", "'flow_minutes_to_sign_receipt', which does not enter this element"),
])
def test_a_dangling_incoming_reference_is_one_problem_on_its_element(wrong, message):
    doc = PATH.replace(b"<bpmn:incoming>flow_receipt_to_assist_opinion<", b"<bpmn:incoming>" + wrong + b"<", 1)
    with pytest.raises(DiagramRejected) as caught:
        diagrams.load(doc, "path.bpmn", _NoDomainRules())
    assert [(p.element_id, message in p.message) for p in caught.value.problems] == [("assist_opinion", True)]
    assert diagrams.load(doc).process_id == "topic_path"  # a version already deployed keeps running
