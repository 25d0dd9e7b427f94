"""Leaders as users, the plan's 请示报告, and the kind of consultation with its proposal number: pages, API, who may."""
import re
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.factories import drive, start_topic
from workflows.demo.world import district_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "leaders"
TOPIC = {"title": "加装电梯提案办理协商", "category": "livelihood", "source": "member", "platform_level": "district",
         "district": "tianning", "consultation_kind": "proposal_handling", "proposal_number": "〔2026〕第12号"}


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


def _planned(session: Session) -> int:
    topic = start_topic(session, NOW, title="老旧小区加装电梯")
    drive(session, topic, district_path("tianning")[:4], NOW)  # approved into the 2026 plan
    return topic.id


def test_the_kind_and_proposal_number_are_stored_checked_and_shown_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    made = api.post("/api/v1/topics", json=TOPIC, headers=auth("office_tianning"))
    assert made.status_code == 201, made.get_json()
    assert (made.get_json()["consultation_kind"], made.get_json()["proposal_number"]) == (
        "proposal_handling", "〔2026〕第12号")
    plain = api.post("/api/v1/topics", json={**TOPIC, "consultation_kind": None, "proposal_number": None},
                     headers=auth("office_tianning")).get_json()
    assert (plain["consultation_kind"], plain["proposal_number"]) == ("youshi_haoshangliang", "")
    for bad, field in (({"proposal_number": ""}, "proposal_number"), ({"proposal_number": "<script>x</script>"},
                       "proposal_number"), ({"proposal_number": "1" * 41}, "proposal_number"),
                       ({"consultation_kind": "secret"}, "consultation_kind"), ({"proposal_number": 12},
                       "proposal_number")):
        refused = api.post("/api/v1/topics", json={**TOPIC, **bad}, headers=auth("office_tianning"))
        assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"], bad
    activity = api.post("/api/v1/activities", headers=auth("office_tianning"), json={
        "title": "提案办理协商会", "platform": "tianning", "form": "on_site", "held_on": "2026-03-02",
        "topic_id": made.get_json()["id"]}).get_json()
    assert (activity["consultation_kind"], activity["proposal_number"]) == ("proposal_handling", "〔2026〕第12号")
    sector = api.post("/api/v1/activities", headers=auth("office_tianning"), json={
        "title": "界别协商会", "platform": "tianning", "form": "online", "held_on": "2026-03-03",
        "consultation_kind": "sector"}).get_json()
    assert sector["consultation_kind"] == "sector"
    listed = api.get("/api/v1/activities?year=2026&kind=sector", headers=auth("office_tianning")).get_json()
    assert [a["title"] for a in listed["activities"]] == ["界别协商会"]
    assert api.get("/api/v1/activities?kind=bogus", headers=auth("office_tianning")).status_code == 422
    report = api.get("/api/v1/report/tianning/2026", headers=auth("office_tianning")).get_json()
    assert report["topics_by_kind"] == {"proposal_handling": 1, "youshi_haoshangliang": 1}
    spec = api.get("/api/v1/openapi.json").get_json()
    assert "proposal_handling" in str(spec["paths"]["/topics"]["post"])
    assert {"/plan/{district}/{year}/reports", "/plan/{district}/{year}/decision", "/leader"} <= set(spec["paths"])


