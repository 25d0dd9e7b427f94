"""Every answer carries the security headers; diagrams are files to save that run nothing; drafts refuse markup."""
from pathlib import Path

import pytest
from sqlalchemy import select

from models import ProcessVersion
from tests.webui.test_api import auth

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
XML = {"Content-Type": "application/xml"}


def assert_security_headers(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("style-src-attr")[0] and "unsafe-eval" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url", ["/login", "/", "/topics/", "/supervision/", "/no/such/page", "/api/v1/tasks",
                                 "/api/v1/openapi.json", "/static/js/app.js"])
def test_every_answer_carries_the_security_headers(web, url):
    response = web("supervisor_tianning").get(url)
    response.close()  # a static file is streamed from disk
    assert_security_headers(response)


def test_hsts_goes_out_on_every_request_that_came_over_https(app):
    response = app.test_client().get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    behind_proxy = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in behind_proxy.headers


def test_diagrams_are_served_as_files_that_run_nothing(web, session, app):
    version = session.scalars(select(ProcessVersion).order_by(ProcessVersion.id)).first()
    admin = web("admin")
    draft = admin.client.post("/api/v1/drafts", json={"version_id": version.id}, headers=auth("admin")).get_json()
    urls = [f"/admin/versions/{version.id}.bpmn", f"/admin/versions/{version.id}.bpmn?download=1",
            f"/admin/drafts/{draft['id']}.bpmn"]
    for url in urls:
        response = admin.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment;")
        policy = response.headers["Content-Security-Policy"].strip()
        assert policy == "default-src 'none'; frame-ancestors 'none'; sandbox"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    api = app.test_client().get(f"/api/v1/processes/{version.id}/bpmn", headers=auth("admin"))
    assert api.headers["Content-Disposition"].startswith("attachment;") and "sandbox" in api.headers[
        "Content-Security-Policy"]


def test_a_draft_with_markup_a_browser_would_run_is_not_saved(app):
    client = app.test_client()
    hostile = (CORPUS / "xhtml_script.bpmn").read_bytes()
    created = client.post("/api/v1/drafts?title=x", data=hostile, headers={**auth("admin"), **XML})
    assert created.status_code == 422 and "xhtml" in created.get_json()["error"]["message"]
    minimal = client.post("/api/v1/drafts?title=x", data=(CORPUS / "minimal.bpmn").read_bytes(),
                          headers={**auth("admin"), **XML}).get_json()
    saved = client.put(f"/api/v1/drafts/{minimal['id']}", data=hostile, headers={**auth("admin"), **XML})
    assert saved.status_code == 422
    kept = client.get(f"/api/v1/drafts/{minimal['id']}/bpmn", headers=auth("admin")).data
    assert b"xhtml" not in kept
