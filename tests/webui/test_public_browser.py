"""A resident on a phone-sized page: opens the form by a room's link (its place preselected), proposes a topic,
answers the check question, gets a tracking number and looks the proposal up by it; the office answers and the
resident sees the answer. Screenshots are kept in test-artifacts/public/.
"""
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "public"
PHONE = {"width": 390, "height": 844}


class PublicStory(Story):
    """The browser story, its screenshots kept apart from the topic's."""

    folder = ARTIFACTS

    def phone(self):  # type: ignore[no-untyped-def]
        """Open a phone-sized page without signing in, noting what the Content-Security-Policy blocks."""
        page = self.browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True).new_page()
        page.on("console", lambda message: self.refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        return page


def _answer(page) -> str:  # type: ignore[no-untyped-def]
    found = re.search(r"(\d) \+ (\d) = \?", page.locator("label[for=answer]").inner_text())
    assert found
    return str(int(found.group(1)) + int(found.group(2)))


def test_a_resident_proposes_from_a_phone_and_looks_it_up_by_number(  # type: ignore[no-untyped-def]
        browser, server, clock) -> None:  # noqa: F811
    story = PublicStory(browser, server, clock)
    phone = story.phone()
    phone.goto(f"{server}/public/propose?place=zhenglu-c1")
    expect(phone.locator("#place")).to_have_value("zhenglu-c1")
    phone.fill("#title", "郑陆镇第一社区菜场门口停车难")
    phone.fill("#description", "早高峰电动车和汽车混停，老人买菜不方便，希望协商规划停车位。")
    phone.select_option("#category", "livelihood")
    phone.fill("#contact", "13812345678")
    phone.fill("#answer", "0")  # a wrong answer: refused, what was typed stays
    phone.get_by_role("button", name="提交").click()
    expect(phone.locator("#e-answer")).to_contain_text("请正确回答验证问题")
    expect(phone.locator("#title")).to_have_value("郑陆镇第一社区菜场门口停车难")
    story.shot(phone, "check-refused")
    phone.fill("#answer", _answer(phone))
    story.shot(phone, "propose")
    phone.get_by_role("button", name="提交").click()
    number = phone.get_by_test_id("number").inner_text()
    assert re.fullmatch(r"GZ-[A-Z0-9]{10}", number)
    expect(phone.get_by_test_id("status")).to_have_text("已收到")
    expect(phone.locator("body")).not_to_contain_text("13812345678")
    story.shot(phone, "tracking-number")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # nothing runs off a phone

    office = story.login("office_tianning")
    office.get_by_role("link", name="议题建议").click()
    card = office.get_by_test_id(f"queued-{number}")
    expect(card).to_contain_text("留有联系方式")  # the list says there is one; the item's page shows it, audited
    expect(card).not_to_contain_text("13812345678")
    card.locator("textarea").fill("已转郑陆镇政府，列入本季度停车位规划。")
    story.shot(office, "office-queue")
    card.get_by_role("button", name="答复").click()

    later = story.phone()
    later.goto(f"{server}/public/propose")
    later.fill("#number", number)
    later.get_by_role("button", name="查询").click()
    expect(later.get_by_test_id("status")).to_have_text("已答复")
    expect(later.get_by_test_id("answer")).to_have_text("已转郑陆镇政府，列入本季度停车位规划。")
    expect(later.locator("body")).not_to_contain_text("13812345678")
    story.shot(later, "looked-up")
    assert story.refused == []  # nothing the Content-Security-Policy blocked
