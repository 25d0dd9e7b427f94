"""A new user's walk in chromium, in English and in Chinese: inbox, task page, case page, notices and the
lists on a phone. Topics are brought to each step through the services; the screenshots are kept in
test-artifacts/screens/ (walk-en-*, walk-zh-*) and looked at."""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import NOW
from tests.factories import drive, start_topic
from tests.webui.test_browser import browser, server  # noqa: F401  (the fixtures)
from tests.webui.test_screens_browser import Screens, screens  # noqa: F401  (the fixture)
from workflows.demo.world import district_path

STEPS = district_path("tianning")
WORDS = {"en": {"language": "English", "submit": "Submit", "inbox": "My tasks", "task": "Handle and reply in writing",
                "topic": "Topic: 老旧小区加装电梯", "total": "1 item in all", "notice": "[New task] Rate the reply: ",
                "timeline": "Completed “Propose the topic”", "done": "Submitted: Handle and reply in writing",
                "next": "Rate the reply"},
         "zh": {"language": None, "submit": "提交", "inbox": "我的待办", "task": "办理并书面答复",
                "topic": "所属议题：老旧小区加装电梯", "total": "共 1 项", "notice": "【新待办】答复满意度测评：",
                "timeline": "完成「提交议题建议」", "done": "已提交：办理并书面答复", "next": "答复满意度测评"}}


def upto(bpmn_id: str) -> list:
    return STEPS[: [s[0] for s in STEPS].index(bpmn_id)]


def signed_in(story: Screens, username: str, locale: str, width: int = 1366, height: int = 860) -> Page:
    """Sign in and choose the language as a new user does, from the header."""
    page = story.login(username, width=width, height=height)
    if WORDS[locale]["language"] and page.locator("html").get_attribute("lang") != locale:
        page.get_by_role("button", name=WORDS[locale]["language"]).click()
        expect(page.locator("html")).to_have_attribute("lang", locale)
    return page


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_new_user_walks_one_topic(screens, session, locale):  # noqa: F811
    topic = start_topic(session, NOW, title="老旧小区加装电梯")
    drive(session, topic, upto("write_reply"), NOW)
    unit = signed_in(screens, "housing_tianning", locale)
    unit.goto(screens.base + "/")
    words = WORDS[locale]
    expect(unit.locator("h1").first).to_contain_text(words["inbox"])
    expect(unit.locator('tr[data-task="write_reply"] .title-cell')).to_have_text(words["task"])
    expect(unit.locator(".pager")).to_contain_text(words["total"])
    screens.shot(unit, f"walk-{locale}-inbox")
    unit.locator('tr[data-task="write_reply"]').get_by_role("link").first.click()
    expect(unit.locator("#task-form")).to_be_visible()
    expect(unit.locator("h1")).to_have_text(words["task"])
    expect(unit.locator("p.muted", has_text="老旧小区加装电梯").first).to_have_text(words["topic"])
    screens.shot(unit, f"walk-{locale}-task")
    unit.check('input[name="reply_class"][value="B"]')
    unit.fill("#f-reply", "已制定加装电梯实施方案，年内完成首批 10 部。")
    unit.get_by_role("button", name=WORDS[locale]["submit"], exact=True).click()
    expect(unit.locator("h1")).to_have_text(words["done"])
    expect(unit.get_by_test_id("next-steps")).to_contain_text(words["next"])
    screens.shot(unit, f"walk-{locale}-submitted")
    unit.goto(f"{screens.base}/topics/{topic.id}")
    expect(unit.get_by_test_id("diagram")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    expect(unit.get_by_test_id("timeline")).to_contain_text(words["timeline"])
    screens.shot(unit, f"walk-{locale}-case")

    office = signed_in(screens, "office_tianning", locale)
    office.get_by_test_id("notices").click()
    expect(office.locator(".notice", has_text="老旧小区加装电梯").first).to_contain_text(words["notice"])
    screens.shot(office, f"walk-{locale}-notices")
    phone = signed_in(screens, "office_tianning", locale, width=390, height=844)
    phone.goto(screens.base + "/")
    screens.shot(phone, f"walk-{locale}-phone-inbox")
    phone.goto(screens.base + "/topics/")
    screens.shot(phone, f"walk-{locale}-phone-topics")
    phone.goto(f"{screens.base}/topics/{topic.id}")
    screens.shot(phone, f"walk-{locale}-phone-case")
    phone.goto(screens.base + "/")
    phone.locator('tr[data-task="rate_reply"]').get_by_role("link").first.click()
    expect(phone.locator("#task-form")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    expect(phone.locator("#to")).to_have_value("")  # a transfer names its colleague; none is chosen for the user
    screens.shot(phone, f"walk-{locale}-phone-task")
    supervisor = signed_in(screens, "supervisor_tianning", locale, width=390, height=844)
    supervisor.goto(screens.base + "/supervision/tasks")
    screens.shot(supervisor, f"walk-{locale}-phone-supervision")
    assert screens.refused == []
