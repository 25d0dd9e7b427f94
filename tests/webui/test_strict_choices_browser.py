"""In chromium: reassignment picks from a list the server holds to, and a bulk 督办 refused for want of a
reason comes back with the rows still ticked. Screenshots in test-artifacts/screens/."""
from playwright.sync_api import expect

from tests.conftest import NOW
from tests.factories import open_task, start_topic
from tests.webui.test_browser import browser, server  # noqa: F401  (the fixtures)
from tests.webui.test_screens_browser import screens  # noqa: F401  (the fixture)


def test_reassignment_is_picked_from_the_list_and_anything_else_is_refused(screens, session):  # noqa: F811
    topic = start_topic(session, NOW)
    open_task(session, topic, "submit_proposal")
    admin = screens.login("admin")
    admin.goto(f"{screens.base}/admin/topics/{topic.id}")
    target = admin.get_by_test_id("reassign-target")
    expect(target).to_have_js_property("tagName", "SELECT")
    assert "天宁区城市管理局" in target.inner_text() and "武进" not in target.inner_text()
    # A value the list does not hold (an edited page, a stale form) reaches the server and is refused in words.
    target.evaluate("s => { const o = new Option('武进区城管', 'unit:wujin-urban'); s.add(o); o.selected = true }")
    admin.get_by_label("转办理由").fill("换城管办理")
    admin.get_by_role("button", name="转办").click()
    expect(admin.get_by_test_id("reassign-error")).to_contain_text("不在可选列表中")
    expect(admin.get_by_label("转办理由")).to_have_value("换城管办理")
    screens.shot(admin, "reassign-refused")
    admin.get_by_test_id("reassign-target").select_option(label="天宁区城市管理局")
    admin.get_by_role("button", name="转办").click()
    expect(admin.locator(".flash-success")).to_contain_text("已转办")
    expect(admin.locator(".panel", has_text="submit_proposal").first).to_contain_text("天宁区城市管理局")
    assert screens.refused == []


def test_a_bulk_escalation_refused_for_want_of_a_reason_keeps_the_ticks(screens, session):  # noqa: F811
    topics = [start_topic(session, NOW, title=t) for t in ("老旧小区加装电梯", "背街小巷停车难", "社区养老助餐点")]
    items = [open_task(session, t, "submit_proposal") for t in topics]
    supervisor = screens.login("supervisor_tianning")
    supervisor.goto(f"{screens.base}/supervision/tasks?warning=normal")
    for item in (items[0], items[2]):
        supervisor.locator(f'input[name=task][value="{item.id}"]').check()
    # The browser asks for the reason first; a request without one still reaches the server (an older browser).
    supervisor.locator("#bulk-form input[name=reason]").evaluate("input => input.removeAttribute('required')")
    supervisor.locator("#bulk-form input[name=reason]").fill("   ")
    supervisor.get_by_role("button", name="批量督办").click()
    expect(supervisor.get_by_test_id("bulk-error")).to_contain_text("请填写督办意见")
    for item, ticked in zip(items, (True, False, True), strict=True):
        expect(supervisor.locator(f'input[name=task][value="{item.id}"]')).to_be_checked(checked=ticked)
    screens.shot(supervisor, "bulk-escalation-refused")
    supervisor.locator("#bulk-form input[name=reason]").fill("请本周内办结")
    supervisor.get_by_role("button", name="批量督办").click()
    expect(supervisor.locator(".flash-success")).to_contain_text("已督办 2 项任务")
    assert "warning=normal" in supervisor.url
    assert screens.refused == []
