"""The supervisors' dashboard in a real browser: the alarm when no sweep runs, the last sweep when one does."""
from engine.time import scheduler
from tests.webui.test_browser import ARTIFACTS, Story, browser, server  # noqa: F401  (fixtures)
from workflows.deadlines.recurring import SweepAndDeliver


def test_the_dashboard_alarms_on_a_stopped_sweep_and_shows_the_last_one(app, clock, browser, server):  # noqa: F811
    story = Story(browser, server, clock)
    page = story.login("supervisor_city")
    page.goto(server + "/supervision/")
    alarm = page.locator("#sweep-stale")
    assert alarm.is_visible() and "期限巡检已停止" in alarm.inner_text()
    page.screenshot(path=str(ARTIFACTS / "operations-sweep-stale.png"), full_page=False)
    scheduler.run_once(app.extensions["db_sessions"], SweepAndDeliver.from_env(), now=clock())
    page.reload()
    assert page.locator("#sweep-ok").is_visible() and page.locator("#sweep-stale").count() == 0
    page.screenshot(path=str(ARTIFACTS / "operations-sweep-ok.png"), full_page=False)
