"""The one triage queue in a browser: a resident proposes from a phone by the room's link, a member recommends the
same matter from their account and reports public opinion heard in the room, a leader assigns a topic; the office
sees them all with their source, finds the duplicate among the similar items, merges it, starts a topic, and the
case page shows its origin while the resident's number shows the topic. Screenshots in test-artifacts/triage/.
"""
import re
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from models.database import writing
from tests.conftest import NOW
from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)
from tests.webui.test_public_browser import PHONE, _answer
from workflows.demo.world import user_named
from workflows.platform import rooms

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "triage"


class TriageStory(Story):
    """The browser story, its screenshots kept apart."""

    folder = ARTIFACTS


def _recommend(page, source: str, title: str, description: str, **choices: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("link", name="荐题与社情民意").click()
    page.select_option("#source", source)
    page.fill("#title", title)
    page.fill("#description", description)
    page.select_option("#category", "livelihood")
    for field, value in choices.items():
        page.select_option(f"#{field}", value)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("已提交")


def test_the_office_triages_every_source_merges_the_duplicate_and_starts_a_topic(  # type: ignore[no-untyped-def]
        browser, server, clock, session: Session) -> None:  # noqa: F811
    with writing(session):
        room = rooms.register(session, user_named(session, "office_tianning"), "zhenglu-c1",
                              {"name": "郑陆镇第一社区议事室", "functions": ["opinion_point"]}, now=NOW)
    story = TriageStory(browser, server, clock)
    phone = story.browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()  # type: ignore[arg-type]
    phone.goto(f"{server}/public/propose?place=zhenglu-c1")
    phone.fill("#title", "菜场门口停车难")
    phone.fill("#description", "早高峰电动车和汽车混停，停车位不够，老人买菜不方便。")
    phone.select_option("#category", "livelihood")
    phone.fill("#answer", _answer(phone))
    phone.get_by_role("button", name="提交").click()
    number = phone.get_by_test_id("number").inner_text()

    member = story.login("member_tianning")
    _recommend(member, "member", "郑陆菜场周边停车位不够", "菜场周边停车难，电动车乱停，建议协商增设停车位。",
               place="zhenglu-c1")
    _recommend(member, "opinion", "社区活动室晚上开放", "居民在议事室反映活动室晚上不开放。", room=room.code)
    story.shot(member, "member-sent")
    leader = story.login("party_tianning")
    _recommend(leader, "assigned", "老旧小区加装电梯", "区委点题：推进老旧小区加装电梯。", place="tianning")

    office = story.login("office_tianning")
    office.get_by_role("link", name="议题建议").click()
    queue = office.get_by_test_id("proposal-queue")
    for label in ("群众建议", "委员荐题", "社情民意", "党委政府点题"):
        expect(queue.get_by_test_id("source").filter(has_text=label)).to_have_count(1)
    story.shot(office, "queue")
    office.get_by_test_id(f"triage-{number}").click()
    similar = office.get_by_test_id("similar")
    expect(similar).to_contain_text("郑陆菜场周边停车位不够")
    expect(similar).not_to_contain_text("老旧小区加装电梯")
    story.shot(office, "similar")
    similar.locator("label", has_text="郑陆菜场周边停车位不够").locator("input").check()
    office.get_by_role("button", name="合并到本条").click()
    expect(office.get_by_test_id("merged")).to_contain_text("郑陆菜场周边停车位不够")
    office.select_option("#t-level", "town")
    office.select_option("#t-town", "zhenglu")
    story.shot(office, "start-topic")
    office.get_by_test_id("start-topic-button").click()
    office.wait_for_url(re.compile(r".*/(tasks|topics)/\d+$"))
    if "/tasks/" in office.url:
        office.get_by_role("link", name="菜场门口停车难").first.click()
    origin = office.get_by_test_id("topic-origin")
    expect(origin).to_contain_text(number)
    expect(origin).to_contain_text("委员荐题")
    expect(origin).to_contain_text("郑陆菜场周边停车位不够")
    expect(office.locator("body")).not_to_contain_text("13812345678")
    topic_id = office.url.rstrip("/").split("/")[-1]
    story.shot(office, "case-origin")

    phone.goto(f"{server}/public/proposals/{number}")
    expect(phone.get_by_test_id("status")).to_contain_text("已立为议题")
    expect(phone.get_by_test_id("topic-number")).to_have_count(0)  # named once the office publishes the topic
    story.shot(phone, "resident-sees-topic")
    member.get_by_role("link", name="荐题与社情民意").click()
    expect(member.get_by_test_id("mine")).to_contain_text(f"#{topic_id}")
    story.shot(member, "member-sees-topic")
    office.get_by_role("button", name="English").click()
    office.goto(f"{server}/proposals/{number}")
    expect(office.get_by_test_id("item-source")).to_contain_text("Public proposal")  # a resident's, in English
    expect(office.get_by_test_id("merged")).to_contain_text("郑陆菜场周边停车位不够")
    story.shot(office, "item-in-english")
    assert story.refused == [], story.refused