def test_the_start_form_keeps_what_was_typed_and_the_list_filters_and_exports_the_kind(web) -> None:  # type: ignore[no-untyped-def]
    office = web("office_tianning")
    office.get("/topics/new")
    form = {**TOPIC, "proposal_number": ""}
    refused = office.post("/topics/new", form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "提案办理协商须填写提案号" in page and "加装电梯提案办理协商" in page
    assert office.post("/topics/new", TOPIC).status_code == 302
    assert office.post("/topics/new", {**TOPIC, "title": "普通议题", "consultation_kind": "youshi_haoshangliang",
                                       "proposal_number": ""}).status_code == 302
    shown = office.get("/topics/?kind=proposal_handling").get_data(as_text=True)
    assert "加装电梯提案办理协商" in shown and "普通议题" not in shown and "〔2026〕第12号" in shown
    assert "普通议题" in office.get("/topics/?kind=youshi_haoshangliang").get_data(as_text=True)
    assert "加装电梯提案办理协商" in office.get("/topics/?q=〔2026〕第12号").get_data(as_text=True)
    exported = office.get("/lists/topics/export.csv?kind=proposal_handling").data.decode("utf-8-sig")
    assert "协商形式" in exported and "提案办理协商" in exported and "普通议题" not in exported
    topic_id = re.search(r'href="/topics/(\d+)">加装电梯提案办理协商', shown).group(1)
    detail = office.get(f"/topics/{topic_id}").get_data(as_text=True)
    assert re.search(r'data-testid="topic-kind">提案办理协商 · 提案号 〔2026〕第12号', detail)
    casefile = pdfium.PdfDocument(office.get(f"/topics/{topic_id}/casefile.pdf").data)
    text = re.sub(r"\s", "", casefile[0].get_textpage().get_text_range())
    assert "协商形式提案办理协商" in text and "〔2026〕第12号" in text


def test_the_plan_is_reported_returned_revised_and_approved_through_the_api(api, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic_id = _planned(session)
    url = "/api/v1/plan/tianning/2026"
    assert api.post(f"{url}/reports", json={"note": "请审定"}, headers=auth("member_tianning")).status_code == 404
    assert api.post(f"{url}/reports", json={}, headers=auth("party_tianning")).status_code == 403
    assert api.post(f"{url}/reports", json={"note": 5}, headers=auth("office_tianning")).status_code == 422
    reported = api.post(f"{url}/reports", json={"note": "请审定"}, headers=auth("office_tianning"))
    assert reported.status_code == 201 and reported.get_json()["approval"]["state"] == "reported"
    assert api.post(f"{url}/reports", json={}, headers=auth("office_tianning")).status_code == 409
    assert api.post(f"{url}/decision", json={"decision": "approved"}, headers=auth("party_xinbei")).status_code == 404
    assert api.post(f"{url}/decision", json={"decision": "approved"}, headers=auth("chair_tianning")).status_code == 403
    no_reason = api.post(f"{url}/decision", json={"decision": "returned"}, headers=auth("party_tianning"))
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["fields"]
    returned = api.post(f"{url}/decision", json={"decision": "returned", "reason": "请补充民生议题"},
                        headers=auth("party_tianning")).get_json()
    assert returned["approval"]["state"] == "returned" and returned["reports"][0]["reason"] == "请补充民生议题"
    assert api.post(f"{url}/changes", json={"topic_id": topic_id, "planned_month": 5, "note": "按党委意见调整"},
                    headers=auth("chair_tianning")).status_code == 201
    assert api.post(f"{url}/reports", json={"note": "已修改"}, headers=auth("chair_tianning")).status_code == 201
    approved = api.post(f"{url}/decision", json={"decision": "approved"}, headers=auth("party_tianning")).get_json()
    assert approved["approval"]["state"] == "approved"
    assert [(r["round"], r["decision"]) for r in approved["reports"]] == [(1, "returned"), (2, "approved")]
    assert approved["topics"][0]["consultation_kind"] == "youshi_haoshangliang"


def test_the_plan_page_reports_and_decides_and_keeps_a_missing_reason(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    _planned(session)
    office = web("office_tianning")
    page = office.get("/platform/plan?district=tianning&year=2026").get_data(as_text=True)
    assert 'data-testid="approval-state">未报送党委' in page and 'data-testid="report-plan"' in page
    assert office.post("/platform/plan/tianning/2026/reports", {"note": "请审定"}).status_code == 302
    leader = web("party_tianning")
    page = leader.get("/platform/plan?district=tianning&year=2026").get_data(as_text=True)
    assert 'data-testid="decide-plan"' in page and 'data-testid="report-plan"' not in page
    refused = leader.post("/platform/plan/tianning/2026/decision", {"decision": "returned", "reason": " "})
    assert refused.status_code == 422 and "请写明退回理由" in refused.get_data(as_text=True)
    assert leader.post("/platform/plan/tianning/2026/decision",
                       {"decision": "returned", "reason": "请补充"}).status_code == 302
    page = office.get("/platform/plan?district=tianning&year=2026").get_data(as_text=True)
    assert "党委退回修改" in page and 'data-testid="return-reason">请补充<' in page
    assert '<tr data-entry="reported">' in page and '<tr data-entry="returned">' in page
    assert web("party_xinbei").post("/platform/plan/tianning/2026/decision",
                                    {"decision": "approved"}).status_code == 404
    document = pdfium.PdfDocument(office.get("/platform/plan.pdf?district=tianning&year=2026").data)
    text = re.sub(r"\s", "", document[0].get_textpage().get_text_range())
    for expected in ("天宁区政协", "党委退回修改", "协商形式", "有事好商量", "老旧小区加装电梯"):
        assert expected in text, expected
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(ARTIFACTS / "plan-pdf-page-1.png")


def test_a_leader_reads_their_area_and_is_recorded_as_attending(web, api, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic_id = _planned(session)
    office = web("office_tianning")
    office.get("/platform/activities/new")
    made = office.post("/platform/activities/new", {"title": "加装电梯协商会", "platform": "tianning",
                                                    "form": "on_site", "held_on": "2026-03-02"})
    url = made.headers["Location"]
    page = office.get(url).get_data(as_text=True)
    assert 'value="party_tianning"' in page and 'value="party_changzhou"' in page  # the district's and the city's
    assert 'value="party_xinbei"' not in page
    assert office.post(f"{url}/participants", {"kind": "expert", "leader": "party_xinbei"}).status_code == 422
    assert office.post(f"{url}/participants", {"kind": "expert", "leader": "party_tianning"}).status_code == 302
    assert office.post(f"{url}/invite").status_code == 302
    leader = web("party_tianning")
    overview = leader.get("/platform/leader?year=2026").get_data(as_text=True)
    assert "老旧小区加装电梯" in overview and "加装电梯协商会" in overview and "待签到" in overview
    link = re.search(r'href="(/platform/check-in/[^"]+)"', overview).group(1)
    leader.get(link)
    assert leader.post(link).status_code == 302
    figures = api.get("/api/v1/activities/figures?year=2026", headers=auth("supervisor_tianning")).get_json()
    assert figures["with_leaders"] == 1
    read = api.get("/api/v1/leader?year=2026", headers=auth("party_tianning")).get_json()
    assert read["districts"] == ["tianning"] and [t["id"] for t in read["topics"]] == [topic_id]
    assert read["activities"][0]["checked_in_at"] is not None
    assert leader.get(f"/topics/{topic_id}").status_code == 200
    assert leader.post(f"/topics/{topic_id}/contact").status_code == 403
    assert web("party_xinbei").get(f"/topics/{topic_id}").status_code == 404
    assert api.get("/api/v1/leader", headers=auth("office_tianning")).status_code == 403
    assert web("office_tianning").get("/platform/leader").status_code == 403
    town = web("party_zhenglu")
    assert town.get("/platform/plan?district=tianning&year=2026").status_code == 200
    assert town.get("/platform/plan?district=xinbei&year=2026").status_code == 404
    assert 'data-district="tianning"' in town.get("/platform/leader?year=2026").get_data(as_text=True)
    assert web("party_changzhou").get("/platform/plan?district=xinbei&year=2026").status_code == 200


def test_the_system_administrator_makes_a_leader_of_an_organization_never_of_a_unit(api) -> None:  # type: ignore[no-untyped-def]
    added = api.post("/api/v1/users", json={"username": "wujin_leader", "display_name": "武进区委副书记"},
                     headers=auth("sysadmin"))
    assert added.status_code == 201
    url = "/api/v1/users/wujin_leader/roles"
    assert api.post(url, json={"role": "party_leader", "unit": "wujin-housing"},
                    headers=auth("sysadmin")).status_code == 422
    made = api.post(url, json={"role": "party_leader", "organization": "wujin"}, headers=auth("sysadmin"))
    assert made.status_code in (200, 201) and made.get_json()["roles"][0]["role"] == "party_leader"
    assert api.post(url, json={"role": "party_leader", "organization": "wujin"},
                    headers=auth("office_wujin")).status_code == 403
