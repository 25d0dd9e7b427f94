"""One whole topic in a real browser (Debian chromium, headless) against a real server on 127.0.0.1.

An office clerk proposes it, the chairs' meeting approves, the committee researches (with a
report file), consults and submits minutes, the lead unit signs and replies, the clerk rates the
reply unsatisfied, the unit replies again; the clock moves on, a supervisor sees the topic red on
the dashboard and escalates it, and the clerk finds the escalation among the notifications. A
screenshot of every screen is kept in test-artifacts/webui/.
"""
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect, sync_playwright
from werkzeug.serving import make_server

from workflows.demo import world as demo

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "webui"
TITLE = "老旧小区加装电梯协商"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 from a thread; return its base URL."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)
    httpd.server_close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """Launch Debian's chromium headless."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


class Story:
    """The people of the story, each in a browser context of their own, and the screenshots.

    A story of another area keeps its screenshots apart by naming its own ``folder``.
    """

    folder = ARTIFACTS

    def __init__(self, browser: Browser, base: str, clock) -> None:  # type: ignore[no-untyped-def]
        self.browser, self.base, self.clock, self.shots = browser, base, clock, 0
        self.refused: list[str] = []  # what the Content-Security-Policy blocked, on any page of the story

    def shot(self, page: Page, name: str) -> None:
        """Save a full-page screenshot, numbered in story order."""
        self.shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.folder / f"{self.shots:02d}-{name}.png"), full_page=True)

    def login(self, username: str, width: int = 1366, height: int = 860) -> Page:
        """Open a fresh context and sign in (with the TOTP code where the user needs one)."""
        page = self.browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN").new_page()
        page.on("console", lambda message: self.refused.append(f"{page.url}: {message.text}")
                if "Content Security Policy" in message.text else None)
        page.goto(self.base + "/login")
        page.fill("#username", username)
        page.fill("#password", "Demo-2026-pass")
        page.click("button.primary")
        if page.url.endswith("/login/code"):
            page.fill("#code", pyotp.TOTP(demo.demo_totp_secret(username)).at(self.clock()))
            page.click("button.primary")
        expect(page.locator(".who")).to_be_visible()
        return page

    def open_task(self, page: Page, bpmn_id: str) -> None:
        """Open this topic's task from the inbox."""
        page.goto(self.base + "/")
        page.locator(f'tr[data-task="{bpmn_id}"]', has_text=TITLE).get_by_role("link").first.click()
        expect(page.locator("#task-form")).to_be_visible()

    def submit(self, page: Page, name: str, next_step: str | None) -> None:
        """Screenshot the filled form, submit it and check the next step shown."""
        self.shot(page, f"{name}-form")
        page.get_by_role("button", name="提交", exact=True).click()
        expect(page.locator("h1")).to_contain_text("已提交")
        if next_step:
            expect(page.get_by_test_id("next-steps")).to_contain_text(next_step)
        self.shot(page, f"{name}-done")


