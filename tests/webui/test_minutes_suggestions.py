"""The minutes' suggestions are written in the minutes form itself and followed up from there."""
from sqlalchemy import select

from models import Suggestion, Unit
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path

STEPS = district_path("tianning")
BEFORE_MINUTES = STEPS[: [s[0] for s in STEPS].index("submit_minutes")]


def _minutes_task(session):  # type: ignore[no-untyped-def]
    topic = start_topic(session, NOW)
    drive(session, topic, BEFORE_MINUTES, NOW)
    return topic, open_task(session, topic, "submit_minutes")


def _listed(session, topic) -> list[tuple[int, str, str]]:  # type: ignore[no-untyped-def]
    rows = session.execute(select(Suggestion.number, Suggestion.text, Unit.code).join(Unit)
                           .where(Suggestion.topic_id == topic.id).order_by(Suggestion.number)).tuples()
    return list(rows)


def test_suggestions_written_in_the_minutes_form_are_listed_for_their_units(web, session):
    topic, minutes = _minutes_task(session)
    committee = web("committee_tianning")
    page = committee.get(f"/tasks/{minutes.id}").get_data(as_text=True)
    assert 'name="suggestions_text"' in page and 'data-add-row="f-suggestions"' in page
    sent = committee.post(f"/tasks/{minutes.id}", {
        "minutes": "纪要正文", "lead_unit": "tianning-housing", "action": "complete",
        "suggestions_text": ["设立加装电梯补贴", "", "优化审批流程"],
        "suggestions_unit": ["tianning-housing", "", "tianning-civil"]})
    assert sent.status_code == 302, sent.get_data(as_text=True)
    session.rollback()  # a new read transaction sees what the request committed
    assert _listed(session, topic) == [(1, "设立加装电梯补贴", "tianning-housing"),
                                       (2, "优化审批流程", "tianning-civil")]
    listed = web("housing_tianning").get(f"/platform/topics/{topic.id}/suggestions").get_data(as_text=True)
    assert "设立加装电梯补贴" in listed


def test_a_suggestion_without_its_unit_stays_on_the_form_with_every_row_kept(web, session):
    topic, minutes = _minutes_task(session)
    committee = web("committee_tianning")
    committee.get(f"/tasks/{minutes.id}")
    refused = committee.post(f"/tasks/{minutes.id}", {
        "minutes": "纪要正文", "lead_unit": "tianning-housing", "action": "complete",
        "suggestions_text": ["设立加装电梯补贴", "优化审批流程"], "suggestions_unit": ["tianning-housing", ""]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="f-suggestions-error"' in page and "第 2 条建议：请选择承办单位" in page
    assert ">设立加装电梯补贴</textarea>" in page and ">优化审批流程</textarea>" in page
    assert '<option value="tianning-housing" selected>' in page
    other = committee.post(f"/tasks/{minutes.id}", {
        "minutes": "纪要正文", "lead_unit": "tianning-housing", "action": "complete",
        "suggestions_text": ["跨区建议"], "suggestions_unit": ["wujin-housing"]})
    assert other.status_code == 422 and "第 1 条建议：请选择承办单位" in other.get_data(as_text=True)
    session.rollback()  # a new read transaction sees what the request committed
    assert _listed(session, topic) == [] and open_task(session, topic, "submit_minutes").id == minutes.id


def test_the_api_takes_the_minutes_suggestions_as_a_list(app, session):
    client = app.test_client()
    topic, minutes = _minutes_task(session)
    headers = {"Authorization": "Bearer demo-committee_tianning"}
    bad = client.post(f"/api/v1/tasks/{minutes.id}/complete", headers=headers, json={"data": {
        "minutes": "纪要", "lead_unit": "tianning-housing", "suggestions": "设立补贴"}})
    assert bad.status_code == 422 and "suggestions" in bad.get_json()["error"]["fields"]
    done = client.post(f"/api/v1/tasks/{minutes.id}/complete", headers=headers, json={"data": {
        "minutes": "纪要", "lead_unit": "tianning-housing",
        "suggestions": [{"text": "设立加装电梯补贴", "unit": "tianning-housing"}]}})
    assert done.status_code == 200, done.get_json()
    session.rollback()  # a new read transaction sees what the request committed
    assert _listed(session, topic) == [(1, "设立加装电梯补贴", "tianning-housing")]
