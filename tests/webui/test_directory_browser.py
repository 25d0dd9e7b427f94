"""Going live in a real browser: the system administrator adds a town and a user and checks an import file
with a bad row; the user signs in, changes the initial password and sees the inbox.
Screenshots go to test-artifacts/webui/directory/."""
from pathlib import Path

import pyotp
from playwright.sync_api import Browser, Page, expect

from tests import golive_district
from tests.webui.test_browser import browser, server  # noqa: F401  (fixtures)
from workflows.demo import world as demo
from workflows.organizations import bulk

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "webui" / "directory"


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _sign_in(browser: Browser, base: str, username: str, password: str, clock=None) -> Page:  # noqa: F811
    page = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN").new_page()
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button.primary")
    if page.url.endswith("/login/code"):
        page.fill("#code", pyotp.TOTP(demo.demo_totp_secret(username)).at(clock()))
        page.click("button.primary")
    return page


def test_the_administrator_adds_a_town_and_a_user_who_signs_in_and_sees_the_inbox(browser, server, clock):  # noqa: F811
    admin = _sign_in(browser, server, "sysadmin", "Demo-2026-pass", clock)
    admin.get_by_role("link", name="人员与组织").click()
    expect(admin.locator('[data-testid="org-tree"]')).to_contain_text("天宁区")
    form = admin.locator('[data-testid="add-org"]')
    form.locator('input[name="code"]').fill("dongfang")
    form.locator('input[name="name"]').fill("东方镇")
    form.locator('select[name="kind"]').select_option("town")
    form.locator('select[name="parent"]').select_option("tianning")
    form.get_by_role("button", name="添加").click()
    expect(admin.locator(".flash-success")).to_contain_text("东方镇")
    expect(admin.locator('[data-testid="org-tree"]')).to_contain_text("东方镇")
    _shot(admin, "01-tree-with-new-town")

    admin.get_by_role("link", name="东方镇").click()
    unit = admin.locator('[data-testid="add-unit"]')
    unit.locator('input[name="code"]').fill("dongfang-gov")
    unit.locator('input[name="name"]').fill("东方镇人民政府")
    unit.locator('select[name="kind"]').select_option("town_government")
    unit.get_by_role("button").click()
    expect(admin.locator('[data-testid="units"]')).to_contain_text("东方镇人民政府")
    _shot(admin, "02-town-with-unit")

    admin.locator("nav.tabs").get_by_role("link", name="人员").click()
    add = admin.locator('[data-testid="add-user"]')
    for name, value in (("username", "wangfang"), ("display_name", "王芳"), ("phone", "13912345678"),
                        ("password", "Start-Here-2026")):
        add.locator(f'input[name="{name}"]').fill(value)
    add.get_by_role("button", name="添加").click()
    expect(admin.locator('[data-testid="people"]')).to_contain_text("王芳")
    admin.get_by_role("link", name="王芳").click()
    role = admin.locator('[data-testid="add-role"]')
    role.locator('select[name="role"]').select_option("handling_unit")
    role.locator('input[name="scope"]').fill("dongfang-gov")
    role.get_by_role("button", name="授予").click()
    expect(admin.locator('[data-testid="roles"]')).to_contain_text("东方镇人民政府")
    _shot(admin, "03-person-with-role")

    people = golive_district.rows()[bulk.PEOPLE]
    people[3][2] = "1234"
    admin.locator("nav.tabs").get_by_role("link", name="批量导入导出").click()
    admin.set_input_files('input[name="file"]', files=[{
        "name": "xinqu.xlsx", "mimeType": "application/octet-stream",
        "buffer": golive_district.workbook({bulk.PEOPLE: people})}])
    admin.get_by_role("button", name="检查（不写入）").click()
    expect(admin.locator('[data-testid="problems"]')).to_contain_text("手机号 1234 格式不正确")
    expect(admin.locator('[data-testid="problems"]')).to_contain_text("5")
    _shot(admin, "04-import-check-names-the-row")

    user = _sign_in(browser, server, "wangfang", "Start-Here-2026")
    expect(user.locator("h1")).to_contain_text("修改密码")
    user.fill("#current", "Start-Here-2026")
    user.fill("#new", "Own-Choice-2026")
    user.fill("#confirm", "Own-Choice-2026")
    user.get_by_role("button", name="保存").click()
    expect(user.locator(".who")).to_contain_text("王芳")
    expect(user.get_by_role("link", name="我的待办")).to_be_visible()
    _shot(user, "05-new-user-inbox")
    user.locator(".who").click()
    expect(user.locator('[data-testid="my-roles"]')).to_contain_text("东方镇人民政府")
    _shot(user, "06-new-user-own-roles")
