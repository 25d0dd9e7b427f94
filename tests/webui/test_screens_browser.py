"""The screens a clerk and a unit use every day, in a real browser, each defect fixed seen on screen.

Topics are brought to the right step through the services, then each person opens the page in
Debian chromium; the screenshots are kept in test-artifacts/screens/.
"""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Event
from models.database import writing
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from tests.webui.test_browser import Story, browser, server  # noqa: F401  (the fixtures)
from workflows.deadlines import extension_requests as extensions
from workflows.demo.world import district_path, user_named

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"
STEPS = district_path("tianning")


def upto(bpmn_id: str) -> list:
    """Return the demo path's steps before the first ``bpmn_id``."""
    return STEPS[: [s[0] for s in STEPS].index(bpmn_id)]


class Screens(Story):
    """A Story whose screenshots go to test-artifacts/screens/ under a given name."""

    def shot(self, page: Page, name: str) -> None:
        """Save a full-page screenshot named for what it shows."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def screens(browser, server, clock):  # noqa: F811
    return Screens(browser, server, clock)


def test_a_double_pressed_submit_completes_once_and_shows_the_result(screens, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    clerk = screens.login("office_tianning")
    second_tab = clerk.context.new_page()
    for page in (clerk, second_tab):
        page.goto(f"{screens.base}/tasks/{item.id}")
        page.fill("#f-rationale", "涉及 3 个小区 600 余户。")
        page.select_option("#f-committee", "tianning-cmt-social")
        page.check('input[name="sensitive"][value="false"]')
    clerk.get_by_role("button", name="提交", exact=True).dblclick()
    expect(clerk.locator("h1")).to_contain_text("已提交")
    screens.shot(clerk, "double-submit-done")
    session.commit()
    assert len(session.scalars(select(Event).where(Event.task_item_id == item.id,
                                                   Event.kind == "task_completed")).all()) == 1
    second_tab.get_by_role("button", name="提交", exact=True).click()  # another render of the form: a real conflict
    expect(second_tab.get_by_test_id("error-message")).to_contain_text("该事项已由天宁区政协办公室于")
    screens.shot(second_tab, "double-submit-other-tab-409")


def test_a_form_left_with_changes_asks_first(screens, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    clerk = screens.login("office_tianning")
    clerk.goto(f"{screens.base}/tasks/{item.id}")
    clerk.fill("#f-rationale", "还没写完")
    asked = []
    clerk.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    with pytest.raises(PlaywrightError):  # the clerk chose to stay: the navigation is aborted
        clerk.goto(f"{screens.base}/topics/")
    assert asked == ["beforeunload"]
    expect(clerk.locator("#f-rationale")).to_have_value("还没写完")


def test_a_rehandling_task_shows_why_and_what_was_replied(screens, session, tmp_path):
    topic = start_topic(session, NOW)
    drive(session, topic, upto("write_reply"), NOW)
    first = open_task(session, topic, "write_reply")
    unit, office = user_named(session, "housing_tianning"), user_named(session, "office_tianning")
    with writing(session):
        ext = extensions.request(session, unit, first.id, (first.due_at + timedelta(days=60)).date().isoformat(),
                                 "需协调资金", now=NOW)
        extensions.decide(session, office, ext.id, True, "同意", now=NOW)
    reply = {"reply_class": "B", "reply": "年内完成首批改造。"}
    rating = {"rating": "unsatisfied", "rating_note": "未说明资金来源"}
    drive(session, topic, [("write_reply", "housing_tianning", reply), ("rate_reply", "office_tianning", rating)],
          NOW + timedelta(days=2))
    again = open_task(session, topic, "write_reply")
    handler = screens.login("housing_tianning")
    handler.goto(f"{screens.base}/notifications")
    screens.shot(handler, "rehandling-notice")
    handler.locator(".notice", has_text="退回重办").get_by_test_id("open-task").click()
    expect(handler).to_have_url(f"{screens.base}/tasks/{again.id}")
    box = handler.get_by_test_id("rehandling")
    expect(box).to_contain_text("未说明资金来源")
    expect(box).to_contain_text("年内完成首批改造。")
    context = handler.get_by_test_id("context")
    expect(context).to_contain_text("群众反映强烈")
    context.locator('details[data-step="submit_minutes"] > summary').click()
    expect(context.locator('details[data-step="submit_minutes"]')).to_contain_text("形成协商纪要")
    screens.shot(handler, "rehandling-task")


def test_a_closed_topic_and_its_timeline(screens, session):
    topic = start_topic(session, NOW)
    drive(session, topic, STEPS, NOW)
    clerk = screens.login("office_tianning")
    clerk.goto(f"{screens.base}/topics/{topic.id}")
    expect(clerk.get_by_test_id("topic-stage")).to_have_text("已办结")
    expect(clerk.get_by_test_id("timeline").get_by_test_id("due-then").first).to_contain_text("时限")
    screens.shot(clerk, "closed-topic")
    clerk.goto(f"{screens.base}/topics/?status=closed")
    expect(clerk.get_by_test_id("topics").get_by_test_id("topic-stage").first).to_have_text("已办结")
    screens.shot(clerk, "closed-topic-list")


def test_an_oversized_or_forbidden_upload_is_refused_before_sending(screens, session):
    topic = start_topic(session, NOW)
    drive(session, topic, upto("research"), NOW)
    research = open_task(session, topic, "research")
    committee = screens.login("committee_tianning")
    committee.goto(f"{screens.base}/tasks/{research.id}")
    sent = []
    committee.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    committee.set_input_files("#f-report_file", files=[{"name": "调研报告.pdf", "mimeType": "application/pdf",
                                                       "buffer": b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1)}])
    expect(committee.locator("#f-report_file-check")).to_have_text("文件不得超过 10 MB，请压缩或拆分后再上传。")
    committee.fill("#f-research_report", "走访住户 120 户。")
    committee.get_by_role("button", name="提交", exact=True).click()
    committee.set_input_files("#file", files=[{"name": "报告.exe", "mimeType": "application/octet-stream",
                                               "buffer": b"MZ"}])
    expect(committee.locator("#file-check")).to_have_text("只接受 PDF、Word、ODT、PNG、JPG 文件。")
    committee.get_by_role("button", name="上传", exact=True).click()
    screens.shot(committee, "upload-refused-in-browser")
    assert sent == [] and committee.url.endswith(f"/tasks/{research.id}")
    expect(committee.locator("#f-research_report")).to_have_value("走访住户 120 户。")


def test_on_a_phone_the_inbox_is_cards_with_deadline_and_action_and_the_diagram_goes_full_screen(screens, session):
    for title in ("老旧小区加装电梯", "背街小巷停车难"):
        start_topic(session, NOW, title=title)
    clerk = screens.login("office_tianning", width=390, height=844)
    card = clerk.locator('table[data-testid="inbox"] tbody tr').first
    expect(card.locator("td.due")).to_be_visible()
    expect(card.get_by_role("button", name="认领")).to_be_visible()
    box = card.bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] > 100  # a card, not a squeezed row
    assert clerk.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off the side
    screens.shot(clerk, "phone-inbox-cards")
    clerk.locator('table[data-testid="inbox"] tbody tr').first.get_by_role("link").first.click()
    expect(clerk.locator("#task-form")).to_be_visible()
    clerk.get_by_role("link", name="老旧小区加装电梯").click()
    expect(clerk.get_by_test_id("diagram")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    clerk.get_by_test_id("fullscreen").click()
    clerk.wait_for_function("document.fullscreenElement && document.fullscreenElement.id === 'diagram'")
    expect(clerk.locator("#diagram text.djs-label", has_text="政协办公室").first).to_be_visible()
    screens.shot(clerk, "phone-diagram-fullscreen")


def test_lists_search_sort_and_bulk_claim_in_the_browser(screens, session):
    for title in ("老旧小区加装电梯", "背街小巷停车难", "社区养老助餐点"):
        start_topic(session, NOW, title=title)
    clerk = screens.login("office_tianning")
    clerk.get_by_test_id("search").fill("停车")
    clerk.get_by_role("button", name="筛选", exact=True).click()
    expect(clerk.locator('table[data-testid="inbox"] tbody tr')).to_have_count(1)
    clerk.goto(f"{screens.base}/")
    clerk.get_by_role("link", name="议题", exact=True).first.click()
    clerk.locator('th a.sort', has_text="议题").click()
    expect(clerk.locator('th[aria-sort="ascending"]')).to_have_count(1)
    clerk.goto(f"{screens.base}/")
    clerk.locator('input[data-check-all="task"]').check()
    clerk.get_by_role("button", name="批量认领").click()
    expect(clerk.locator(".flash-success")).to_contain_text("已认领 3 项任务")
    screens.shot(clerk, "inbox-bulk-claimed")


def test_the_case_file_page_and_its_print_preview(screens, session):
    topic = start_topic(session, NOW)
    drive(session, topic, STEPS, NOW)
    clerk = screens.login("office_tianning")
    clerk.goto(f"{screens.base}/topics/{topic.id}")
    casefile = clerk.get_by_test_id("casefile")
    casefile.locator('details[data-step="write_reply"] > summary').click()
    expect(casefile.locator('details[data-step="write_reply"]')).to_contain_text("B 类：正在解决")
    expect(clerk.locator("#diagram text.djs-label", has_text="主席会议").first).to_be_visible()
    screens.shot(clerk, "casefile-page")
    clerk.goto(f"{screens.base}/topics/{topic.id}/casefile.pdf?preview=1")
    expect(clerk.locator(".org")).to_have_text("天宁区政协")
    # The print styles apply under the Content-Security-Policy: the masthead red and centred, the rule drawn.
    expect(clerk.locator(".org")).to_have_css("color", "rgb(187, 0, 0)")
    expect(clerk.locator(".org")).to_have_css("text-align", "center")
    expect(clerk.locator(".rule")).to_have_css("border-bottom-style", "solid")
    expect(clerk.locator("th").first).to_have_css("background-color", "rgb(242, 242, 242)")
    assert screens.refused == []
    screens.shot(clerk, "casefile-print-preview")


def test_errors_in_english_keep_what_was_typed(screens, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    clerk = screens.login("office_tianning")
    clerk.get_by_role("button", name="English").click()
    clerk.goto(f"{screens.base}/tasks/{item.id}")
    clerk.fill("#f-rationale", "")
    clerk.fill("#requested_to", "2026-01-05")
    clerk.fill("#ext-reason", "Waiting for the budget")
    clerk.get_by_role("button", name="Request an extension").click()
    expect(clerk.locator("#requested_to-error")).to_contain_text("Must be after the current deadline")
    expect(clerk.locator("#ext-reason")).to_have_value("Waiting for the budget")
    screens.shot(clerk, "english-extension-error")
