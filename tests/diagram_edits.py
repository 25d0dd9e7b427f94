"""Small edits to the bundled diagrams, as an administrator would make them in the modeler (tests only)."""
from lxml import etree

from engine.diagrams.loading import BPMN, NS, SPIFF

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"


def _root(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def _dump(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _by_id(root: etree._Element, element_id: str) -> etree._Element:
    found = root.xpath("//*[@id=$i]", i=element_id)
    assert found, f"no element {element_id}"
    return found[0]


def set_property(xml: bytes, task_id: str, name: str, value: str) -> bytes:
    """Set one spiffworkflow property of a task (the clock, the form …)."""
    root = _root(xml)
    prop = _by_id(root, task_id).find(f".//spiffworkflow:property[@name='{name}']", NS)
    assert prop is not None, f"{task_id} has no property {name}"
    prop.set("value", value)
    return _dump(root)


def rename(xml: bytes, element_id: str, name: str) -> bytes:
    """Give an element a new name."""
    root = _root(xml)
    _by_id(root, element_id).set("name", name)
    return _dump(root)


def insert_task_after(xml: bytes, after_id: str, new_id: str, name: str, lane: str, props: dict[str, str]) -> bytes:
    """Insert a user task on the single flow leaving ``after_id``."""
    root = _root(xml)
    process = root.find("bpmn:process", NS)
    flow = process.find(f"bpmn:sequenceFlow[@sourceRef='{after_id}']", NS)
    old_target = flow.get("targetRef")
    flow.set("targetRef", new_id)
    task = etree.SubElement(process, f"{{{BPMN}}}userTask", id=new_id, name=name)
    properties = etree.SubElement(etree.SubElement(task, f"{{{BPMN}}}extensionElements"), f"{{{SPIFF}}}properties")
    for key, value in props.items():
        etree.SubElement(properties, f"{{{SPIFF}}}property", name=key, value=value)
    out_id = f"flow_{new_id}_out"
    etree.SubElement(task, f"{{{BPMN}}}incoming").text = flow.get("id")
    etree.SubElement(task, f"{{{BPMN}}}outgoing").text = out_id
    etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id=out_id, sourceRef=new_id, targetRef=old_target)
    _rename_ref(_by_id(root, old_target), "incoming", flow.get("id"), out_id)
    lane_element = process.find(f".//bpmn:lane[@name='{lane}']", NS)
    etree.SubElement(lane_element, f"{{{BPMN}}}flowNodeRef").text = new_id
    return _dump(root)


def remove_task(xml: bytes, task_id: str) -> bytes:
    """Remove a task with one flow in and one out, joining its neighbours directly."""
    root = _root(xml)
    process = root.find("bpmn:process", NS)
    incoming = process.find(f"bpmn:sequenceFlow[@targetRef='{task_id}']", NS)
    outgoing = process.find(f"bpmn:sequenceFlow[@sourceRef='{task_id}']", NS)
    incoming.set("targetRef", outgoing.get("targetRef"))
    _rename_ref(_by_id(root, outgoing.get("targetRef")), "incoming", outgoing.get("id"), incoming.get("id"))
    for element in (_by_id(root, task_id), outgoing):
        element.getparent().remove(element)
    for ref in process.iterfind(".//bpmn:flowNodeRef", NS):
        if ref.text == task_id:
            ref.getparent().remove(ref)
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge"):
        if shape.get("bpmnElement") in (task_id, outgoing.get("id")):
            shape.getparent().remove(shape)
    return _dump(root)


def _rename_ref(element: etree._Element, tag: str, old: str, new: str) -> None:
    for ref in element.iterfind(f"bpmn:{tag}", NS):
        if ref.text == old:
            ref.text = new
