"""Reading a BPMN file into a process spec, refusing anything unsafe or unsupported.

Called when a diagram is deployed and when a stored version is first used in a process. The
XML is parsed by lxml with entities, DTDs and network access off, before SpiffWorkflow sees
it; then the document is checked against what shangliang supports, and every expression
against the restricted language, so a diagram is never a way to run code. What the domain
asks of a diagram (lanes, task properties, the research gate) comes from the injected Rules.
"""

import ast
import hashlib
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from engine.errors import DiagramRejected, Problem
from engine.rules import Rules
from engine.runtime import expressions, limits

MAX_DIAGRAM_BYTES = 2 * 1024 * 1024
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF}
# The languages a diagram is written in: BPMN and its drawing, SpiffWorkflow's extensions, and the extensions
# the common modelers add (Camunda, Zeebe, bpmn.io colours). Anything else is refused.
DIAGRAM_NAMESPACES = frozenset({
    BPMN, SPIFF, "http://www.omg.org/spec/BPMN/20100524/DI", "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI", "http://camunda.org/schema/1.0/bpmn",
    "http://camunda.org/schema/modeler/1.0", "http://camunda.org/schema/zeebe/1.0",
    "http://bpmn.io/schema/bpmn/biocolor/1.0", "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
})
DTD_REFUSED = "a DOCTYPE or entity declaration is not allowed in a diagram"

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
    f"{{{BPMN}}}conditionExpression",
    f"{{{BPMN}}}timeDate",
    f"{{{BPMN}}}timeDuration",
    f"{{{BPMN}}}timeCycle",
    f"{{{BPMN}}}loopCardinality",
    f"{{{BPMN}}}completionCondition",
    f"{{{BPMN}}}loopCondition",  # standard loops
    f"{{{BPMN}}}condition",  # conditional events
    f"{{{BPMN}}}formalExpression",  # correlation retrieval, assignments
    f"{{{BPMN}}}transformation",  # data associations
    f"{{{SPIFF}}}messagePayload",
    f"{{{SPIFF}}}messageVariable",
    f"{{{SPIFF}}}expression",  # process-variable correlation
)
WAITS = {"userTask", "manualTask", "intermediateCatchEvent", "callActivity"}  # nodes where a run stops
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
    process: etree._Element = field(compare=False, repr=False)
    problems: tuple[Problem, ...] = ()


def load(data: bytes, source: str = "", rules: Rules | None = None) -> Diagram:
    """Parse and check a diagram, raising DiagramRejected with every problem found.

    Without ``rules`` only the engine's checks apply: that is enough to run a version that
    passed the domain's checks when it was deployed.
    """
    diagram = _load_cached(bytes(data), source)
    problems = list(diagram.problems)
    if rules is not None:
        # references only matter to the modeler, so versions deployed before this check keep running
        problems += [*check_references(diagram.process), *rules.diagram_problems(diagram)]
    if problems:
        raise DiagramRejected(problems)
    return diagram


@lru_cache(maxsize=256)
def _load_cached(data: bytes, source: str) -> Diagram:
    root = parse_xml(data)
    process = _single_process(root)
    problems = [*check_elements(process), *check_expressions(root), *check_limits(process)]
    try:  # reading runs nothing, so every kind of problem is reported at once, the domain's included
        spec = _spiff_spec(root, process.get("id", ""), source)
    except DiagramRejected as exc:
        raise DiagramRejected([*problems, *exc.problems]) from None
    called = frozenset(e.get("calledElement", "") for e in process.iter(f"{{{BPMN}}}callActivity"))
    process_id = process.get("id") or ""
    return Diagram(process_id, process.get("name") or process_id, hashlib.sha256(data).hexdigest(), spec, called,
                   process, (*problems, *check_paths(process)))


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
    foreign = foreign_content(tree)
    if foreign:
        raise DiagramRejected(foreign)
    return root


