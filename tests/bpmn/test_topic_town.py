"""The town platform topic: its approval is the process bound to the case's district."""
from models import TopicStatus
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic
from workflows.demo.world import town_path


def test_default_approval_then_the_whole_path_to_closed(session):
    topic = start_topic(session, NOW, level="town", district="tianning", town="zhenglu")
    drive(session, topic, town_path("tianning", "zhenglu"), NOW)
    session.refresh(topic)
    assert topic.status is TopicStatus.CLOSED


def test_default_approval_ends_with_filing_by_the_district_office(session):
    topic = start_topic(session, NOW, level="town", district="tianning", town="zhenglu")
    drive(session, topic, town_path("tianning", "zhenglu")[:3], NOW)
    assert open_ids(session, topic) == ["district_filing"]
    filing = open_task(session, topic, "district_filing")
    assert filing.candidate_org.code == "tianning"


def test_wujin_binds_its_own_approval_variant(session):
    topic = start_topic(session, NOW, level="town", district="wujin", town="hutang")
    drive(session, topic, [
        ("submit_proposal", "office_hutang", {"rationale": "镇村议事", "committee": "hutang-cmt"}),
        ("town_party_approval", "office_hutang", {"approved": True}),
    ], NOW)
    assert open_ids(session, topic) == ["district_review"]
    drive(session, topic, [("district_review", "chair_wujin", {"approved": True})], NOW)
    assert open_ids(session, topic) == ["research"]


def test_rejection_inside_the_town_approval_rejects_the_topic(session):
    topic = start_topic(session, NOW, level="town", district="tianning", town="zhenglu")
    drive(session, topic, [
        town_path("tianning", "zhenglu")[0],
        ("town_committee_review", "committee_zhenglu", {"approved": False, "opinion": "条件不成熟"}),
    ], NOW)
    session.refresh(topic)
    assert topic.status is TopicStatus.REJECTED
    assert topic.status_reason == "条件不成熟"

