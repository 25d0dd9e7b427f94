"""Numbers in query strings and URLs: a Unicode digit or a year no plan has is a default or a 404, never a 500."""
from typing import Any

import pytest
from flask import Flask

from webui.query_args import plan_year, small_int, whole_number


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


@pytest.mark.parametrize("raw", ["²", "٣", "１", "-1", "0", "1001", "", "99999999999999999999"])
def test_a_page_number_that_is_not_ascii_digits_in_range_is_the_default(raw: str) -> None:
    assert small_int(raw, 1, 1000, 1) == 1 and whole_number(raw, 1, 1000) is None


def test_a_year_outside_the_plans_is_the_default() -> None:
    assert [plan_year(raw, 2026) for raw in ("2027", "²⁰²⁷", "1999", "2101", None)] == [2027, 2026, 2026, 2026, 2026]


@pytest.mark.parametrize("query", ["page=²", "year=²", "page=٣&year=٢٠٢٦", "page=1&year=2026"])
def test_the_public_results_page_reads_unicode_digits_as_the_default(app: Flask, query: str) -> None:
    assert app.test_client().get(f"/public?{query}").status_code == 200


def test_the_signed_in_pages_read_unicode_digits_as_the_default(web: Any) -> None:
    leader = web("party_tianning")
    assert leader.get("/platform/leader?year=²").status_code == 200
    assert web("office_tianning").get("/topics/?page=²").status_code == 200


@pytest.mark.parametrize("year", [9999, 10000, 1999, 2101, 2147483647])
def test_a_plan_year_no_plan_can_have_is_a_404_in_every_plan_route(app: Flask, web: Any, year: int) -> None:
    api, office = app.test_client(), auth("office_tianning")
    assert api.get(f"/api/v1/plan/tianning/{year}", headers=office).status_code == 404
    for action in ("reports", "changes"):
        assert api.post(f"/api/v1/plan/tianning/{year}/{action}", json={}, headers=office).status_code == 404
    assert api.post(f"/api/v1/plan/tianning/{year}/decision", json={"decision": "approved"},
                    headers=auth("party_tianning")).status_code == 404
    assert api.get(f"/api/v1/report/tianning/{year}", headers=office).status_code == 404
    assert api.put(f"/api/v1/activity-targets/tianning/{year}", json={}, headers=office).status_code == 404
    page = web("office_tianning")
    page.get("/platform/plan/tianning")
    assert page.post(f"/platform/plan/tianning/{year}/reports", {"note": "请审定"}).status_code == 404


def test_the_plan_years_themselves_still_answer(app: Flask) -> None:
    assert app.test_client().get("/api/v1/plan/tianning/2100", headers=auth("office_tianning")).status_code == 200
