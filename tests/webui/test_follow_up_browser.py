"""Following a topic up in a real browser: suggestion rows written in the minutes form (one added with
添加一条), a 再协商 round's own minutes, and a democratic appraisal with its averages, on a desk and on a phone.
Screenshots are kept in test-artifacts/follow-up/.
"""
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)
from workflows.demo.world import district_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "follow-up"
STEPS = district_path("tianning")


def _index(bpmn_id: str) -> int:
    return [s[0] for s in STEPS].index(bpmn_id)


class FollowUpStory(Story):
    """The browser story, its screenshots kept apart."""

    folder = ARTIFACTS


def test_minutes_rows_a_round_and_an_appraisal(browser, server, clock, session: Session) -> None:  # noqa: F811
    topic = start_topic(session, NOW)
    drive(session, topic, STEPS[:_index("submit_minutes")], NOW)
    story = FollowUpStory(browser, server, clock)

    committee = story.login("committee_tianning")
    committee.goto(f"{server}/tasks/{open_task(session, topic, 'submit_minutes').id}")
    committee.fill("#f-minutes", "形成协商纪要，建议两条。")
    committee.select_option("#f-lead_unit", "tianning-housing")
    rows = committee.locator("#f-suggestions [data-row]")
    expect(rows).to_have_count(3)
    rows.nth(0).locator("textarea").fill("设立加装电梯专项补贴")
    rows.nth(0).locator("select").select_option("tianning-housing")
    committee.get_by_role("button", name="添加一条").click()
    expect(rows).to_have_count(4)
    expect(rows.nth(3).locator("span")).to_have_text("4.")
    rows.nth(3).locator("textarea").fill("简化加装电梯审批流程")
    rows.nth(3).locator("select").select_option("tianning-civil")
    story.shot(committee, "minutes-with-suggestions")
    committee.get_by_role("button", name="提交", exact=True).click()
    expect(committee.locator("h1")).to_contain_text("已提交")
    committee.goto(f"{server}/platform/topics/{topic.id}/suggestions")
    expect(committee.locator("[data-suggestion]")).to_have_count(2)
    expect(committee.locator('[data-suggestion="2"]')).to_contain_text("简化加装电梯审批流程")

    session.rollback()
    after_minutes = [s for s in STEPS[_index("submit_minutes") + 1:_index("follow_up")] if s[0] != "assist_opinion"]
    drive(session, topic, [*after_minutes,  # no assisting unit was chosen in the browser
                           ("follow_up", "committee_tianning", {"method": "re_consultation", "findings": "需再协商"})],
          NOW)
    session.rollback()
    found = session.scalar(select(Activity.id).where(Activity.topic_id == topic.id, Activity.follow_up.is_not(None)))
    office = story.login("office_tianning")
    office.goto(f"{server}/platform/activities/{found}")
    office.fill("#f-minutes", "再协商纪要：补贴标准提高，审批压缩到 15 个工作日。")
    round_rows = office.locator("#f-suggestions [data-row]")
    round_rows.nth(0).locator("textarea").fill("审批时限压缩到 15 个工作日")
    round_rows.nth(0).locator("select").select_option("tianning-civil")
    office.get_by_role("button", name="保存本轮纪要").click()
    expect(office.get_by_test_id("round-minutes-text")).to_contain_text("再协商纪要")
    story.shot(office, "round-minutes")

    office.goto(f"{server}/platform/topics/{topic.id}/appraisals")
    office.select_option("#unit", "tianning-housing")
    office.get_by_role("button", name="开始评议").click()
    form = office.locator("form[data-testid^=score-]")
    for rater, marks in (("王委员", ("95", "90", "85")), ("居民代表", ("85", "80", "75"))):
        form.locator("input[name=rater]").fill(rater)
        for name, mark in zip(("attitude", "quality", "effect"), marks, strict=True):
            form.locator(f"input[name={name}]").fill(mark)
        form.get_by_role("button", name="录入评分").click()
        expect(office.locator(".flash-success")).to_contain_text("评分已录入")
    expect(office.locator("[data-testid^=overall-]")).to_have_text("85.0")
    story.shot(office, "appraisal")

    phone = story.login("office_tianning", width=390, height=844)
    phone.goto(f"{server}/platform/topics/{topic.id}/appraisals")
    expect(phone.locator("[data-testid^=overall-]")).to_have_text("85.0")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    story.shot(phone, "appraisal-phone")
    assert story.refused == []
