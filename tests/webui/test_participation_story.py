"""Everyone takes part, in one story on a phone-sized page: a resident proposes by the room's QR link and gets a
tracking number; a member recommends the same matter; the office merges the two and starts a topic; the office
opens an online deliberation and invites the resident by a signed link; the resident and the member deliberate;
the office takes two opinions into the minutes, which the committee writes with them in sight; the handling unit
replies; the office publishes the result; the resident finds it by the tracking number, on /public and in the
Atom feed. Screenshots in test-artifacts/participation/.
"""
import re
from pathlib import Path
from xml.etree import ElementTree

from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import TaskItem, TaskStatus, Topic
from models.database import writing
from tests.conftest import NOW
from tests.factories import drive
from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)
from tests.webui.test_public_browser import PHONE, _answer
from tests.webui.test_triage_browser import _recommend
from workflows.demo.world import town_path, user_named
from workflows.platform import rooms

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "participation"
ATOM = "{http://www.w3.org/2005/Atom}"
TITLE = "菜场门口停车难"
CONTACT = "13812345678"
RESIDENT_OPINION = "建议把菜场后面的空地划成电动车停车区，早上七点到九点有人引导。"
MEMBER_OPINION = "可以错峰开放旁边小学的停车场，放学前清空。"


class ParticipationStory(Story):
    """The browser story: screenshots kept apart, phones without an account."""

    folder = ARTIFACTS

    def phone(self) -> Page:
        """Open a phone-sized page without signing in, noting what the Content-Security-Policy blocks."""
        page = self.browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()
        page.on("console", lambda message: self.refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page

    def fits(self, page: Page) -> None:
        """Fail when anything on the page runs wider than the phone."""
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _propose_by_the_rooms_link(story: ParticipationStory, office: Page) -> tuple[Page, str]:
    office.goto(f"{story.base}/platform/rooms/{_room_code(office, story)}")
    link = office.locator("figcaption a").get_attribute("href")
    assert link and link.endswith("?place=zhenglu-c1")
    expect(office.get_by_role("img", name=re.compile("二维码|QR"))).to_be_visible()
    story.shot(office, "room-qr")
    phone = story.phone()
    phone.goto(story.base + link)
    expect(phone.locator("#place")).to_have_value("zhenglu-c1")
    phone.fill("#title", TITLE)
    phone.fill("#description", "早高峰电动车和汽车混停，停车位不够，老人买菜不方便。")
    phone.select_option("#category", "livelihood")
    phone.fill("#contact", CONTACT)
    phone.fill("#answer", _answer(phone))
    story.shot(phone, "resident-proposes")
    story.fits(phone)
    phone.get_by_role("button", name="提交").click()
    number = phone.get_by_test_id("number").inner_text()
    assert re.fullmatch(r"GZ-[A-Z0-9]{10}", number)
    story.shot(phone, "tracking-number")
    return phone, number


def _room_code(office: Page, story: ParticipationStory) -> str:
    office.goto(story.base + "/platform/rooms")
    href = office.get_by_role("link", name="郑陆镇第一社区议事室").first.get_attribute("href")
    assert href
    return href.rstrip("/").rsplit("/", 1)[1]


def _merge_and_start(story: ParticipationStory, office: Page, number: str) -> int:
    office.get_by_role("link", name="议题建议").click()
    office.get_by_test_id(f"triage-{number}").click()
    similar = office.get_by_test_id("similar")
    similar.locator("label", has_text="郑陆菜场周边停车位不够").locator("input").check()
    office.get_by_role("button", name="合并到本条").click()
    expect(office.get_by_test_id("merged")).to_contain_text("郑陆菜场周边停车位不够")
    office.select_option("#t-level", "town")
    office.select_option("#t-town", "zhenglu")
    story.shot(office, "merged-start-topic")
    office.get_by_test_id("start-topic-button").click()
    office.wait_for_url(re.compile(r".*/(tasks|topics)/\d+$"))
    if "/tasks/" in office.url:
        office.get_by_role("link", name=TITLE).first.click()
    expect(office.get_by_test_id("topic-origin")).to_contain_text(number)
    return int(office.url.rstrip("/").rsplit("/", 1)[1])


def _open_deliberation(story: ParticipationStory, office: Page) -> str:
    office.get_by_test_id("deliberation-link").click()
    office.fill("#question", "菜场门口的停车位怎么增设？欢迎居民和委员出主意。")
    office.fill("#opens_at", "2026-03-02T08:00")
    office.fill("#closes_at", "2026-03-09T18:00")
    story.shot(office, "open-deliberation")
    office.get_by_role("button", name="开启网络议政").click()
    expect(office.get_by_test_id("deliberation-state")).to_have_text("进行中")
    office.fill("input[name=name]", "张阿姨")
    office.get_by_role("button", name="生成邀请链接").click()
    link = office.get_by_test_id("invitation-link").first.input_value()
    assert "/public/deliberation/" in link
    return link


def _deliberate(story: ParticipationStory, resident: Page, member: Page, link: str, board: str) -> None:
    member.goto(board)
    member.fill("#body", MEMBER_OPINION)
    member.get_by_role("button", name="发表").click()
    resident.goto(link)
    expect(resident.get_by_test_id("deliberation")).to_contain_text("张阿姨")
    resident.fill("#body", RESIDENT_OPINION)
    resident.get_by_role("button", name="发表").click()
    thread = resident.locator(".opinion-thread", has_text=MEMBER_OPINION)
    thread.locator("summary", has_text="回复").click()
    thread.locator("textarea").fill("同意，小学那边要和学校商量好时间。")
    thread.get_by_role("button", name="回复").click()
    expect(resident.locator(".opinion-reply")).to_contain_text("同意，小学那边")
    story.shot(resident, "resident-deliberates")
    story.fits(resident)


def _take_two(story: ParticipationStory, office: Page, board: str) -> None:
    office.goto(board)
    office.reload()  # the office's page was open since the invitation: read the opinions posted since
    for text in (RESIDENT_OPINION, MEMBER_OPINION):
        office.locator("[data-testid=opinion]", has_text=text).get_by_test_id("take").click()
    expect(office.get_by_test_id("taken")).to_have_count(2)
    story.shot(office, "two-taken")


def _minutes(story: ParticipationStory, session: Session, topic_id: int) -> None:
    session.rollback()  # see what the browser's requests committed
    topic = session.get(Topic, topic_id)
    assert topic is not None
    steps = town_path("tianning", "zhenglu")
    drive(session, topic, steps[: next(i for i, s in enumerate(steps) if s[0] == "submit_minutes")], NOW)
    task = session.scalar(select(TaskItem).where(TaskItem.topic_id == topic_id, TaskItem.bpmn_id == "submit_minutes",
                                                 TaskItem.status == TaskStatus.READY))
    assert task is not None
    committee = story.login("committee_zhenglu")
    committee.goto(f"{story.base}/tasks/{task.id}")
    taken = committee.get_by_test_id("taken-opinions")
    expect(taken).to_contain_text(RESIDENT_OPINION)
    expect(taken).to_contain_text(MEMBER_OPINION)
    committee.fill("#f-minutes", f"协商纪要：一、{RESIDENT_OPINION}二、{MEMBER_OPINION}")
    committee.select_option("#f-lead_unit", "zhenglu-gov")
    story.shot(committee, "minutes-with-opinions")
    committee.get_by_role("button", name="提交", exact=True).click()
    expect(committee.locator("h1")).to_contain_text("已提交")
    session.rollback()
    rest = [s for s in steps if s[0] in ("sign_receipt", "write_reply")]
    drive(session, topic, rest, NOW)


def _publish(story: ParticipationStory, office: Page, topic_id: int) -> None:
    office.goto(f"{story.base}/publication/{topic_id}")
    expect(office.locator("#summary")).to_contain_text(RESIDENT_OPINION)  # the summary starts from the minutes
    office.check("input[name=published]")
    story.shot(office, "publish")
    office.get_by_role("button", name="保存").click()


def test_a_resident_proposes_deliberates_and_finds_the_result_by_the_number(  # type: ignore[no-untyped-def]
        browser, server, clock, session: Session) -> None:  # noqa: F811
    with writing(session):
        rooms.register(session, user_named(session, "office_tianning"), "zhenglu-c1",
                       {"name": "郑陆镇第一社区议事室", "functions": ["opinion_point"]}, now=NOW)
    story = ParticipationStory(browser, server, clock)
    office = story.login("office_tianning")
    resident, number = _propose_by_the_rooms_link(story, office)
    member = story.login("member_tianning")
    _recommend(member, "member", "郑陆菜场周边停车位不够", "菜场周边停车难，电动车乱停，建议协商增设停车位。",
               place="zhenglu-c1")
    topic_id = _merge_and_start(story, office, number)
    story.shot(office, "topic-with-origin")
    link = _open_deliberation(story, office)
    board = office.url.split("#")[0]
    _deliberate(story, resident, member, link, board)
    _take_two(story, office, board)
    _minutes(story, session, topic_id)
    _publish(story, office, topic_id)

    resident.goto(f"{server}/public/propose")
    resident.fill("#number", number)
    resident.get_by_role("button", name="查询").click()
    expect(resident.get_by_test_id("status")).to_contain_text("已立为议题")
    expect(resident.get_by_test_id("topic-number")).to_have_text(f"#{topic_id}")
    expect(resident.locator("body")).not_to_contain_text(CONTACT)
    story.shot(resident, "looked-up-by-number")
    resident.get_by_test_id("topic-result").click()  # the number leads to the published result
    expect(resident.get_by_test_id("summary")).to_contain_text(RESIDENT_OPINION)
    expect(resident.get_by_test_id("reply")).to_contain_text("已制定实施方案")
    story.shot(resident, "result-by-number")
    resident.goto(f"{server}/public")
    result = resident.get_by_test_id(f"published-{topic_id}")
    expect(result).to_contain_text(TITLE)
    expect(result).to_contain_text(RESIDENT_OPINION)  # the minutes' summary carries the resident's opinion
    expect(result.get_by_test_id("reply")).to_contain_text("已制定实施方案")
    expect(resident.locator("body")).not_to_contain_text(CONTACT)
    story.shot(resident, "public-page")
    story.fits(resident)
    feed_href = resident.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    assert feed_href
    feed = resident.request.get(server + feed_href if feed_href.startswith("/") else feed_href)
    entry = next(e for e in ElementTree.fromstring(feed.body()).findall(f"{ATOM}entry")
                 if e.findtext(f"{ATOM}title") == TITLE)
    assert RESIDENT_OPINION in (entry.find(f"{ATOM}content").text or "")  # type: ignore[union-attr]
    assert CONTACT not in feed.text()
    assert story.refused == [], story.refused
