"""Reading a BPMN file into a process spec, refusing anything unsafe or unsupported.

Called when a diagram is deployed and when a stored version is first used in a process. The
XML is parsed by lxml with entities, DTDs and network access off, before SpiffWorkflow sees
it; then the document is checked against what shangliang supports, and every expression
against the restricted language, so a diagram is never a way to run code.
"""

import hashlib
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from engine.errors import DiagramRejected, Problem
from engine.runtime import expressions
from engine.time.calendar import parse_allowance
from workflows.rules.forms import FORMS
from workflows.rules.roles import CANDIDATES, LANE_ROLES

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
DTD_REFUSED = "a DOCTYPE or entity declaration is not allowed in a diagram"
STAGES = ("proposal", "approval", "research", "consultation", "minutes", "handling", "feedback", "reinspection")

SUPPORTED = {
    "startEvent",
    "endEvent",
    "userTask",
    "manualTask",
    "task",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "callActivity",
    "sequenceFlow",
    "laneSet",
    "textAnnotation",
    "association",
    "extensionElements",
    "documentation",
    "intermediateCatchEvent",
    "boundaryEvent",
    "property",
}
FLOW_NODES = SUPPORTED - {
    "sequenceFlow",
    "laneSet",
    "textAnnotation",
    "association",
    "extensionElements",
    "documentation",
    "property",
}
EXPRESSION_TAGS = (
    "conditionExpression",
    "timeDate",
    "timeDuration",
    "timeCycle",
    "loopCardinality",
    "completionCondition",
)
SCRIPT_TAGS = (
    f"{{{BPMN}}}script",
    f"{{{SPIFF}}}preScript",
    f"{{{SPIFF}}}postScript",
    f"{{{SPIFF}}}serviceTaskOperator",
)


@dataclass(frozen=True)
class Diagram:
    """A parsed, checked diagram: one executable process and what it calls."""

    process_id: str
    name: str
    sha256: str
    spec: BpmnProcessSpec
    called: frozenset[str]


def load(data: bytes, source: str = "") -> Diagram:
    """Parse and check a diagram, raising DiagramRejected with every problem found."""
    return _load_cached(bytes(data), source)


@lru_cache(maxsize=256)
def _load_cached(data: bytes, source: str) -> Diagram:
    root = parse_xml(data)
    process = _single_process(root)
    problems = [*check_elements(process), *check_expressions(process)]
    if problems:
        raise DiagramRejected(problems)
    spec = _spiff_spec(root, process.get("id", ""), source)
    problems = [*check_user_tasks(spec), *check_paths(process)]
    if problems:
        raise DiagramRejected(problems)
    called = frozenset(e.get("calledElement", "") for e in process.iter(f"{{{BPMN}}}callActivity"))
    name = process.get("name") or process.get("id", "")
    return Diagram(process.get("id", ""), name, hashlib.sha256(data).hexdigest(), spec, called)


def parse_xml(data: bytes) -> etree._Element:
    """Parse bytes as XML with every external or expanding feature off; refuse any DTD."""
    if len(data) > MAX_DIAGRAM_BYTES:
        raise DiagramRejected([Problem(f"the file is larger than {MAX_DIAGRAM_BYTES // 1024 // 1024} MB")])
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DiagramRejected([Problem(DTD_REFUSED)])
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise DiagramRejected([Problem(f"not well-formed XML: {exc}")]) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise DiagramRejected([Problem(DTD_REFUSED)])
    root = tree.getroot()
    if root.tag != f"{{{BPMN}}}definitions":
        raise DiagramRejected([Problem("the root element is not bpmn:definitions")])
    return root


def _single_process(root: etree._Element) -> etree._Element:
    processes = root.findall("bpmn:process", NS)
    if len(processes) != 1:
        raise DiagramRejected([Problem(f"a diagram holds exactly one process; this one has {len(processes)}")])
    return processes[0]


