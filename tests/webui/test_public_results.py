"""The public results page and its Atom feed: only what the office publishes, its stage and results, the plan,
a search, typical cases; the office's publication page (audited, permission-checked); script inert everywhere.
"""
import re
from typing import Any
from xml.etree import ElementTree

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, Topic, TopicPublication
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.factories import drive, start_topic
from workflows.demo.world import district_path, user_named
from workflows.participation import results
from workflows.platform import suggestions

ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def answered(session: Session) -> Topic:
    """Return a topic whose handling unit has written its reply (class B), with one suggestion at 40 %."""
    topic = start_topic(session, NOW, title="老旧小区加装电梯" + SCRIPT)
    path = district_path("tianning", assisting=False)
    drive(session, topic, path[:next(i for i, s in enumerate(path) if s[0] == "rate_reply")], NOW)
    with writing(session):
        found = suggestions.add(session, user_named(session, "office_tianning"), topic.id,
                                {"text": "加装电梯补贴" + SCRIPT, "unit": "tianning-housing"}, NOW)
        found.progress = 40
    return topic


def _publish(actor: Any, topic_id: int, **fields: str) -> Any:
    actor.get(f"/publication/{topic_id}")
    return actor.post(f"/publication/{topic_id}", {"published": "1", "summary": "纪要摘要：加装电梯三条建议" + SCRIPT,
                                                   **fields})


def _feed(client: Any) -> ElementTree.Element:
    response = client.get("/public/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    return ElementTree.fromstring(response.data)


def _titles(client: Any) -> list[str]:
    return [str(e.findtext(f"{ATOM}title")) for e in _feed(client).findall(f"{ATOM}entry")]


def test_nothing_is_public_until_the_office_publishes_it(app: Flask, answered: Topic) -> None:
    client = app.test_client()
    page = client.get("/public").get_data(as_text=True)
    assert "老旧小区加装电梯" not in page and f"published-{answered.id}" not in page
    assert client.get(f"/public/topics/{answered.id}").status_code == 404
    assert answered.title not in _titles(client)


def test_a_published_topic_shows_its_stage_and_results_on_the_page_and_in_the_feed(
        app: Flask, web: Any, session: Session, answered: Topic) -> None:
    office = web("office_tianning")
    form = office.get(f"/publication/{answered.id}").get_data(as_text=True)
    assert "形成协商纪要，建议三条。" in form  # the summary starts from the minutes
    assert _publish(office, answered.id, typical="1", typical_note="居民议事会先议后办").status_code == 302
    client = app.test_client()
    page = client.get("/public").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page and "/public/feed.atom" in page
    for shown in ("老旧小区加装电梯", "纪要摘要：加装电梯三条建议", "B 类：正在解决",
                  "已制定实施方案，年内完成首批改造。", "加装电梯补贴", "40%", "2026 年度协商计划",
                  "6 月", "典型案例", "居民议事会先议后办", "书面反馈"):
        assert shown in page, shown
    assert SCRIPT not in page and "&lt;script&gt;" in page
    one = client.get(f"/public/topics/{answered.id}").get_data(as_text=True)
    assert "书面反馈" in one and SCRIPT not in one
    entries = [e for e in _feed(client).findall(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == answered.title]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "老旧小区加装电梯" + SCRIPT  # text, escaped in the XML
    assert entry.findtext(f"{ATOM}id", "").endswith(f"/public/topics/{answered.id}")
    assert entry.findtext(f"{ATOM}updated") and entry.find(f"{ATOM}link") is not None
    content = entry.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "text" and "B 类：正在解决" in (content.text or "")
    assert b"<script>" not in client.get("/public/feed.atom").data
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.target == f"topic:{answered.id}")))
    assert {"topic_published", "typical_case_marked"} <= actions


def test_the_search_finds_published_topics_by_their_words(app: Flask, web: Any, answered: Topic) -> None:
    _publish(web("office_tianning"), answered.id)
    client = app.test_client()
    assert "老旧小区加装电梯" in client.get("/public?q=电梯").get_data(as_text=True)
    missed = client.get("/public?q=停车").get_data(as_text=True)
    assert "老旧小区加装电梯" not in missed
    assert client.get("/public?q=%25").status_code == 200  # a LIKE wildcard is only a character
    assert "老旧小区加装电梯" not in client.get("/public?q=%25%25%25x").get_data(as_text=True)


def test_withdrawing_takes_it_off_the_page_and_the_feed(app: Flask, web: Any, session: Session,
                                                       answered: Topic) -> None:
    office = web("office_tianning")
    _publish(office, answered.id)
    office.post(f"/publication/{answered.id}", {"summary": "x"})
    client = app.test_client()
    assert client.get(f"/public/topics/{answered.id}").status_code == 404
    assert answered.title not in _titles(client)
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "topic_withdrawn")) is not None


def test_a_typical_case_needs_its_experience_and_keeps_what_was_typed(web: Any, answered: Topic) -> None:
    office = web("office_tianning")
    refused = _publish(office, answered.id, typical="1", typical_note="")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请写明可推广的经验" in page and "纪要摘要：加装电梯三条建议" in page


