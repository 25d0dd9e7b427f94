"""再调研 / 再视察 / 再协商 open a new round on the same topic, with its own activity, minutes and suggestions;
the topic closes only when the chairs' meeting closes it."""
from sqlalchemy import func, select

from models import Activity, FollowUpRound, Suggestion, TopicStatus
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic
from workflows.demo.world import district_path

STEPS = district_path("tianning")
UPTO_FOLLOW_UP = STEPS[: [s[0] for s in STEPS].index("follow_up")]
COMMITTEE, CHAIR = "committee_tianning", "chair_tianning"


def _round(session):  # type: ignore[no-untyped-def]
    """Drive a topic to its follow-up and choose 再协商; return the topic and the round's activity."""
    topic = start_topic(session, NOW)
    drive(session, topic, [*UPTO_FOLLOW_UP, ("follow_up", COMMITTEE, {"method": "re_consultation",
                                                                     "findings": "补贴标准需再协商"})], NOW)
    session.rollback()
    rounds = session.scalars(select(Activity).where(Activity.topic_id == topic.id,
                                                    Activity.follow_up.is_not(None))).all()
    assert [(a.follow_up, a.title) for a in rounds] == [(FollowUpRound.CONSULTATION, f"{topic.title}（再协商）")]
    return topic, rounds[0]


def test_a_re_consultation_opens_a_round_whose_minutes_list_suggestions(web, session):
    topic, found = _round(session)
    office = web("office_tianning")
    page = office.get(f"/platform/activities/{found.id}").get_data(as_text=True)
    assert 'data-testid="round-minutes"' in page and 'name="suggestions_text"' in page
    kept = office.post(f"/platform/activities/{found.id}/minutes", {
        "minutes": "再协商纪要：提高补贴标准", "suggestions_text": ["补贴提高到每台 15 万元"],
        "suggestions_unit": ["tianning-housing"]})
    assert kept.status_code == 302
    session.rollback()
    listed = session.execute(select(Suggestion.number, Suggestion.text, Suggestion.activity_id)
                             .where(Suggestion.topic_id == topic.id)).tuples().all()
    assert listed == [(1, "补贴提高到每台 15 万元", found.id)]
    page = office.get(f"/platform/activities/{found.id}").get_data(as_text=True)
    assert "再协商纪要：提高补贴标准" in page and 'name="minutes"' not in page
    assert "补贴提高到每台 15 万元" in web("housing_tianning").get(
        f"/platform/topics/{topic.id}/suggestions").get_data(as_text=True)


def test_a_round_keeps_one_minutes_and_only_its_topics_recorders_write_them(web, session):
    topic, found = _round(session)
    office = web("office_tianning")
    first = {"minutes": "再协商纪要", "suggestions_text": ["补贴提高"], "suggestions_unit": ["tianning-housing"]}
    assert office.post(f"/platform/activities/{found.id}/minutes", first).status_code == 302
    assert office.post(f"/platform/activities/{found.id}/minutes", first).status_code == 409  # a second tab, a replay
    assert web("chair_tianning").post(f"/platform/activities/{found.id}/minutes", first).status_code == 403
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Suggestion).where(Suggestion.topic_id == topic.id)) == 1


def test_a_refused_round_minutes_keeps_what_was_typed(web, session):
    topic, found = _round(session)
    office = web("office_tianning")
    refused = office.post(f"/platform/activities/{found.id}/minutes", {
        "minutes": "", "suggestions_text": ["补贴提高"], "suggestions_unit": ["wujin-housing"]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and ">补贴提高</textarea>" in page and "第 1 条建议：请选择承办单位" in page
    assert web("housing_tianning").post(f"/platform/activities/{found.id}/minutes",
                                        {"minutes": "x"}).status_code in (403, 404)
    session.rollback()
    assert session.scalar(select(Activity.minutes).where(Activity.id == found.id)) == ""


def test_the_topic_stays_open_until_the_chairs_meeting_closes_it(session):
    topic, _found = _round(session)
    assert topic.status is TopicStatus.ACTIVE and open_ids(session, topic) == ["chairs_close"]
    drive(session, topic, [("chairs_close", CHAIR, {"close_topic": False, "opinion": "再协商后再审议"})], NOW)
    session.rollback()
    assert topic.status is TopicStatus.ACTIVE and open_task(session, topic, "follow_up") is not None
    drive(session, topic, [("follow_up", COMMITTEE, {"method": "democratic_supervision", "findings": "已落实"}),
                           ("chairs_close", CHAIR, {"close_topic": True, "opinion": "同意办结"})], NOW)
    session.rollback()
    assert topic.status is TopicStatus.CLOSED and open_ids(session, topic) == []
