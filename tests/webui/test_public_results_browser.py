"""On a phone-sized page: a resident opens the form by the district's link, is stopped by the browser's photo
check, proposes with a photo, follows by e-mail; the office opens it (under review), publishes the photo and
answers; the office publishes an answered topic as a typical case; the resident reads the public results page
(plan, typical case, feedback, suggestions), searches it, reads the Atom feed it links, and finds the proposal
again by e-mail and a one-time code sent over a real SMTP server on loopback. Screenshots in
test-artifacts/public-results/.
"""
import io
import re
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from models import Topic
from tests.receivers import Mailbox, mailbox  # noqa: F401  (fixture)
from tests.webui.test_browser import browser, server  # noqa: F401  (fixtures)
from tests.webui.test_public_browser import PHONE, PublicStory, _answer
from tests.webui.test_public_results import answered  # noqa: F401  (fixture)
from tests.webui.test_public_tracking import _deliver

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "public-results"
ATOM = "{http://www.w3.org/2005/Atom}"
EMAIL = "liu@example.org"


class ResultsStory(PublicStory):
    """The phone story with its screenshots in their own folder."""

    folder = ARTIFACTS


def _photo(path: Path, color: tuple[int, int, int]) -> Path:
    image = Image.new("RGB", (1200, 900), color)
    for x in range(0, 1200, 60):  # a pattern, so the photo is visibly a photo in the screenshots
        image.paste((255, 255, 255), (x, 0, x + 20, 900))
    out = io.BytesIO()
    image.save(out, format="JPEG")
    path.write_bytes(out.getvalue())
    return path


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing runs off a phone


