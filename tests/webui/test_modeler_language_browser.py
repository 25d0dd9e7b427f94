"""In chromium: the modeler's palette and properties panel speak the administrator's language, the library's
own words as well as shangliang's group. Screenshots in test-artifacts/screens/."""
from pathlib import Path

from playwright.sync_api import expect

from tests.webui.test_modeler_browser import browser, open_modeler, server, signed_in  # noqa: F401  (fixtures)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screens"


def test_the_panel_and_palette_switch_between_chinese_and_english(browser, server):  # noqa: F811
    page = signed_in(browser, server, "admin")
    open_modeler(page, "topic_path")
    page.click(".djs-element[data-element-id=write_reply]")
    panel = page.locator("#properties")
    expect(panel.locator("[data-group-id=group-general] .bio-properties-panel-group-header-title")).to_have_text("常规")
    expect(panel.locator("[data-group-id=group-shangliang]")).to_contain_text("议题办理属性")
    expect(panel.locator(".bio-properties-panel-header-type")).to_have_text("用户任务")
    start = page.locator('.djs-palette [data-action="create.start-event"]')
    expect(start).to_have_attribute("aria-label", "添加开始事件")
    panel.locator("[data-group-id=group-general] .bio-properties-panel-group-header").click()
    expect(panel.locator("[data-group-id=group-general]")).to_contain_text("名称")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "modeler-panel-zh.png"))
    other = page.locator(".djs-element.djs-shape").nth(1).get_attribute("data-element-id")
    page.click(f".djs-element[data-element-id={other}]", modifiers=["Shift"])
    expect(panel).to_contain_text("选中了多个元素。请只选择一个元素来编辑其属性。")
    page.screenshot(path=str(ARTIFACTS / "modeler-panel-several-zh.png"))
    page.click(".djs-element[data-element-id=write_reply]")
    page.get_by_role("button", name="English").click()
    expect(page.locator("#modeler-root[data-loaded=true]")).to_have_count(1)
    page.click(".djs-element[data-element-id=write_reply]")
    expect(panel.locator("[data-group-id=group-general] .bio-properties-panel-group-header-title")).to_have_text(
        "General")
    expect(panel.locator("[data-group-id=group-shangliang]")).to_contain_text("Topic handling")
    expect(start).to_have_attribute("aria-label", "Create start event")
    page.screenshot(path=str(ARTIFACTS / "modeler-panel-en.png"))
