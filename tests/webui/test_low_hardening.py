"""Small holes: cells a spreadsheet would run, in any width; the role checked before the body; oversized drafts."""
from io import BytesIO
from pathlib import Path

import pytest

from tests.conftest import NOW
from tests.factories import start_topic
from tests.webui.test_api import auth
from webui.pages.exports import neutral

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "|calc", "%x", "\t=1", "＝HYPERLINK(1)", "＋1",
                                  "｜calc", "  =1", "\u3000＝1"])
def test_a_cell_that_a_spreadsheet_would_run_is_quoted(cell):
    assert neutral(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["老旧小区", "a=b", "", 12, None])
def test_other_cells_are_kept(cell):
    assert neutral(cell) == cell


def test_a_title_in_full_width_equals_is_neutral_in_the_export(web, session):
    start_topic(session, NOW, title="＝HYPERLINK(\"http://evil\")")
    body = web("office_tianning").get("/lists/topics/export.csv").get_data(as_text=True)
    assert "'＝HYPERLINK" in body


def test_skip_checks_the_role_before_the_body(app, session):
    topic = start_topic(session, NOW)
    client = app.test_client()
    refused = client.post(f"/api/v1/topics/{topic.id}/skip", json={"reason": ["not", "text"]},
                          headers=auth("office_tianning"))
    assert refused.status_code == 403
    assert client.post(f"/api/v1/topics/{topic.id}/skip", json={"reason": 5}, headers=auth("admin")).status_code == 422


def test_a_draft_larger_than_a_diagram_may_be_is_not_stored(web):
    admin = web("admin")
    minimal = CORPUS.joinpath("minimal.bpmn").read_bytes()
    draft = admin.client.post("/api/v1/drafts?title=x", data=minimal, headers={**auth("admin"),
                              "Content-Type": "application/xml"}).get_json()
    padded = minimal.replace(b"</bpmn:definitions>", b"<!--" + b"x" * (3 * 1024 * 1024) + b"--></bpmn:definitions>")
    for response in (admin.client.put(f"/admin/drafts/{draft['id']}.bpmn", data=padded,
                                      headers={"X-CSRFToken": admin.token, "Content-Type": "application/xml"}),
                     admin.client.put(f"/api/v1/drafts/{draft['id']}", data=padded,
                                      headers={**auth("admin"), "Content-Type": "application/xml"})):
        assert response.status_code in (413, 422)
    streamed = admin.client.put(f"/api/v1/drafts/{draft['id']}", input_stream=BytesIO(padded),
                                headers={**auth("admin"), "Content-Type": "application/xml"})
    assert streamed.status_code == 413  # sent without a length: read no further than a diagram may be
    stored = admin.client.get(f"/api/v1/drafts/{draft['id']}/bpmn", headers=auth("admin")).data
    assert len(stored) == len(minimal)
