"""Bad input earns a 4xx with a message, never a 500: huge ids, impossible years, NUL and bidi characters, lists."""
from io import BytesIO

import pytest

from tests.webui.test_api import auth

HUGE_IDS = (2**31, 2**63, 10**30)
ID_ROUTES = ("/api/v1/tasks/{}", "/api/v1/topics/{}", "/api/v1/topics/{}/history", "/api/v1/processes/{}",
             "/api/v1/drafts/{}", "/topics/{}", "/tasks/{}", "/admin/versions/{}", "/admin/drafts/{}.bpmn")


@pytest.mark.parametrize("number", HUGE_IDS)
@pytest.mark.parametrize("route", ID_ROUTES)
def test_an_id_beyond_the_databases_range_is_not_found(web, route, number):
    actor = web("admin")
    response = actor.client.get(route.format(number), headers=auth("admin") if route.startswith("/api") else {})
    assert response.status_code == 404


@pytest.mark.parametrize("year", [0, 1, 10000, 2**63])
def test_an_impossible_calendar_year_is_a_4xx(app, year):
    response = app.test_client().get(f"/api/v1/calendar/years/{year}", headers=auth("admin"))
    assert response.status_code == 404 and response.is_json


NEW_TOPIC = {"category": "livelihood", "source": "public", "platform_level": "district", "district": "tianning"}


@pytest.mark.parametrize("title", ["电梯\x00加装", "\u202eevil.exe", "a\u2066b"])
def test_a_title_with_nul_or_a_bidi_override_is_refused(app, title):
    response = app.test_client().post("/api/v1/topics", json={**NEW_TOPIC, "title": title},
                                      headers=auth("office_tianning"))
    assert response.status_code == 422 and "title" in response.get_json()["error"]["message"] + str(
        response.get_json()["error"].get("fields"))


@pytest.mark.parametrize("title", [["a", "b"], {"zh": "电梯"}, 42])
def test_a_title_that_is_not_text_is_refused(app, title):
    response = app.test_client().post("/api/v1/topics", json={**NEW_TOPIC, "title": title},
                                      headers=auth("office_tianning"))
    assert response.status_code == 422 and "title" in response.get_json()["error"]["fields"]


def test_a_nul_in_a_page_form_is_refused_with_a_page(web):
    actor = web("office_tianning")
    actor.get("/topics/new")
    response = actor.post("/topics/new", {**NEW_TOPIC, "title": "电梯\x00"})
    assert response.status_code == 422 and "控制字符" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/admin/diff?from=99999999999999999999999&to=1", "/admin/audit?page=1" + "0" * 22,
                                 "/api/v1/audit?offset=1" + "0" * 20, "/api/v1/processes/diff?from=1&to=10000000000"])
def test_huge_numbers_in_a_query_are_a_4xx(web, url):
    actor = web("admin")
    response = actor.client.get(url, headers=auth("admin") if url.startswith("/api") else {})
    assert 200 <= response.status_code < 500


def test_an_upload_whose_name_reads_backwards_is_refused(app):
    upload = {"file": (BytesIO(b"<x/>"), "report\u202efdp.exe")}
    response = app.test_client().post("/api/v1/drafts?title=x", data=upload, headers=auth("admin"),
                                      content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.get_json()["error"]["fields"]
