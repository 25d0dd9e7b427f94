"""Markup a browser would run is refused in a diagram; every kind of problem is reported at once.

A draft or version is downloaded by other administrators; an XHTML script, an SVG, an XSLT
stylesheet instruction or anything outside the diagram languages is refused by the loader.
"""
from pathlib import Path

import pytest

from engine.diagrams import loading as diagrams
from engine.errors import DiagramRejected
from workflows.rules.topic_rules import TopicRules

BPMN = Path(__file__).resolve().parents[3] / "bpmn"
PATH = (BPMN / "topic_path.bpmn").read_bytes()
XHTML = b'xmlns:xhtml="http://www.w3.org/1999/xhtml" '


def problems_of(data: bytes, rules: TopicRules | None = None) -> list[str]:
    with pytest.raises(DiagramRejected) as caught:
        diagrams.load(data, rules=rules)
    return [str(p) for p in caught.value.problems]


def test_a_script_in_documentation_is_refused_and_named():
    doc = PATH.replace(b"<bpmn:definitions ", b"<bpmn:definitions " + XHTML, 1).replace(
        b"<bpmn:documentation>\xe6\x94\xbf\xe5\x8d\x8f\xe5\x8a\x9e\xe5\x85\xac\xe5\xae\xa4</bpmn:documentation>",
        b"<bpmn:documentation><xhtml:script>alert(1)</xhtml:script></bpmn:documentation>", 1)
    problems = problems_of(doc)
    assert any("element script of http://www.w3.org/1999/xhtml is not part of a diagram" in p for p in problems)


@pytest.mark.parametrize("hostile", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b'<x:include xmlns:x="http://www.w3.org/2001/XInclude" href="file:///etc/passwd"/>',
    b"<plain>no namespace</plain>",
])
def test_elements_outside_the_diagram_languages_are_refused(hostile):
    doc = PATH.replace(b"</bpmn:definitions>", hostile + b"</bpmn:definitions>", 1)
    assert any("is not part of a diagram" in p for p in problems_of(doc))


def test_a_stylesheet_instruction_is_refused():
    doc = PATH.replace(b"?>", b'?>\n<?xml-stylesheet type="text/xsl" href="data:text/xsl,x"?>', 1)
    assert any("processing instruction <?xml-stylesheet?>" in p for p in problems_of(doc))


def test_the_modelers_colour_extensions_are_kept():
    doc = PATH.replace(b"<bpmn:definitions ", b'<bpmn:definitions xmlns:bioc="http://bpmn.io/schema/bpmn/biocolor/1.0" '
                       b'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ', 1)
    doc = doc.replace(b'<bpmn:userTask id="research"', b'<bpmn:userTask bioc:fill="#fff" id="research"', 1)
    assert diagrams.load(doc).process_id == "topic_path"


def test_several_processes_are_refused_by_name():
    doc = PATH.replace(b"</bpmn:definitions>", b'<bpmn:process id="second"/><bpmn:process id="third"/>'
                       b"</bpmn:definitions>", 1)
    assert any(p.endswith("has 3: topic_path, second, third") for p in problems_of(doc))


def test_a_script_and_a_domain_problem_are_reported_together():
    doc = PATH.replace(b"<bpmn:startEvent", b'<bpmn:scriptTask id="evil" name="Evil">'
                       b"<bpmn:script>x = 1</bpmn:script></bpmn:scriptTask><bpmn:startEvent", 1)
    doc = doc.replace(b'<bpmn:userTask id="research"', b'<bpmn:userTask id="dead_end" name="Dead end" />'
                      b'<bpmn:userTask id="research"', 1)
    problems = problems_of(doc, TopicRules())
    assert "evil (Evil): scripts are not allowed" in problems
    assert any(p.startswith("dead_end (Dead end): no path leads") for p in problems)
