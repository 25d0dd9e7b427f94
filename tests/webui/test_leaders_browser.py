"""Leaders and the plan's 请示报告 in a real browser: a proposal-handling topic started with its number, the plan
reported, returned with a reason, revised, reported again and approved by the district's party leader, a leader
linked to an activity checking in from a phone, and the leader's own page of their area, in Chinese and English.
Screenshots are kept in test-artifacts/leaders/.
"""
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)
from tests.workflows.platform.test_plan import _topics

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "leaders"


class LeaderStory(Story):
    """The browser story, its screenshots kept apart from the others'."""

    folder = ARTIFACTS


def test_kind_plan_report_and_a_leader_attending(browser, server, clock, session: Session) -> None:  # noqa: F811
    planned = _topics(session)  # 老旧小区加装电梯 in the 2026 plan, 村道修缮 filed by 郑陆镇
    story = LeaderStory(browser, server, clock)

    office = story.login("office_tianning")
    office.goto(server + "/topics/new")
    office.fill("#title", "关于加快老旧小区加装电梯的提案办理协商")
    office.select_option("#category", "livelihood")
    office.select_option("#source", "member")
    office.select_option("#consultation_kind", "proposal_handling")
    office.get_by_role("button", name="提交议题").click()
    expect(office.locator("#e-proposal_number")).to_have_text("提案办理协商须填写提案号")
    expect(office.locator("#title")).to_have_value("关于加快老旧小区加装电梯的提案办理协商")
    story.shot(office, "topic-needs-proposal-number")
    office.fill("#proposal_number", "〔2026〕第12号")
    office.get_by_role("button", name="提交议题").click()
    office.goto(server + "/topics/?kind=proposal_handling")
    expect(office.get_by_test_id("topics")).to_contain_text("〔2026〕第12号")
    expect(office.get_by_test_id("topics")).not_to_contain_text("村道修缮")
    story.shot(office, "topics-by-kind")

    office.goto(server + "/platform/plan?district=tianning&year=2026")
    expect(office.get_by_test_id("approval-state")).to_have_text("未报送党委")
    office.get_by_test_id("report-plan").locator('input[name="note"]').fill("2026 年度协商计划，请审定")
    office.get_by_role("button", name="报送党委审定").click()
    expect(office.get_by_test_id("approval-state")).to_have_text("已报党委，待审定")

    clock.advance(minutes=5)  # each step of the plan's history at its own time
    leader = story.login("party_tianning")
    leader.get_by_role("link", name="本地区协商").click()
    expect(leader.get_by_test_id("leader-plans")).to_contain_text("已报党委，待审定")
    expect(leader.get_by_test_id("leader-topics")).to_contain_text("老旧小区加装电梯")
    leader.get_by_role("link", name="查看计划").click()
    leader.get_by_role("button", name="退回修改").click()
    expect(leader.locator(".error-box")).to_contain_text("请写明退回理由")
    clock.advance(minutes=5)
    leader.get_by_test_id("decide-plan").locator('input[name="reason"]').fill("加装电梯议题请提前到五月协商")
    leader.get_by_role("button", name="退回修改").click()
    expect(leader.get_by_test_id("approval-state")).to_have_text("党委退回修改")
    story.shot(leader, "plan-returned")

    clock.advance(minutes=5)
    chair = story.login("chair_tianning")
    chair.goto(server + "/platform/plan?district=tianning&year=2026")
    row = chair.locator(f'tr[data-topic="{planned["planned"]}"]')
    row.locator('input[name="planned_month"]').fill("5")
    row.locator('input[name="note"]').fill("按党委意见提前到五月")
    row.get_by_role("button", name="调整").click()
    clock.advance(minutes=5)
    chair.get_by_test_id("report-plan").locator('input[name="note"]').fill("已按党委意见修改")
    chair.get_by_role("button", name="重新报送党委审定").click()
    clock.advance(minutes=5)
    leader.reload()
    leader.get_by_role("button", name="同意").click()
    expect(leader.get_by_test_id("approval-state")).to_have_text("党委已审定")
    expect(leader.get_by_test_id("plan-history")).to_contain_text("按党委意见提前到五月")
    story.shot(leader, "plan-approved-with-history")

    office.goto(server + "/platform/activities/new")
    office.fill("#title", "老旧小区加装电梯协商会")
    office.select_option("#platform", "tianning")
    office.select_option("#form", "on_site")
    office.fill("#held_on", "2026-03-02")
    office.fill("#topic_id", str(planned["planned"]))
    office.get_by_role("button", name="登记").click()
    expect(office.get_by_test_id("activity-kind")).to_have_text("有事好商量")
    form = office.get_by_test_id("add-participant")
    form.locator('select[name="leader"]').select_option("party_tianning")
    form.get_by_role("button", name="添加").click()
    office.get_by_role("button", name="发送邀请").click()
    story.shot(office, "activity-leader-invited")

    phone = story.login("party_tianning", width=390, height=844)
    phone.goto(server + "/platform/leader")
    phone.get_by_role("link", name="待签到").click()
    phone.get_by_role("button", name="签到").click()
    expect(phone.get_by_test_id("checked-in")).to_be_visible()
    story.shot(phone, "leader-phone-checked-in")

    leader.goto(server + "/platform/leader?year=2026")
    expect(leader.get_by_test_id("leader-activities")).to_contain_text("老旧小区加装电梯协商会")
    expect(leader.get_by_test_id("leader-plans")).to_contain_text("党委已审定")
    story.shot(leader, "leader-overview")
    leader.get_by_role("button", name="English").click()
    expect(leader.get_by_test_id("leader-plans")).to_contain_text("Approved by the party committee")
    story.shot(leader, "leader-overview-english")
    office.reload()
    expect(office.get_by_test_id("participants")).to_contain_text("本人扫码")
    assert story.refused == []  # nothing the Content-Security-Policy blocked
