"""Platform pages and API: rooms with evidence, coverage, activities, invitations, check-in, and who may do what."""
import io
import re
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Notification
from tests.conftest import NOW
from tests.workflows.platform import known

PNG = known.PNG
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "platform"


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


def _room(api, org: str = "zhenglu", name: str = "郑陆镇协商议事室") -> dict:  # type: ignore[no-untyped-def]
    response = api.post("/api/v1/rooms", json={"organization": org, "name": name, "address": "郑陆镇人民路1号",
                                               "host": "党群服务中心", "functions": ["member_home", "opinion_point"]},
                        headers=auth("office_tianning"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_a_room_is_registered_proved_and_verified_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    room = _room(api)
    assert room["functions"] == ["member_home", "opinion_point"] and re.fullmatch(r"r-[0-9a-f]{10}", room["code"])
    for have in ("site", "rules", "organization", "signage"):
        uploaded = api.post(f"/api/v1/rooms/{room['code']}/evidence", headers=auth("office_zhenglu"),
                            data={"have": have, "file": (io.BytesIO(PNG), f"{have}.png")})
        assert uploaded.status_code == 201, uploaded.get_json()
        verified = api.post(f"/api/v1/rooms/{room['code']}/haves/{have}/verify", json={"note": "现场查看"},
                            headers=auth("supervisor_tianning"))
        assert verified.status_code == 200 and verified.get_json()["verified_by"] == "supervisor_tianning"
    shown = api.get(f"/api/v1/rooms/{room['code']}", headers=auth("supervisor_city")).get_json()
    assert shown["haves"] == ["organization", "rules", "signage", "site"] and shown["five_haves"] is False
    assert len(shown["evidence"]) == 4 and {v["have"] for v in shown["verifications"]} == {
        "site", "rules", "organization", "signage"}


def test_hostile_and_bad_room_input_is_refused_with_4xx(api) -> None:  # type: ignore[no-untyped-def]
    room = _room(api)
    url = f"/api/v1/rooms/{room['code']}"
    fake = api.post(f"{url}/evidence", headers=auth("office_tianning"),
                    data={"have": "site", "file": (io.BytesIO(b"<script>alert(1)</script>"), "x.png")})
    assert fake.status_code == 415
    exe = api.post(f"{url}/evidence", headers=auth("office_tianning"),
                   data={"have": "site", "file": (io.BytesIO(b"MZ\x90\x00"), "x.exe")})
    assert exe.status_code == 415
    computed = api.post(f"{url}/haves/activities/verify", json={}, headers=auth("supervisor_tianning"))
    assert computed.status_code == 422 and "have" in computed.get_json()["error"]["fields"]
    unproved = api.post(f"{url}/haves/site/verify", json={}, headers=auth("supervisor_tianning"))
    assert unproved.status_code == 422
    bad = api.post("/api/v1/rooms", json={"organization": "tianning", "name": "x" * 201, "functions": "all"},
                   headers=auth("office_tianning"))
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"name", "functions", "organization"}
    assert api.post("/api/v1/rooms", data="[]", headers=auth("office_tianning")).status_code == 400


def test_who_may_see_and_change_rooms_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    room = _room(api)
    url = f"/api/v1/rooms/{room['code']}"
    assert api.get(url).status_code == 401
    assert api.get(url, headers=auth("office_menghe")).status_code == 404  # another district's town
    assert api.get("/api/v1/rooms", headers=auth("civil_tianning")).status_code == 403
    assert api.get("/api/v1/coverage", headers=auth("member_tianning")).status_code == 403
    assert api.post("/api/v1/rooms", json={"organization": "zhenglu", "name": "x"},
                    headers=auth("chair_tianning")).status_code == 403
    assert api.put(url, json={"name": "改名"}, headers=auth("supervisor_tianning")).status_code == 403
    assert api.put(url, json={"name": "改名"}, headers=auth("office_zhenglu")).status_code == 200
    evidence = api.post(f"{url}/evidence", headers=auth("office_tianning"),
                        data={"have": "site", "file": (io.BytesIO(PNG), "a.png")})
    assert evidence.status_code == 201
    assert api.post(f"{url}/haves/site/verify", json={}, headers=auth("office_zhenglu")).status_code == 403
    assert api.get("/api/v1/rooms", headers=auth("supervisor_city")).get_json()["rooms"][0]["name"] == "改名"


def test_coverage_and_figures_through_the_api_match_the_known_district(api, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    known.build(session, Path(app.config["ATTACHMENT_DIR"]), NOW)
    found = api.get("/api/v1/coverage?year=2026", headers=auth("supervisor_tianning")).get_json()
    [tianning] = found["districts"]
    assert (tianning["rooms"], tianning["complete_rooms"], tianning["required"], tianning["covered"]) == (10, 7, 2, 1)
    assert tianning["missing"] == ["青龙街道"]
    city = api.get("/api/v1/coverage?year=2026", headers=auth("supervisor_city")).get_json()
    assert len(city["districts"]) == 7 and city["total"]["required"] == 10
    figures = api.get("/api/v1/activities/figures?year=2026", headers=auth("supervisor_city")).get_json()
    assert (figures["district_activities"], figures["with_leaders"], figures["leader_share"]) == (24, 6, 0.25)
    assert api.get("/api/v1/coverage?year=abc", headers=auth("supervisor_city")).status_code == 422
    last_year = api.get("/api/v1/activities/figures?year=2025", headers=auth("supervisor_city")).get_json()
    assert last_year["district_activities"] == 0


def test_an_activity_is_planned_invitations_go_out_and_a_member_checks_in(api, session: Session) -> None:  # type: ignore[no-untyped-def]
    room = _room(api)
    planned = api.post("/api/v1/activities", headers=auth("office_tianning"), json={
        "title": "加装电梯协商会", "platform": room["code"], "form": "on_site", "held_on": "2026-03-02",
        "plan_reviewed_on": "2026-02-20", "materials_sent_on": "2026-02-25"})
    assert planned.status_code == 201, planned.get_json()
    activity = planned.get_json()
    assert activity["platform"] == "zhenglu" and activity["place"] == "郑陆镇人民路1号"
    base = f"/api/v1/activities/{activity['id']}"
    member = api.post(f"{base}/participants", json={"kind": "member", "username": "member_tianning"},
                      headers=auth("office_tianning"))
    assert member.status_code == 201
    leader = api.post(f"{base}/participants", json={"kind": "leader", "name": "区委副书记"},
                      headers=auth("office_tianning")).get_json()
    assert leader["is_leader"] is True
    department = api.post(f"{base}/participants", json={"kind": "department", "unit": "tianning-housing",
                                                        "answered_on_site": True}, headers=auth("office_tianning"))
    assert department.status_code == 201
    shown = department.get_json()
    assert (shown["name"], shown["unit"], shown["answered_on_site"]) == (
        "天宁区住房和城乡建设局", "tianning-housing", True)
    assert api.post(f"{base}/participants", json={"kind": "department", "unit": "xinbei-housing"},
                    headers=auth("office_tianning")).status_code == 422
    assert api.post(f"{base}/invite", headers=auth("office_tianning")).get_json() == {"invited": 3}
    assert api.post(f"{base}/invite", headers=auth("office_tianning")).get_json() == {"invited": 0}
    notices = session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.kind == "activity_invitation"))
    assert notices == 1  # the leader has no account: recorded, not notified
    code = activity["check_in_url"].rsplit("/", 1)[-1]
    assert api.post(f"/api/v1/activities/check-in/{code}", headers=auth("member_tianning")).status_code == 200
    assert api.post(f"/api/v1/activities/check-in/{code}", headers=auth("member_tianning")).status_code == 409
    assert api.post(f"/api/v1/activities/check-in/{code}", headers=auth("member_xinbei")).status_code == 403
    assert api.post("/api/v1/activities/check-in/nope", headers=auth("member_tianning")).status_code == 404
    ticked = api.post(f"{base}/participants/{leader['id']}/attendance", json={"present": True},
                      headers=auth("office_tianning")).get_json()
    assert [p["checked_in_by"] for p in ticked["participants"]] == ["self", "staff", None]
    assert api.post(f"{base}/participants/{leader['id']}/attendance", json={"present": True},
                    headers=auth("chair_tianning")).status_code == 403
    assert api.get(base, headers=auth("office_menghe")).status_code == 404


