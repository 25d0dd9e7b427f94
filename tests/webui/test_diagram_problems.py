"""The modeler's validation: problems in the administrator's language, one per cause, naming its elements."""
import io
import json
from pathlib import Path

from lxml import etree
from sqlalchemy import select

from engine.diagrams.loading import BPMN, NS
from models import ProcessDraft, ProcessVersion, VersionStatus

BUNDLED = Path(__file__).resolve().parents[2] / "bpmn"
PATH_XML = (BUNDLED / "topic_path.bpmn").read_bytes()
DI = "http://www.omg.org/spec/BPMN/20100524/DI"


def without_end_event(data: bytes, end_id: str) -> bytes:
    """Delete an end event as the modeler does: with its incoming flows, their references and their shapes."""
    root = etree.fromstring(data)
    process = root.find("bpmn:process", NS)
    flows = [f for f in process.iterfind("bpmn:sequenceFlow", NS) if f.get("targetRef") == end_id]
    gone = {end_id, *(f.get("id") for f in flows)}
    for element in [process.find(f"*[@id='{end_id}']"), *flows]:
        process.remove(element)
    for ref in [*root.iter(f"{{{BPMN}}}outgoing"), *root.iter(f"{{{BPMN}}}incoming"),
                *root.iter(f"{{{BPMN}}}flowNodeRef")]:
        if (ref.text or "").strip() in gone:
            ref.getparent().remove(ref)
    for shape in [*root.iter(f"{{{DI}}}BPMNShape"), *root.iter(f"{{{DI}}}BPMNEdge")]:
        if shape.get("bpmnElement") in gone:
            shape.getparent().remove(shape)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def validated(web, session, data: bytes, english: bool = False) -> dict:
    admin = web("admin")
    if english:
        admin.post("/locale", {"locale": "en", "next": "/"})
    admin.post("/admin/drafts", {"file": (io.BytesIO(PATH_XML), "path.bpmn")}, content_type="multipart/form-data")
    draft = session.scalars(select(ProcessDraft)).one()
    admin.get(f"/admin/drafts/{draft.id}")
    headers = {"X-CSRFToken": admin.token}
    assert admin.client.put(f"/admin/drafts/{draft.id}.bpmn", data=data, headers=headers).get_json()["saved"]
    return admin.client.post(f"/admin/drafts/{draft.id}/validate", headers=headers).get_json()


def test_a_deleted_end_event_is_one_message_naming_every_element_it_strands(web, session):
    checked = validated(web, session, without_end_event(PATH_XML, "closed"))
    assert checked["valid"] is False
    stranded = [p for p in checked["problems"] if "结束事件" in p["message"]]
    assert len(stranded) == 1 and len(checked["problems"]) == 1
    assert stranded[0]["message"] == "无法到达任何结束事件（可能删除了结束事件或断开了连线）"
    assert len(stranded[0]["elements"]) > 10
    assert {"id": "write_reply", "name": "办理并书面答复"} in stranded[0]["elements"]


def test_the_messages_name_labels_in_english_too(web, session):
    bad = PATH_XML.replace(b'name="stage" value="feedback"', b'name="stage" value="nowhere"', 1)
    checked = validated(web, session, bad, english=True)
    assert [p["message"] for p in checked["problems"]] == [
        "Set the stage property; one of: Proposal, Approval, Research, Consultation, Minutes, Handling, "
        "Written feedback, Follow-up"]
    assert [e["id"] for e in checked["problems"][0]["elements"]] == ["write_reply"]


def test_a_diagram_without_layout_is_said_to_have_none(web, session):
    root = etree.fromstring(PATH_XML)
    for diagram in list(root.iter(f"{{{DI}}}BPMNDiagram")):
        root.remove(diagram)
    checked = validated(web, session, etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
    assert [p["message"] for p in checked["problems"]] == ["没有布局位置（图形信息），建模器无法显示"]
    assert len(checked["problems"][0]["elements"]) > 10


def test_editing_a_version_twice_opens_its_one_draft(web, session):
    admin = web("admin")
    admin.get("/admin/")
    version = session.scalars(select(ProcessVersion).where(ProcessVersion.status == VersionStatus.APPROVED)).first()
    first = admin.post("/admin/drafts", {"version_id": str(version.id)})
    again = admin.post("/admin/drafts", {"version_id": str(version.id)})
    session.commit()
    assert first.headers["Location"] == again.headers["Location"]
    assert len(session.scalars(select(ProcessDraft).where(ProcessDraft.base_version_id == version.id)).all()) == 1


def panel_choices(admin, draft_id: int) -> dict:
    """Return what the modeler page of a draft hands the properties panel."""
    page = admin.get(f"/admin/drafts/{draft_id}").get_data(as_text=True)
    start = page.index('id="modeler-choices">') + len('id="modeler-choices">')
    return json.loads(page[start:page.index("</script>", start)])


def test_the_properties_panel_speaks_the_administrators_language(web, session):
    admin = web("admin")
    admin.post("/admin/drafts", {"file": (io.BytesIO(PATH_XML), "path.bpmn")}, content_type="multipart/form-data")
    draft = session.scalars(select(ProcessDraft)).one()
    chinese = panel_choices(admin, draft.id)
    assert chinese["words"]["group"] == "议题办理属性" and ["handling", "办理"] in chinese["stages"]
    admin.post("/locale", {"locale": "en", "next": "/"})
    english = panel_choices(admin, draft.id)
    assert english["words"]["group"] == "Topic handling" and english["words"]["on_signed"] == "when signed for"
    assert ["handling", "Handling"] in english["stages"] and ["lead_unit", "the lead unit"] in english["candidates"]


def test_a_bad_time_allowance_is_explained_in_words(web, session):
    bad = PATH_XML.replace(b'name="clock" value="3m"', b'name="clock" value="soon"', 1)
    assert bad != PATH_XML
    [problem] = validated(web, session, bad, english=True)["problems"]
    assert problem["message"] == ("The time property clock has the value “soon”: give a whole number followed by "
                                  "wd (working days) or m (months), e.g. 15wd or 3m")


def test_a_refused_deployment_says_why_in_the_administrators_language(web, session):
    bad = PATH_XML.replace(b'name="clock" value="3m"', b'name="clock" value="soon"', 1)
    validated(web, session, bad)  # saves the bad diagram in the draft
    draft = session.scalars(select(ProcessDraft)).one()
    admin = web("admin")
    admin.get(f"/admin/drafts/{draft.id}")
    page = admin.post(f"/admin/drafts/{draft.id}/deploy", {"note": "缩短时限", "bind_to": ["tianning"]},
                      follow_redirects=True).get_data(as_text=True)
    assert "未能部署：办理并书面答复：时限属性 clock 的值“soon”无效" in page and "bad clock" not in page
    admin.post("/locale", {"locale": "en", "next": "/"})
    admin.get(f"/admin/drafts/{draft.id}")
    page = admin.post(f"/admin/drafts/{draft.id}/deploy", {"note": "shorter", "bind_to": ["tianning"]},
                      follow_redirects=True).get_data(as_text=True)
    assert "Not deployed: 办理并书面答复: The time property clock has the value “soon”" in page


def test_an_import_refused_says_why_in_words(web):
    admin = web("admin")
    admin.get("/admin/")
    page = admin.post("/admin/drafts", {"file": (io.BytesIO(b"<definitions"), "broken.bpmn")},
                      content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "导入失败：文件不是格式正确的 XML" in page