def test_one_topic_from_proposal_to_escalation(browser, server, clock):
    story = Story(browser, server, clock)
    office = story.login("office_tianning")
    story.shot(office, "office-inbox")

    office.goto(server + "/topics/new")
    office.fill("#title", TITLE)
    office.fill("#description", "小区居民反映上下楼难，希望协商推动加装电梯。")
    office.select_option("#category", "livelihood")
    office.select_option("#source", "public")
    office.select_option("#platform_level", "district")
    office.fill("#contact_name", "王阿姨")
    office.fill("#contact_phone", "13900001111")
    story.shot(office, "new-topic")
    office.get_by_role("button", name="提交议题").click()
    expect(office.locator("h1")).to_have_text("提交议题建议")
    office.fill("#f-rationale", "涉及 3 个小区 600 余户，群众呼声强烈。")
    office.select_option("#f-committee", "tianning-cmt-social")
    office.check('input[name="sensitive"][value="false"]')
    story.submit(office, "proposal", "主席会议审议")

    chair = story.login("chair_tianning")
    story.open_task(chair, "chairs_review")
    chair.get_by_role("button", name="提交", exact=True).click()  # nothing chosen: the server names the field
    expect(chair.locator("#f-approved-error")).to_be_visible()
    story.shot(chair, "chairs-review-error")
    chair.check('input[name="approved"][value="true"]')
    chair.fill("#f-opinion", "同意列入协商议题。")
    story.submit(chair, "chairs-review", "党委审定")

    story.open_task(office, "party_approval")
    office.check('input[name="approved"][value="true"]')
    story.submit(office, "party-approval", "列入年度协商计划")
    story.open_task(office, "enter_annual_plan")
    office.fill("#f-plan_year", "2026")
    office.fill("#f-planned_month", "5")
    story.submit(office, "annual-plan", "深入调研")

    committee = story.login("committee_tianning")
    story.open_task(committee, "research")
    committee.fill("#f-research_report", "走访住户 120 户，召开座谈会 3 次。")
    committee.set_input_files("#f-report_file", files=[{"name": "调研报告.pdf", "mimeType": "application/pdf",
                                                         "buffer": PDF}])
    story.submit(committee, "research", "提前发送协商材料")
    story.open_task(committee, "send_materials")
    committee.fill("#f-participants", "委员 8 名，居民代表 6 名，住建局、街道。")
    committee.fill("#f-materials_sent_on", "2026-03-10")
    story.submit(committee, "send-materials", "召开协商会议")
    story.open_task(committee, "hold_meeting")
    committee.check('input[name="meeting_form"][value="on_site"]')
    committee.fill("#f-held_on", "2026-03-20")
    committee.fill("#f-departments_answered", "住建局现场回应补贴政策和审批流程。")
    story.submit(committee, "hold-meeting", "报送协商纪要")
    story.open_task(committee, "submit_minutes")
    committee.fill("#f-minutes", "一、简化审批；二、加大补贴；三、街道牵头协调低层住户。")
    committee.select_option("#f-lead_unit", "tianning-housing")
    story.submit(committee, "minutes", "签收")

    unit = story.login("housing_tianning")
    story.shot(unit, "unit-inbox")
    unit.locator('tr[data-task="sign_receipt"]', has_text=TITLE).get_by_role("button", name="签收").click()
    expect(unit.get_by_test_id("next-steps")).to_contain_text("办理并书面答复")
    story.shot(unit, "signed-from-inbox")
    story.open_task(unit, "write_reply")
    unit.check('input[name="reply_class"][value="B"]')
    unit.fill("#f-reply", "已制定加装电梯实施方案，年内完成首批 10 部。")
    story.submit(unit, "reply", "答复满意度测评")

    story.open_task(office, "rate_reply")
    office.check('input[name="rating"][value="unsatisfied"]')
    office.fill("#f-rating_note", "补贴标准不明确，请细化。")
    story.submit(office, "rate-unsatisfied", "办理并书面答复")

    story.open_task(unit, "write_reply")
    unit.check('input[name="reply_class"][value="A"]')
    unit.fill("#f-reply", "补贴标准已明确为每部 20 万元，首批 10 部已开工。")
    story.submit(unit, "reply-again", "答复满意度测评")

    office.goto(server + "/")
    office.locator("a", has_text=TITLE).first.click()
    expect(office.get_by_test_id("diagram")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    expect(office.locator(".djs-element.done").first).to_be_attached()
    expect(office.get_by_test_id("reply")).to_have_count(2)
    story.shot(office, "case-page")
    office.locator("[data-diagram]").nth(1).click()
    expect(office.locator(".djs-element.current")).to_have_count(1)
    story.shot(office, "case-page-called-diagram")

    clock.advance(days=40)
    supervisor = story.login("supervisor_tianning")
    supervisor.goto(server + "/supervision/")
    expect(supervisor.get_by_test_id("red-count")).not_to_have_text("0")
    supervisor.wait_for_timeout(300)  # let ECharts finish drawing before the screenshot
    story.shot(supervisor, "dashboard-red")
    supervisor.locator(".figure.red").click()
    row = supervisor.locator('tr[data-task="rate_reply"]', has_text=TITLE)
    expect(row.locator(".badge-red").first).to_be_visible()
    story.shot(supervisor, "red-list")
    row.locator('input[name="reason"]').fill("已超期，请三日内完成测评。")
    row.get_by_role("button", name="督办").click()
    expect(supervisor.locator(".flash-success")).to_be_visible()
    story.shot(supervisor, "escalated")
    supervisor.locator("a", has_text=TITLE).first.click()
    expect(supervisor.get_by_test_id("timeline")).to_contain_text("已超期，请三日内完成测评。")
    story.shot(supervisor, "case-escalated")

    office = story.login("office_tianning")
    office.get_by_test_id("notices").click()
    expect(office.locator(".notice", has_text="【督办】")).to_contain_text("已超期，请三日内完成测评。")
    story.shot(office, "office-notified")

    tablet = story.login("office_tianning", width=820, height=1180)
    story.shot(tablet, "tablet-inbox")
    tablet.locator("a", has_text=TITLE).first.click()
    expect(tablet.get_by_test_id("diagram")).to_have_attribute("data-loaded", re.compile(r"\d+"))
    story.shot(tablet, "tablet-case-page")
    assert story.refused == []