def test_a_resident_proposes_with_a_photo_follows_and_reads_the_public_results(  # type: ignore[no-untyped-def]
        browser, server, clock, app, session: Session, answered: Topic,  # noqa: F811
        mailbox: tuple[Mailbox, int], tmp_path: Path) -> None:  # noqa: F811
    box, port = mailbox
    app.config["EMAIL_CODES"] = True
    story = ResultsStory(browser, server, clock)
    phone = story.phone()
    phone.goto(f"{server}/public/propose?place=tianning")
    expect(phone.locator("#place")).to_have_value("tianning")
    phone.fill("#title", "天宁区公园夜间照明不足")
    phone.fill("#description", "公园北门步道晚上很暗，老人散步容易摔倒。")
    phone.select_option("#category", "livelihood")
    phone.fill("#contact", EMAIL)
    phone.fill("#answer", _answer(phone))
    photos = [_photo(tmp_path / f"p{n}.jpg", (40 * n, 90, 120)) for n in range(4)]
    phone.set_input_files("#photos", [str(p) for p in photos])  # four: the browser refuses before sending
    expect(phone.locator("#e-photos")).to_be_visible()
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#e-photos")).to_contain_text("照片最多 3 张")
    assert "/public/propose" in phone.url
    story.shot(phone, "photo-check")
    phone.set_input_files("#photos", [str(photos[0])])
    expect(phone.locator("#e-photos")).to_be_hidden()
    phone.get_by_role("button", name="提交").click()
    number = phone.get_by_test_id("number").inner_text()
    expect(phone.get_by_test_id("public-photos")).to_have_count(0)  # not public before the office says so
    phone.fill("#email", "neighbour@example.org")
    phone.get_by_role("button", name="关注").click()
    expect(phone.get_by_role("status").last).to_contain_text("确认邮件已发送")
    expect(phone.locator("body")).not_to_contain_text(EMAIL)
    _deliver(session, port)
    assert box.wait_for(1, timeout=30) and box.messages[0]["To"] == "neighbour@example.org"
    confirm = re.search(r"http://\S+/follow/\S+", box.messages[0].get_content())
    assert confirm and confirm.group(0).startswith(server)
    phone.goto(confirm.group(0))  # the neighbour opens the mailed link: only now does the address follow
    phone.get_by_role("button", name="确认关注").click()
    expect(phone.get_by_role("status").last).to_contain_text("已关注")
    story.shot(phone, "following")
    _fits(phone)

    office = story.login("office_tianning")
    office.goto(f"{server}/proposals/{number}")
    expect(office.get_by_test_id("item-status")).to_have_text("审核中")  # opened: under review
    expect(office.get_by_test_id("office-photos").locator("img")).to_have_count(1)
    office.get_by_test_id("publish-photo").click()
    expect(office.get_by_test_id("office-photos")).to_contain_text("已公开")
    office.locator("textarea[name=answer]").fill("已请园林部门本月增设路灯。")
    story.shot(office, "office-item")
    office.get_by_role("button", name="答复", exact=True).click()

    office.goto(f"{server}/publication")
    office.get_by_test_id(f"publication-{answered.id}").get_by_role("link").click()
    expect(office.locator("#summary")).to_have_value(re.compile("形成协商纪要"))  # starts from the minutes
    office.check("input[name=published]")
    office.fill("#summary", "协商形成三条建议：加装电梯补贴、施工协调、后续维护。")
    office.check("input[name=typical]")
    office.fill("#typical_note", "居民议事会先议后办，三个小区同步推进。")
    story.shot(office, "publish-form")
    office.get_by_role("button", name="保存").click()
    expect(office.get_by_test_id(f"publication-{answered.id}")).to_contain_text("已公开")

    reader = story.phone()
    reader.goto(f"{server}/public/propose")
    reader.locator("a.brand").click()  # the brand takes a visitor to the public results
    expect(reader.get_by_test_id("public-results")).to_be_visible()
    expect(reader.get_by_test_id(f"typical-{answered.id}")).to_contain_text("居民议事会先议后办")
    expect(reader.get_by_test_id("plan")).to_contain_text("6 月")
    card = reader.get_by_test_id(f"published-{answered.id}")
    expect(card.get_by_test_id("reply")).to_contain_text("B 类：正在解决")
    expect(card.get_by_test_id("suggestion")).to_contain_text("40%")
    assert reader.locator('link[rel=alternate][type="application/atom+xml"]').count() == 1
    _fits(reader)
    story.shot(reader, "public-results")
    reader.fill("#q", "停车")
    reader.get_by_role("button", name="搜索").click()
    expect(reader.get_by_test_id("no-results")).to_be_visible()
    reader.fill("#q", "电梯")
    reader.get_by_role("button", name="搜索").click()
    expect(reader.get_by_test_id(f"published-{answered.id}")).to_be_visible()
    story.shot(reader, "search")
    feed_url = reader.locator('link[rel=alternate][type="application/atom+xml"]').get_attribute("href")
    feed = reader.request.get(f"{server}{feed_url}")
    assert feed.ok and feed.headers["content-type"].startswith("application/atom+xml")
    entries = ElementTree.fromstring(feed.body()).findall(f"{ATOM}entry")
    assert answered.title in [e.findtext(f"{ATOM}title") for e in entries]
    reader.get_by_test_id(f"published-{answered.id}").get_by_role("link").first.click()
    expect(reader.get_by_test_id("stage")).to_be_visible()
    story.shot(reader, "public-topic")

    reader.goto(f"{server}/public/proposals/{number}")
    expect(reader.get_by_test_id("status")).to_have_text("已答复")
    expect(reader.get_by_test_id("public-photos").locator("img")).to_have_count(1)
    story.shot(reader, "answered-with-photo")
    _deliver(session, port)
    assert box.wait_for(5, timeout=30)  # under review and answered, each to the proposer and the follower
    told = sorted(m["To"] for m in box.messages[1:])
    assert told == [EMAIL, EMAIL, "neighbour@example.org", "neighbour@example.org"]

    reader.goto(f"{server}/public/lookup")
    reader.fill("#contact", EMAIL)
    reader.get_by_role("button", name="发送验证码").click()
    expect(reader.get_by_test_id("sent")).to_be_visible()
    _deliver(session, port)
    assert box.wait_for(6, timeout=30)
    code = re.search(r"\b(\d{6})\b", box.messages[-1].get_content())
    assert code and box.messages[-1]["To"] == EMAIL
    reader.fill("#code", "000000" if code.group(1) != "000000" else "111111")
    reader.get_by_role("button", name="查询").click()
    expect(reader.locator("#e-code")).to_contain_text("验证码无效或已过期")
    reader.fill("#code", code.group(1))
    reader.get_by_role("button", name="查询").click()
    expect(reader.get_by_test_id("found")).to_contain_text(number)
    story.shot(reader, "looked-up-by-code")
    _fits(reader)
    assert story.refused == []  # nothing the Content-Security-Policy blocked