def foreign_content(tree: etree._ElementTree) -> list[Problem]:
    """List processing instructions and elements outside the diagram languages (XHTML, SVG, XSLT …).

    A browser shown the file would run them; the modelers' own extension namespaces are kept.
    """
    problems = [Problem(f"processing instruction <?{pi.target}?> is not allowed") for pi in
                tree.xpath("//processing-instruction()")]
    for element in tree.getroot().iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        if (name.namespace or "") not in DIAGRAM_NAMESPACES:
            where = name.namespace or "no namespace"
            problems.append(problem(_owner(element), f"element {name.localname} of {where} is not part of a diagram"))
    return problems[:50]


def _single_process(root: etree._Element) -> etree._Element:
    processes = root.findall("bpmn:process", NS)
    if len(processes) != 1:
        named = ", ".join(p.get("id", "?") for p in processes[:20])
        raise DiagramRejected([Problem(f"a diagram holds exactly one process; this one has {len(processes)}"
                                       + (f": {named}" if named else ""))])
    return processes[0]


def local_name(element: etree._Element) -> str:
    """Return an element's local tag name ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def problem(element: etree._Element, message: str) -> Problem:
    """Return a problem pointing at ``element`` (its id and name)."""
    return Problem(message, element.get("id", ""), element.get("name", ""))


def check_elements(process: etree._Element) -> list[Problem]:
    """List the elements shangliang does not run, and every script."""
    problems = []
    for element in process.iter():
        if element.tag in SCRIPT_TAGS:
            owner = element.getparent()
            while owner is not None and not owner.get("id"):
                owner = owner.getparent()
            problems.append(problem(owner if owner is not None else element, "scripts are not allowed"))
        elif element.getparent() is process and local_name(element) not in SUPPORTED | {""}:
            problems.append(problem(element, f"{local_name(element)} is not supported by shangliang"))
    return problems


def check_expressions(process: etree._Element) -> list[Problem]:
    """Check every expression against the restricted language, naming its element."""
    problems = []
    for element in process.iter(*EXPRESSION_TAGS):
        try:
            expressions.check(element.text or "")
            _check_literal_bounds(element)
        except (expressions.ExpressionError, limits.LimitExceeded) as exc:
            problems.append(problem(_owner(element), f"expression refused: {exc}"))
    return problems


def _owner(element: etree._Element) -> etree._Element:
    """Return the nearest element with an id at or above ``element``, to name it in a problem."""
    owner, parent = element, element.getparent()
    while parent is not None and not owner.get("id"):
        owner, parent = parent, parent.getparent()
    return owner


def _check_literal_bounds(element: etree._Element) -> None:
    """Refuse a timer or count written as a literal beyond the engine's limits (computed ones are checked when run)."""
    kind = local_name(element)
    try:
        value = ast.literal_eval((element.text or "").strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return  # not a literal: the value depends on topic data
    if kind in ("timeDate", "timeDuration", "timeCycle"):
        limits.timer_value(kind, value)
    elif kind == "loopCardinality":
        limits.instances(value)


def check_limits(process: etree._Element) -> list[Problem]:
    """Refuse what would stall a run: too many nodes or branches, long loops, engine-only cycles, self-calls."""
    nodes, edges = flow_graph(process)
    problems = []
    if len(nodes) > limits.MAX_FLOW_NODES:
        problems.append(problem(process, f"more than {limits.MAX_FLOW_NODES} flow nodes"))
    for node_id, targets in edges.items():
        if len(targets) > limits.MAX_BRANCHES and node_id in nodes:
            problems.append(problem(nodes[node_id], f"more than {limits.MAX_BRANCHES} outgoing branches"))
    for loop in process.iter(f"{{{BPMN}}}standardLoopCharacteristics"):
        maximum = loop.get("loopMaximum")
        if maximum is None or not maximum.isdigit() or int(maximum) > limits.MAX_LOOP:
            problems.append(problem(_owner(loop), f"a standard loop needs a loopMaximum from 0 to {limits.MAX_LOOP}"))
    for call in process.iter(f"{{{BPMN}}}callActivity"):
        if call.get("calledElement") == process.get("id"):
            problems.append(problem(call, "a process may not call itself"))
    engine_only = {i: [t for t in ts if t in nodes and local_name(nodes[t]) not in WAITS]
                   for i, ts in edges.items() if i in nodes and local_name(nodes[i]) not in WAITS}
    cycle = find_cycle(engine_only)
    if cycle:
        problems.append(problem(nodes[cycle[0]], "a loop through " + " → ".join(cycle)
                                + " has no task or event to wait on, so it would never stop"))
    return problems


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Return the nodes of one cycle in ``graph`` (first node repeated at the end), or [] if it has none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in graph:
        if state.get(root):
            continue
        path, stack = [root], [iter(graph.get(root, ()))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(graph.get(nxt, ())))
    return []


def check_references(process: etree._Element) -> list[Problem]:
    """Each incoming and outgoing reference names a sequence flow that enters or leaves its element.

    SpiffWorkflow follows the flows and ignores these references, but bpmn-js warns about a
    dangling one and the modeler draws the element wrongly, so a diagram is refused with it.
    """
    flows = {flow.get("id", ""): flow for flow in process.iterfind("bpmn:sequenceFlow", NS)}
    problems = []
    for tag, end, verb in (("incoming", "targetRef", "enter"), ("outgoing", "sourceRef", "leave")):
        for reference in process.iter(f"{{{BPMN}}}{tag}"):
            owner, flow_id = reference.getparent(), (reference.text or "").strip()
            if owner is None:
                continue
            flow = flows.get(flow_id)
            if flow is None:
                problems.append(problem(owner, f"{tag} refers to {flow_id!r}, which is not a sequence flow here"))
            elif flow.get(end) != owner.get("id"):
                problems.append(problem(owner, f"{tag} refers to {flow_id!r}, which does not {verb} this element"))
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


def flow_graph(process: etree._Element) -> tuple[dict[str, etree._Element], dict[str, list[str]]]:
    """Return the process's flow nodes by id, and the edges leaving each (flows and boundary events)."""
    nodes = {e.get("id", ""): e for e in process if local_name(e) in FLOW_NODES}
    edges: dict[str, list[str]] = {}
    for flow in process.iterfind("bpmn:sequenceFlow", NS):
        edges.setdefault(flow.get("sourceRef", ""), []).append(flow.get("targetRef", ""))
    for boundary in process.iterfind("bpmn:boundaryEvent", NS):
        edges.setdefault(boundary.get("attachedToRef", ""), []).append(boundary.get("id", ""))
    return nodes, edges


def check_paths(process: etree._Element) -> list[Problem]:
    """Every flow node can reach an end event."""
    nodes, edges = flow_graph(process)
    ends = {i for i, e in nodes.items() if local_name(e) == "endEvent"}
    reaches_end = _reverse_reachable(edges, ends)
    return [problem(e, "no path leads from here to an end event") for i, e in nodes.items() if i not in reaches_end]


def _reverse_reachable(edges: dict[str, list[str]], targets: set[str]) -> set[str]:
    reverse: dict[str, list[str]] = {}
    for source, targets_of in edges.items():
        for target in targets_of:
            reverse.setdefault(target, []).append(source)
    return reachable(reverse, targets)


def reachable(edges: dict[str, list[str]], start: set[str], blocked: str | None = None) -> set[str]:
    """Return the nodes reached from ``start`` along ``edges``, never passing through ``blocked``."""
    seen, queue = set(start), deque(start)
    while queue:
        for nxt in edges.get(queue.popleft(), []):
            if nxt not in seen and nxt != blocked:
                seen.add(nxt)
                queue.append(nxt)
    return seen