def test_bad_activities_are_refused_field_by_field(api) -> None:  # type: ignore[no-untyped-def]
    refused = api.post("/api/v1/activities", headers=auth("office_tianning"), json={
        "title": "", "platform": "menghe", "form": "by_post", "held_on": "2026-13-01", "topic_id": "x"})
    assert refused.status_code == 422
    assert set(refused.get_json()["error"]["fields"]) == {"title", "platform", "form", "held_on", "topic_id"}
    late = api.post("/api/v1/activities", headers=auth("office_tianning"), json={
        "title": "t", "platform": "tianning", "form": "online", "held_on": "2026-03-01",
        "materials_sent_on": "2026-03-05"})
    assert late.status_code == 422 and "materials_sent_on" in late.get_json()["error"]["fields"]
    target = api.put("/api/v1/activity-targets/tianning/2026", json={"per_platform": 4},
                     headers=auth("office_tianning"))
    assert target.status_code == 200
    assert api.put("/api/v1/activity-targets/tianning/2026", json={"per_platform": 4},
                   headers=auth("office_zhenglu")).status_code == 404  # the town does not see its district
    assert api.put("/api/v1/activity-targets/tianning/2026", json={"per_platform": 4},
                   headers=auth("chair_tianning")).status_code == 403


def test_the_openapi_document_lists_the_platform_routes(api) -> None:  # type: ignore[no-untyped-def]
    paths = set(api.get("/api/v1/openapi.json").get_json()["paths"])
    assert {"/rooms", "/rooms/{code}/evidence", "/coverage", "/activities", "/activities/figures",
            "/activities/check-in/{code}", "/activity-targets/{district}/{year}"} <= paths


