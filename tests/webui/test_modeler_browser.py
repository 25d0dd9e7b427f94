"""The process administrator's work in a real browser (Playwright driving Debian's chromium).

A live server on 127.0.0.1 serves this test's database; administrators sign in with the demo
password and their TOTP code. The last test is the issue's acceptance: in the browser only, one
district's written-feedback deadline is shortened, deployed, approved, its running topics are
moved, and the handling unit sees the new deadline in its inbox.
"""
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from engine.diagrams import diff as diagram_diff
from engine.time.calendar import SHANGHAI
from models import TaskItem, Topic
from tests.factories import drive, open_task, start_topic
from webui import create_app
from workflows.demo import world as demo
from workflows.demo.world import district_path
from workflows.topics import lifecycle as topics

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is installed by `make test`")


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Serve the app on this test's database at a free port of 127.0.0.1; return its base URL."""
    app = create_app({"DATABASE_URL": db_url, "DEMO": True, "SESSION_COOKIE_SECURE": False, "SECRET_KEY": "browser",
                      "ATTACHMENT_DIR": str(tmp_path / "attachments")})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join()
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def signed_in(browser: Browser, base: str, username: str) -> Page:
    """Open a fresh browser context and sign in (with the TOTP code where the role needs one)."""
    page = browser.new_context(base_url=base, viewport={"width": 1500, "height": 1000}).new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "Demo-2026-pass")
    page.click("button[type=submit]")
    if page.url.endswith("/login/code"):
        page.fill("#code", pyotp.TOTP(demo.demo_totp_secret(username)).now())
        page.click("button[type=submit]")
    expect(page.locator(".usermenu .who")).to_be_visible()
    return page


def open_modeler(page: Page, process_id: str) -> None:
    """From the process list, start a draft from version 1 of a process and wait for the modeler."""
    page.goto("/admin/")
    page.click(f"[data-testid=edit-{process_id}-v1]")
    expect(page.locator("#modeler-root[data-loaded=true]")).to_have_count(1)


def field(page: Page, group_id: str, entry_id: str):  # type: ignore[no-untyped-def]
    """Return an entry's input in the properties panel, opening its group if it is folded."""
    group = page.locator(f"[data-group-id=group-{group_id}]")
    expect(group).to_have_count(1)
    entry = group.locator(f"#bio-properties-panel-{entry_id}")
    if not entry.is_visible():
        group.locator(".bio-properties-panel-group-header").click()
    expect(entry).to_be_visible()
    return entry


def edit_task(page: Page, task_id: str, name: str | None = None, clock: str | None = None) -> None:
    """Select a task on the canvas and change its name and clock in the properties panel."""
    page.click(f".djs-element[data-element-id={task_id}]")
    if name is not None:
        field(page, "general", "name").fill(name)
    if clock is not None:
        field(page, "shangliang", "shangliang-clock").fill(clock)
    page.keyboard.press("Tab")
    expect(page.locator("[data-testid=save-state]")).to_contain_text("未保存")


def validate_and_deploy(page: Page, note: str, districts: list[str]) -> str:
    """Validate (expecting no problems), then deploy bound to the districts; return the version page URL."""
    page.click("[data-testid=validate]")
    expect(page.locator("[data-testid=valid]")).to_be_visible()
    page.fill("#deploy-note", note)
    for code in districts:
        page.check(f"[data-testid=bind-{code}]" if code != "default" else "input[name=bind_to][value=default]")
    page.click("[data-testid=deploy]")
    expect(page.locator("[data-testid=version-status]")).to_have_text("待审批")
    return page.url


def approve(browser: Browser, base: str, version_url: str) -> Page:
    """Sign in as the second administrator and approve the pending version."""
    reviewer = signed_in(browser, base, "admin2")
    reviewer.goto(version_url)
    reviewer.fill("#approve-note", "已核对")
    reviewer.click("[data-testid=approve]")
    expect(reviewer.locator("[data-testid=version-status]")).to_have_text("已生效")
    return reviewer


def test_validation_problems_are_marked_on_the_diagram(browser, server):
    page = signed_in(browser, server, "admin")
    open_modeler(page, "topic_path")
    edit_task(page, "write_reply", clock="soon")
    page.click("[data-testid=validate]")
    problem = page.locator("[data-testid=problems] li[data-element=write_reply]")
    expect(problem).to_contain_text("时限属性 clock 的值“soon”无效：应为整数加 wd（工作日）或 m（月）")
    expect(page.locator(".djs-element.problem[data-element-id=write_reply]")).to_have_count(1)
    expect(page.locator(".problem-badge")).to_have_count(1)