def _local(element: etree._Element) -> str:
    """Return an element's local tag name ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _problem(element: etree._Element, message: str) -> Problem:
    return Problem(message, element.get("id", ""), element.get("name", ""))


def check_elements(process: etree._Element) -> list[Problem]:
    """List the elements shangliang does not run, and every script."""
    problems = []
    for element in process.iter():
        if element.tag in SCRIPT_TAGS:
            owner = element.getparent()
            while owner is not None and not owner.get("id"):
                owner = owner.getparent()
            problems.append(_problem(owner if owner is not None else element, "scripts are not allowed"))
        elif element.getparent() is process and _local(element) not in SUPPORTED | {""}:
            problems.append(_problem(element, f"{_local(element)} is not supported by shangliang"))
    return problems


def check_expressions(process: etree._Element) -> list[Problem]:
    """Check every expression against the restricted language, naming its element."""
    problems = []
    for tag in EXPRESSION_TAGS:
        for element in process.iter(f"{{{BPMN}}}{tag}"):
            try:
                expressions.check(element.text or "")
            except expressions.ExpressionError as exc:
                owner = element.getparent()
                while owner is not None and not owner.get("id"):
                    owner = owner.getparent()
                problems.append(_problem(owner if owner is not None else element, f"expression refused: {exc}"))
    return problems


def _spiff_spec(root: etree._Element, process_id: str, source: str) -> BpmnProcessSpec:
    parser = SpiffBpmnParser(validator=VALIDATOR)
    try:
        parser.add_bpmn_xml(root, filename=source or "upload.bpmn")
        spec = parser.get_spec(process_id)
    except ValidationException as exc:
        raise DiagramRejected([Problem(str(exc).splitlines()[0], exc.id or "", exc.name or "")]) from None
    except Exception as exc:  # SpiffWorkflow raises assorted errors for bad documents
        raise DiagramRejected([Problem(f"SpiffWorkflow could not read it: {exc}")]) from None
    _connect_loop_children(spec)
    return spec


def _connect_loop_children(spec: BpmnProcessSpec) -> None:
    """Wire each loop's child spec to its parent up front, as the serializer does for restored specs.

    SpiffWorkflow connects a multi-instance child to its parent's merge only when it creates a
    child; a workflow restored onto a freshly parsed spec never does, and its outputs would be lost.
    """
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            child = spec.task_specs[task_spec.task_spec]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def check_user_tasks(spec: BpmnProcessSpec) -> list[Problem]:
    """Every user task sits in a role's lane and declares a known stage, form, candidate and clock."""
    problems = []
    for task_spec in spec.task_specs.values():
        if not getattr(task_spec, "manual", False):
            continue
        owner = Problem("", task_spec.bpmn_id or task_spec.name, task_spec.bpmn_name or "")
        props: dict[str, Any] = task_spec.extensions.get("properties", {})
        for message in _user_task_problems(task_spec.lane, props):
            problems.append(Problem(message, owner.element_id, owner.element_name))
    return problems


def _user_task_problems(lane: str | None, props: dict[str, Any]) -> list[str]:
    messages = []
    if lane not in LANE_ROLES:
        messages.append(f"lies in lane {lane!r}, which is not mapped to a role ({', '.join(LANE_ROLES)})")
    if props.get("stage") not in STAGES:
        messages.append(f"property stage must be one of {', '.join(STAGES)}")
    if props.get("form") not in FORMS:
        messages.append(f"property form {props.get('form')!r} names no known form")
    if props.get("candidate") not in CANDIDATES:
        messages.append(f"property candidate must be one of {', '.join(CANDIDATES)}")
    for key in ("clock", "warn"):
        try:
            parse_allowance(props.get(key, ""))
        except ValueError as exc:
            messages.append(f"property {key}: {exc}")
    return messages


def check_paths(process: etree._Element) -> list[Problem]:
    """Every flow node can reach an end event, and consultation waits behind the research gate."""
    nodes = {e.get("id"): e for e in process if _local(e) in FLOW_NODES}
    edges: dict[str, list[str]] = {}
    for flow in process.iterfind("bpmn:sequenceFlow", NS):
        edges.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    for boundary in process.iterfind("bpmn:boundaryEvent", NS):
        edges.setdefault(boundary.get("attachedToRef", ""), []).append(boundary.get("id", ""))
    ends = {i for i, e in nodes.items() if _local(e) == "endEvent"}
    reaches_end = _reverse_reachable(edges, ends)
    problems = [
        _problem(e, "no path leads from here to an end event") for i, e in nodes.items() if i not in reaches_end
    ]
    return problems + _research_gate_problems(process, nodes, edges)


def _reverse_reachable(edges: dict[str, list[str]], targets: set[str]) -> set[str]:
    reverse: dict[str, list[str]] = {}
    for source, targets_of in edges.items():
        for target in targets_of:
            reverse.setdefault(target, []).append(source)
    return _walk(reverse, targets)


def _walk(edges: dict[str, list[str]], start: set[str], blocked: str | None = None) -> set[str]:
    seen, queue = set(start), deque(start)
    while queue:
        for nxt in edges.get(queue.popleft(), []):
            if nxt not in seen and nxt != blocked:
                seen.add(nxt)
                queue.append(nxt)
    return seen


def _research_gate_problems(
    process: etree._Element, nodes: dict[str, etree._Element], edges: dict[str, list[str]]
) -> list[Problem]:
    """No research, no consultation: with the gate removed, no consultation task is reachable."""
    consultation = [
        e
        for e in nodes.values()
        if e.find(".//spiffworkflow:property[@name='stage'][@value='consultation']", NS) is not None
    ]
    if not consultation:
        return []
    starts = {i for i, e in nodes.items() if _local(e) == "startEvent"}
    if "research_gate" not in nodes:
        return [_problem(e, "consultation without the research gate (research_gate) before it") for e in consultation]
    reachable = _walk(edges, starts, blocked="research_gate")
    return [
        _problem(e, "can be reached without passing the research gate")
        for e in consultation
        if e.get("id") in reachable
    ]