def test_only_the_office_of_the_topic_s_district_publishes(app: Flask, web: Any, answered: Topic) -> None:
    assert app.test_client().get(f"/publication/{answered.id}").status_code == 302  # to the sign-in page
    member = web("member_tianning")
    assert member.get("/publication").status_code == 403
    assert member.post(f"/publication/{answered.id}", {"published": "1"}).status_code == 403
    other = web("office_wujin")
    assert other.get(f"/publication/{answered.id}").status_code == 404
    assert other.post(f"/publication/{answered.id}", {"published": "1"}).status_code == 404
    assert f"publication-{answered.id}" not in other.get("/publication").get_data(as_text=True)
    assert f"publication-{answered.id}" in web("office_tianning").get("/publication").get_data(as_text=True)


def test_anonymous_visitors_brand_link_goes_to_the_public_page(app: Flask) -> None:
    page = app.test_client().get("/public").get_data(as_text=True)
    assert 'class="brand" href="/public"' in page


def test_the_public_pages_speak_english_after_the_switch(app: Flask, web: Any, answered: Topic) -> None:
    _publish(web("office_tianning"), answered.id, typical="1", typical_note="先议后办")
    client = app.test_client()
    page = client.get("/public").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    client.post("/locale", data={"locale": "en", "csrf_token": token.group(1)})
    english = client.get("/public").get_data(as_text=True)
    for words in ("Consultation results", "Typical cases", "Consultation plan 2026", "Summary of the minutes",
                  "Progress of the suggestions", "Subscribe (Atom)"):
        assert words in english, words
    lookup = client.get("/public/lookup").get_data(as_text=True)
    assert "Look up by contact" in lookup and "Send the code" in lookup


def test_the_public_page_and_feed_cost_the_same_statements_with_two_more_published_topics(
        app: Flask, web: Any, session: Session, answered: Topic) -> None:
    office = web("office_tianning")
    _publish(office, answered.id)
    client = app.test_client()

    def counts() -> list[int]:
        found = []
        for url in ("/public", "/public/feed.atom", "/public?q=电梯"):
            with counted(app.extensions["db_engine"]) as seen:
                assert client.get(url).status_code == 200
            found.append(len(seen))
        return found

    before = len(_titles(client))
    at_1 = counts()
    for title in ("第二个议题", "第三个议题"):
        more = start_topic(session, NOW, title=title + "电梯")
        path = district_path("tianning", assisting=False)
        drive(session, more, path[:next(i for i, s in enumerate(path) if s[0] == "rate_reply")], NOW)
        _publish(office, more.id)
    assert len(_titles(client)) == before + 2
    assert counts() == at_1


def test_a_topic_started_from_a_proposal_never_shows_its_proposer_s_contact(
        app: Flask, web: Any, session: Session) -> None:
    from tests.webui.test_public_proposals import _propose  # the resident's form

    client = app.test_client()
    sent = _propose(client, title="公园路灯" + SCRIPT, contact="secret.person@example.org")
    number = sent.headers["Location"].split("/public/proposals/")[1].split("?")[0]
    client.post(f"/public/proposals/{number}/follow", data={"email": "watcher@example.org",
                                                            "csrf_token": _csrf(client, number)})
    office = web("office_tianning")
    office.get(f"/proposals/{number}")
    started = office.post(f"/proposals/{number}/topic", {"platform_level": "district"})
    assert started.status_code == 302
    topic_id = session.scalar(select(Topic.id).where(Topic.title == "公园路灯" + SCRIPT))
    assert topic_id is not None
    _publish(office, topic_id)
    public = [client.get("/public").get_data(as_text=True), client.get(f"/public/topics/{topic_id}").get_data(
        as_text=True), client.get("/public/feed.atom").get_data(as_text=True),
        client.get("/api/v1/public/results").get_data(as_text=True),
        client.get(f"/public/proposals/{number}").get_data(as_text=True)]
    assert "公园路灯" in public[0] and f"/public/topics/{topic_id}" in public[4]  # the number leads to the result
    for text in public:
        assert "secret.person@example.org" not in text and "watcher@example.org" not in text
    for text in public[:3] + public[4:]:  # HTML and XML escape it; the JSON API carries it as data
        assert "<script>alert" not in text


def _csrf(client: Any, number: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(f"/public/proposals/{number}")
                      .get_data(as_text=True))
    assert found
    return found.group(1)


def test_the_page_pages_its_topics_and_a_bad_page_number_is_the_first(app: Flask, web: Any, session: Session,
                                                                      answered: Topic, monkeypatch: Any) -> None:
    monkeypatch.setattr(results, "PAGE", 1)
    office = web("office_tianning")
    _publish(office, answered.id)
    _publish(office, start_topic(session, NOW, title="第二个公开议题").id)
    client = app.test_client()
    total = len(session.scalars(select(TopicPublication).where(TopicPublication.published.is_(True))).all())
    first = client.get("/public").get_data(as_text=True)
    assert first.count('class="proposal-card" data-testid="published-') == 1
    assert total >= 2 and 'data-testid="next-page"' in first
    last = client.get(f"/public?page={total}").get_data(as_text=True)
    assert last.count('data-testid="published-') == 1 and 'data-testid="plan"' not in last
    assert 'data-testid="next-page"' not in last
    for bad in ("0", "-1", "x", "99999999999"):
        assert client.get(f"/public?page={bad}").status_code == 200