def test_every_bundled_diagram_survives_the_modeler(browser, server):
    page = signed_in(browser, server, "admin")
    open_modeler(page, "topic_path")
    for path in sorted(BPMN.rglob("*.bpmn")):
        original = path.read_bytes()
        exported = page.evaluate(
            """async (xml) => { await window.shangliangModeler.importXML(xml);
                               return (await window.shangliangModeler.saveXML({ format: true })).xml; }""",
            original.decode())
        result = diagram_diff.diff(original, exported.encode())
        assert result.same, (path.name, result)


def test_a_renamed_task_with_a_new_deadline_is_deployed_approved_and_used_by_a_new_topic(browser, server, session):
    page = signed_in(browser, server, "admin")
    open_modeler(page, "topic_district")
    edit_task(page, "submit_proposal", name="提交议题建议书", clock="7wd")
    version_url = validate_and_deploy(page, "建议书七个工作日内提交", ["default"])
    approve(browser, server, version_url)

    office = signed_in(browser, server, "office_tianning")
    office.goto("/topics/new")
    office.fill("#title", "社区食堂运营补贴")
    office.select_option("#category", "livelihood")
    office.select_option("#source", "public")
    office.select_option("#platform_level", "district")
    office.select_option("#district", "tianning")
    office.click("form .actions button.primary")
    expect(office.locator("main h1")).to_contain_text("提交议题建议书")
    session.rollback()
    topic = session.scalars(select(Topic).order_by(Topic.id.desc())).first()
    assert topic.process_version.label == "topic_district v2"
    item = session.scalars(select(TaskItem).where(TaskItem.topic_id == topic.id,
                                                  TaskItem.bpmn_id == "submit_proposal")).one()
    assert item.name == "提交议题建议书" and item.context["clock"] == "7wd"
    due = topics.load_calendar(session).add_working_days(item.created_at.astimezone(SHANGHAI).date(), 7)
    assert item.due_at == due.end_at()


def test_one_districts_written_feedback_deadline_is_changed_and_its_running_topics_see_it(browser, server, session):
    from tests.conftest import NOW

    running = start_topic(session, NOW, title="老旧小区加装电梯")
    drive(session, running, district_path("tianning")[:10], NOW)
    elsewhere = start_topic(session, NOW, district="wujin", title="武进背街小巷")
    drive(session, elsewhere, district_path("wujin")[:10], NOW)
    before = open_task(session, running, "write_reply")
    signed = before.created_at.astimezone(SHANGHAI).date()
    expected = topics.load_calendar(session).add_months(signed, 2).date.isoformat()
    old_due = before.due_at.astimezone(SHANGHAI).date().isoformat()

    page = signed_in(browser, server, "admin")
    open_modeler(page, "topic_path")
    edit_task(page, "write_reply", clock="2m")
    version_url = validate_and_deploy(page, "天宁区书面反馈期限改为两个月", ["tianning"])
    reviewer = approve(browser, server, version_url)

    reviewer.click("[data-testid=migrate]")
    expect(reviewer.locator(f"tr[data-topic='{running.id}']")).to_contain_text("可以")
    expect(reviewer.locator(f"tr[data-topic='{elsewhere.id}']")).to_contain_text("bind topic_path v2 for it first")
    assert reviewer.locator("input[name=topic_id]:checked").count() == 0  # nothing ticked before the clerk looks
    deadlines = reviewer.locator(f"tr[data-topic='{running.id}'] [data-testid=open-deadlines]")
    expect(deadlines).to_contain_text(old_due)
    expect(deadlines.locator("[data-testid=new-due]")).to_have_text(expected)  # the dry run shows the new deadline
    reviewer.check(f"tr[data-topic='{running.id}'] input[name=topic_id]")
    reviewer.once("dialog", lambda dialog: dialog.accept())  # the confirmation before anything moves
    reviewer.click("[data-testid=apply-migration]")
    expect(reviewer.locator("[data-testid=results]")).to_contain_text("已迁移")

    unit = signed_in(browser, server, "housing_tianning")
    unit.goto("/")
    row = unit.locator("tr", has_text="老旧小区加装电梯")
    expect(row).to_contain_text(expected)
    assert expected != old_due
    other = signed_in(browser, server, "housing_wujin")
    other.goto("/")
    expect(other.locator("tr", has_text="武进背街小巷")).to_contain_text(old_due)
    session.rollback()
    assert session.get(TaskItem, before.id).context["clock"] == "2m"
