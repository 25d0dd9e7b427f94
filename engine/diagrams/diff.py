"""Comparing two diagrams element by element, for the side-by-side view of two versions.

Called by the API and the admin pages. Elements are matched by their BPMN id (ids are the
join keys of forms, roles and tests, docs/processes.md); for each element the comparison
covers its attributes, name, lane, spiffworkflow properties, conditions, timers and
documentation; connections are compared on the sequence flows (their source and target).
The drawing (bpmndi) is compared only as a whole.
"""
from dataclasses import dataclass
from typing import Any

from lxml import etree

from engine.diagrams.loading import BPMN, NS, SPIFF, parse_xml

SKIPPED_ATTRIBUTES = {"id", "name"}
IGNORED_CHILDREN = {"flowNodeRef", "properties", "extensionElements", "incoming", "outgoing"}
# BPMN's default attribute values: a tool may write them or leave them out, meaning the same.
DEFAULTS = {"isSequential": "false", "cancelActivity": "true", "isInterrupting": "true", "parallelMultiple": "false",
            "isForCompensation": "false", "startQuantity": "1", "completionQuantity": "1", "isClosed": "false",
            "isCollection": "false", "instantiate": "false", "triggeredByEvent": "false", "isImmediate": "false"}
Signature = dict[str, Any]


@dataclass(frozen=True)
class Element:
    """One element of a diagram as a list shows it."""

    element_id: str
    name: str
    kind: str


@dataclass(frozen=True)
class Change:
    """One aspect of an element that differs: what, before, after."""

    aspect: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Changed(Element):
    """An element present in both versions, with what changed in it."""

    changes: tuple[Change, ...] = ()


@dataclass
class DiagramDiff:
    """Elements added, removed and changed from ``old`` to ``new``; ``layout_changed`` for the drawing."""

    added: list[Element]
    removed: list[Element]
    changed: list[Changed]
    layout_changed: bool

    @property
    def same(self) -> bool:
        """Tell whether the two diagrams run identically (the drawing aside)."""
        return not (self.added or self.removed or self.changed)


def diff(old_xml: bytes, new_xml: bytes) -> DiagramDiff:
    """Compare two diagrams by element id."""
    old_root, new_root = parse_xml(old_xml), parse_xml(new_xml)
    old, new = signatures(old_root), signatures(new_root)
    added = [_element(i, new[i]) for i in new if i not in old]
    removed = [_element(i, old[i]) for i in old if i not in new]
    changed = []
    for element_id in (i for i in new if i in old):
        changes = _compare(old[element_id], new[element_id])
        if changes:
            changed.append(Changed(element_id, new[element_id]["name"], new[element_id]["kind"], tuple(changes)))
    return DiagramDiff(added, removed, changed, _layout(old_root) != _layout(new_root))


def signatures(root: etree._Element) -> dict[str, Signature]:
    """Return, for every element of the process, what it says (its id keys the result)."""
    result: dict[str, Signature] = {}
    lanes: dict[str, str] = {}
    for lane in root.iterfind(".//bpmn:lane", NS):
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lanes[(ref.text or "").strip()] = lane.get("name", "")
    for process in root.iterfind("bpmn:process", NS):
        result[process.get("id", "")] = _signature(process, shallow=True)
        for element in [*process, *process.iterfind(".//bpmn:lane", NS)]:
            if not isinstance(element.tag, str) or not element.get("id") or _local(element) == "laneSet":
                continue
            signature = _signature(element)
            if _local(element) != "lane":
                signature["lane"] = lanes.get(element.get("id", ""), "")
            result[element.get("id", "")] = signature
    return result


def _signature(element: etree._Element, shallow: bool = False) -> Signature:
    signature: Signature = {"kind": _local(element), "name": element.get("name", "")}
    for key, value in element.attrib.items():
        local = etree.QName(key).localname
        if local not in SKIPPED_ATTRIBUTES and DEFAULTS.get(local) != value:
            signature[f"attribute {local}"] = value
    children = [c for c in element if _local(c) == "documentation"] if shallow else element.iterdescendants()
    for child in children:
        # incoming/outgoing repeat what the flows' sourceRef/targetRef say (and may be stale); the flows count
        if not isinstance(child.tag, str) or _local(child) in IGNORED_CHILDREN:
            continue
        key, value = _aspect(child)
        if value:
            signature[key] = value
    return signature


def _aspect(child: etree._Element) -> tuple[str, str]:
    """Name one descendant by what it means to an administrator, with its value."""
    if child.tag == f"{{{SPIFF}}}property":
        return f"property {child.get('name', '')}", child.get("value", "")
    text = (child.text or "").strip()
    attributes = " ".join(f"{etree.QName(k).localname}={v}" for k, v in sorted(child.attrib.items())
                          if etree.QName(k).localname != "type" and DEFAULTS.get(etree.QName(k).localname) != v)
    path = _local(child)
    parent = child.getparent()
    while parent is not None and not parent.get("id"):
        path = f"{_local(parent)}/{path}"
        parent = parent.getparent()
    return path, " ".join(part for part in (attributes, text) if part)


def _compare(old: Signature, new: Signature) -> list[Change]:
    keys = list(dict.fromkeys([*old, *new]))
    return [Change(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _element(element_id: str, signature: Signature) -> Element:
    return Element(element_id, signature["name"], signature["kind"])


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _layout(root: etree._Element) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Return the drawing as tags and attributes in document order (whitespace and formatting aside)."""
    drawing = []
    for diagram in root.iterfind(f"{{{BPMN.replace('MODEL', 'DI')}}}BPMNDiagram"):
        for element in diagram.iter():
            if isinstance(element.tag, str):
                drawing.append((etree.QName(element).localname, tuple(sorted(element.attrib.items()))))
    return drawing