def test_the_room_pages_register_prove_verify_and_show_coverage(web, app: Flask) -> None:  # type: ignore[no-untyped-def]
    office = web("office_tianning")
    assert office.get("/platform/rooms").status_code == 200
    office.get("/platform/rooms/new")
    refused = office.post("/platform/rooms/new", {"organization": "zhenglu", "name": "", "address": "人民路8号"})
    assert refused.status_code == 422 and "人民路8号" in refused.get_data(as_text=True)
    made = office.post("/platform/rooms/new", {"organization": "zhenglu", "name": "郑陆议事室",
                                               "functions": ["member_studio"]})
    assert made.status_code == 302
    url = made.headers["Location"]
    office.get(url)
    uploaded = office.post(f"{url}/evidence", {"have": "site", "file": (io.BytesIO(PNG), "site.png")},
                           content_type="multipart/form-data")
    assert uploaded.status_code == 302
    wrong = office.post(f"{url}/evidence", {"have": "site", "file": (io.BytesIO(b"GIF89a"), "site.png")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 415
    supervisor = web("supervisor_tianning")
    supervisor.get(url)
    assert supervisor.post(f"{url}/verify", {"have": "site", "note": "已查看"}).status_code == 302
    page = supervisor.get(url).get_data(as_text=True)
    assert "天宁区政协督查" in page and "site.png" in page
    assert supervisor.post(f"{url}/verify", {"have": "rules"}).status_code == 422
    coverage = web("supervisor_city").get("/platform/coverage?year=2026").get_data(as_text=True)
    assert "青龙街道" in coverage and "chart-coverage" in coverage


def test_who_may_open_the_platform_pages(web, api) -> None:  # type: ignore[no-untyped-def]
    room = _room(api)
    anonymous = web()
    assert anonymous.get("/platform/rooms").status_code == 302
    unit = web("civil_tianning")
    for path in ("/platform/rooms", "/platform/coverage", "/platform/activities", "/platform/rooms/new",
                 "/platform/activities/new"):
        assert unit.get(path).status_code == 403, path
    chair = web("chair_tianning")
    assert chair.get("/platform/rooms").status_code == 200
    assert chair.get("/platform/rooms/new").status_code == 403
    assert web("office_menghe").get(f"/platform/rooms/{room['code']}").status_code == 404


def test_the_activity_pages_plan_invite_and_check_in_from_a_phone(web) -> None:  # type: ignore[no-untyped-def]
    office = web("office_tianning")
    office.get("/platform/activities/new")
    made = office.post("/platform/activities/new", {"title": "停车难协商会", "platform": "tianning", "form": "remote",
                                                    "held_on": "2026-03-02"})
    assert made.status_code == 302
    url = made.headers["Location"]
    office.get(url)
    assert office.post(f"{url}/participants", {"kind": "member", "username": "member_tianning"}).status_code == 302
    assert office.post(f"{url}/participants", {"kind": "expert", "name": ""}).status_code == 422
    assert office.post(f"{url}/invite").status_code == 302
    page = office.get(url).get_data(as_text=True)
    link = re.search(r'data-testid="check-in-link">([^<]+)<', page).group(1)
    assert office.get(f"{url}/qr.svg").data.startswith(b"<?xml")
    assert office.get(f"{url}/qr.png").data.startswith(b"\x89PNG")
    assert web("office_xinbei").get(f"{url}/qr.png").status_code == 404
    member = web("member_tianning")
    path = link.replace("http://localhost", "")
    assert "签到" in member.get(path).get_data(as_text=True)
    assert member.post(path).status_code == 302
    assert "已签到" in member.get(path).get_data(as_text=True)
    assert web("member_xinbei").post(path, csrf=True).status_code in (400, 403)


def test_the_activities_export_lists_the_pages_rows_with_who_came(web) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook
    office = web("office_tianning")
    office.get("/platform/activities/new")
    url = office.post("/platform/activities/new", {"title": "=停车难协商会", "platform": "tianning", "form": "remote",
                                                   "held_on": "2026-03-02"}).headers["Location"]
    office.get(url)
    for username in ("member_tianning", "member_xinbei"):
        office.post(f"{url}/participants", {"kind": "member", "username": username})
    office.post(f"{url}/invite")
    link = re.search(r'data-testid="check-in-link">([^<]+)<', office.get(url).get_data(as_text=True)).group(1)
    member = web("member_tianning")
    member.get(link.replace("http://localhost", ""))
    assert member.post(link.replace("http://localhost", "")).status_code == 302
    assert 'href="/platform/activities.xlsx?year=2026"' in office.get("/platform/activities?year=2026").get_data(
        as_text=True)
    workbook = office.get("/platform/activities.xlsx?year=2026")
    assert workbook.status_code == 200 and workbook.mimetype.endswith("spreadsheetml.sheet")
    assert "activities-2026.xlsx" in workbook.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[2] == "活动" and header[-3:] == ("邀请人数", "到场人数", "到场党政领导")
    row = next(r for r in rows if r[2] == "'=停车难协商会")  # a formula-looking title is quoted
    assert (row[3], row[6], row[-3:]) == ("天宁区", "远程协商", (2, 1, 0))
    other = load_workbook(io.BytesIO(web("office_xinbei").get("/platform/activities.xlsx?year=2026").data)).active
    assert all(r[2] != "'=停车难协商会" for r in other.iter_rows(min_row=2, values_only=True))
    filtered = load_workbook(io.BytesIO(office.get("/platform/activities.xlsx?year=2026&kind=thematic").data)).active
    assert all(r[2] != "'=停车难协商会" for r in filtered.iter_rows(min_row=2, values_only=True))
    for query in ("year=%C2%B2", "year=99999999", "kind=%3Cscript%3E", "year=-1&kind="):  # bad arguments: the defaults
        assert office.get(f"/platform/activities.xlsx?{query}").status_code == 200
    assert web("member_tianning").get("/platform/activities.xlsx").status_code == 403


def test_the_assessment_page_api_and_xlsx_show_the_known_rates(web, api, session: Session) -> None:  # type: ignore[no-untyped-def]
    known.handled_topics(session, NOW)
    found = api.get("/api/v1/assessment?year=2026", headers=auth("supervisor_tianning")).get_json()
    housing = next(u for u in found["units"] if u["code"] == "tianning-housing")
    assert (housing["signing_rate"], housing["reply_rate"], housing["satisfaction_rate"]) == (0.75, 0.5, 0.75)
    assert housing["reply_classes"] == {"A": 2, "B": 1, "C": 1} and housing["overdue_working_days"] == 6
    own = api.get("/api/v1/assessment?year=2026", headers=auth("housing_tianning")).get_json()["units"]
    assert [u["code"] for u in own] == ["tianning-housing"]  # a unit sees itself only
    assert api.get("/api/v1/assessment", headers=auth("member_tianning")).status_code == 403
    page = web("housing_tianning").get("/platform/assessment?year=2026").get_data(as_text=True)
    assert "75%" in page and "3/4" in page and "2/4" in page
    workbook = web("supervisor_tianning").get("/platform/assessment.xlsx?year=2026")
    assert workbook.status_code == 200 and workbook.data[:2] == b"PK"
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["天宁区住房和城乡建设局"][4] == 75.0 and rows["天宁区住房和城乡建设局"][13] == 6
    assert web("member_tianning").get("/platform/assessment").status_code == 403


def test_the_dashboard_panel_shows_frequency_and_the_leaders_share_by_year(web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    known.build(session, Path(app.config["ATTACHMENT_DIR"]), NOW)
    supervisor = web("supervisor_tianning")
    assert "platform.activity_summary" not in supervisor.get("/supervision/").get_data(as_text=True)
    panel = supervisor.get("/platform/activities/summary?year=2026").get_data(as_text=True)
    assert "25%" in panel and "郑陆镇" in panel
    assert "—" in supervisor.get("/platform/activities/summary?year=2025").get_data(as_text=True)
    assert web("civil_tianning").get("/platform/activities/summary").status_code == 403


def test_points_pages_api_and_xlsx_show_the_known_points(web, api, session: Session) -> None:  # type: ignore[no-untyped-def]
    ids = known.members(session, NOW)
    found = api.get("/api/v1/points?year=2026", headers=auth("supervisor_city")).get_json()
    assert [(m["name"], m["points"]) for m in found["members"]] == [("王委员", 11), ("李委员", 7), ("赵委员", 5),
                                                                    ("张委员", 0)]
    assert found["rules"] == {"attended": 2, "spoke": 3, "recommended": 5, "follow_up": 4}
    own = api.get("/api/v1/points?year=2026", headers=auth("member_tianning")).get_json()["members"]
    assert [m["name"] for m in own] == ["王委员"]
    assert api.get("/api/v1/points", headers=auth("civil_tianning")).status_code == 403
    assert api.put("/api/v1/point-rules/2026/spoke", json={"points": 6},
                   headers=auth("office_tianning")).status_code == 403
    assert api.put("/api/v1/point-rules/2026/spoke", json={"points": 6},
                   headers=auth("supervisor_city")).status_code == 200
    assert api.get("/api/v1/points?year=2026", headers=auth("member_tianning")).get_json()["members"][0][
        "points"] == 14
    assert api.put("/api/v1/topics/1/recommendation", json={"member_id": ids["李委员"]},
                   headers=auth("office_xinbei")).status_code == 404
    page = web("member_tianning").get("/platform/points?year=2026").get_data(as_text=True)
    assert "王委员" in page and "李委员" not in page and "14" in page
    city = web("supervisor_city")
    by_district = city.get("/platform/points?year=2026&by=district").get_data(as_text=True)
    assert by_district.index("天宁区") < by_district.index("新北区")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(city.get("/platform/points.xlsx?year=2026").data)).active
    assert [r[2] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["王委员", "赵委员", "李委员", "张委员"]
    city.get("/platform/points?year=2026")
    assert city.post("/platform/points/rules", {"kind": "attended", "valid_year": "2026", "points": "x"}
                     ).status_code == 422
    assert web("housing_tianning").get("/platform/points").status_code == 403


def test_the_plan_page_pdf_xlsx_and_api_with_the_chairs_changes(web, api, session: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.workflows.platform.test_plan import _topics
    ids = _topics(session)
    chair = web("chair_tianning")
    page = chair.get("/platform/plan?district=tianning&year=2026").get_data(as_text=True)
    assert "老旧小区加装电梯" in page and "村道修缮" in page and "尚在审议的议题" not in page
    url = "/platform/plan/tianning/2026/changes"
    refused = chair.post(url, {"topic_id": str(ids["planned"]), "planned_month": "9", "note": ""})
    assert refused.status_code == 422
    assert chair.post(url, {"topic_id": str(ids["planned"]), "planned_month": "9", "note": "调研需延长"}
                      ).status_code == 302
    assert "调研需延长" in chair.get("/platform/plan?district=tianning&year=2026").get_data(as_text=True)
    office = web("office_tianning")
    office.get("/platform/plan")
    assert office.post(url, {"topic_id": str(ids["planned"]), "note": "x"}).status_code == 403
    printed = office.get("/platform/plan.pdf?district=tianning&year=2026")
    assert printed.status_code == 200 and printed.data.startswith(b"%PDF")
    from openpyxl import load_workbook
    sheet = load_workbook(io.BytesIO(office.get("/platform/plan.xlsx?district=tianning&year=2026").data)).active
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["老旧小区加装电梯", "村道修缮"]
    found = api.get("/api/v1/plan/tianning/2026", headers=auth("supervisor_city")).get_json()
    assert [t["planned_month"] for t in found["topics"]] == [9, None] and len(found["changes"]) == 1
    changed = api.post("/api/v1/plan/tianning/2026/changes", headers=auth("chair_tianning"),
                       json={"topic_id": ids["town"], "removed": True, "note": "并入区级议题"})
    assert changed.status_code == 201 and changed.get_json()["topics"][1]["removed"] is True
    assert api.get("/api/v1/plan/tianning/2026", headers=auth("office_xinbei")).status_code == 404
    assert web("office_xinbei").get("/platform/plan?district=tianning").status_code == 404
    assert web("civil_tianning").get("/platform/plan").status_code == 403


def test_suggestions_are_followed_to_100_percent_on_the_pages_and_the_api(web, api, session: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.factories import start_topic
    topic = start_topic(session, NOW)
    office = web("office_tianning")
    url = f"/platform/topics/{topic.id}/suggestions"
    office.get(url)
    refused = office.post(url, {"text": "设立补贴", "unit": "xinbei-housing"})
    assert refused.status_code == 422 and "设立补贴" in refused.get_data(as_text=True)
    assert office.post(url, {"text": "设立加装电梯补贴", "unit": "tianning-housing"}).status_code == 302
    made = api.post(f"/api/v1/topics/{topic.id}/suggestions", json={"text": "简化审批", "unit": "tianning-civil"},
                    headers=auth("office_tianning"))
    assert made.status_code == 201 and made.get_json()["number"] == 2
    [first, second] = api.get(f"/api/v1/topics/{topic.id}/suggestions",
                              headers=auth("office_tianning")).get_json()["suggestions"]
    unit = web("housing_tianning")
    unit.get("/platform/suggestions")
    page = unit.get(url).get_data(as_text=True)
    assert "设立加装电梯补贴" in page and 'data-testid="report-1"' in page and 'data-testid="report-2"' not in page
    done = unit.post(f"/platform/suggestions/{first['id']}/milestones",
                     {"progress": "100", "note": "补贴办法印发", "outcome": "livelihood_project"})
    assert done.status_code == 302
    assert "100%" in unit.get(url).get_data(as_text=True)
    assert unit.post(f"/platform/suggestions/{second['id']}/milestones", {"progress": "10", "note": "x"}
                     ).status_code == 404
    civil = api.post(f"/api/v1/suggestions/{second['id']}/milestones", headers=auth("civil_tianning"),
                     json={"progress": 30, "note": "正在修订"})
    assert civil.status_code == 201 and civil.get_json()["progress"] == 30
    back = api.post(f"/api/v1/suggestions/{second['id']}/milestones", headers=auth("civil_tianning"),
                    json={"progress": 20, "note": "x"})
    assert back.status_code == 422
    assert api.get(f"/api/v1/topics/{topic.id}/suggestions", headers=auth("office_xinbei")).status_code == 404
    assert web("chair_tianning").post(url, {"text": "x", "unit": "tianning-housing"}).status_code == 403


def test_the_yearly_report_page_and_api(web, api, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    known.build(session, Path(app.config["ATTACHMENT_DIR"]), NOW)
    found = api.get("/api/v1/report/tianning/2026", headers=auth("supervisor_city")).get_json()
    assert found["coverage"]["missing"] == ["青龙街道"] and found["activities"]["leader_share"] == 0.25
    page = web("supervisor_tianning").get("/platform/report?district=tianning&year=2026").get_data(as_text=True)
    assert "25%" in page and "7/10" in page
    assert api.get("/api/v1/report/tianning/2026", headers=auth("office_xinbei")).status_code == 404
    assert web("civil_tianning").get("/platform/report").status_code == 403


def test_the_yearly_report_prints_as_a_pdf_with_the_districts_masthead(web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    known.build(session, Path(app.config["ATTACHMENT_DIR"]), NOW)
    supervisor = web("supervisor_tianning")
    assert "/platform/report.pdf?district=tianning" in supervisor.get("/platform/report?district=tianning&year=2026"
                                                                     ).get_data(as_text=True)
    printed = supervisor.get("/platform/report.pdf?district=tianning&year=2026")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    document = pdfium.PdfDocument(printed.data)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    for expected in ("天宁区政协", "2026年度", "7/10", "25%", "青龙街道"):
        assert expected in re.sub(r"\s", "", text), expected
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    document[0].render(scale=1.5).to_pil().save(ARTIFACTS / "report-page-1.png")
    assert supervisor.get("/platform/report.pdf?district=wujin&year=2026").status_code == 404
    assert web("civil_tianning").get("/platform/report.pdf").status_code == 403


def test_a_room_is_edited_on_its_page_by_the_office_only(web, api) -> None:  # type: ignore[no-untyped-def]
    room = _room(api)
    url = f"/platform/rooms/{room['code']}/edit"
    office = web("office_zhenglu")
    assert "郑陆镇人民路1号" in office.get(url).get_data(as_text=True)
    refused = office.post(url, {"name": "", "address": "新地址"})
    assert refused.status_code == 422 and "新地址" in refused.get_data(as_text=True)
    assert office.post(url, {"name": "郑陆镇协商议事厅", "functions": ["member_studio"]}).status_code == 302
    shown = api.get(f"/api/v1/rooms/{room['code']}", headers=auth("office_tianning")).get_json()
    assert (shown["name"], shown["functions"], shown["code"]) == ("郑陆镇协商议事厅", ["member_studio"], room["code"])
    assert web("supervisor_tianning").get(url).status_code == 403


def test_the_openapi_document_lists_the_plan_suggestion_and_report_routes(api) -> None:  # type: ignore[no-untyped-def]
    paths = set(api.get("/api/v1/openapi.json").get_json()["paths"])
    assert {"/plan/{district}/{year}", "/plan/{district}/{year}/changes", "/topics/{topic_id}/suggestions",
            "/suggestions/{suggestion_id}/milestones", "/report/{district}/{year}", "/points",
            "/point-rules/{year}/{kind}", "/topics/{topic_id}/recommendation", "/assessment"} <= paths
