"""The platform in a real browser: a room registered with evidence and verified, an activity planned at it,
invitations sent, a member checking in from a phone-sized page, and the member's points and a unit's
assessment on their own pages. Screenshots are kept in test-artifacts/platform/.
"""
from pathlib import Path

from flask import Flask
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.factories import drive, start_topic
from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)
from tests.workflows.platform import known
from tests.workflows.platform.test_plan import _topics
from workflows.demo.world import district_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "platform"


class PlatformStory(Story):
    """The browser story, its screenshots kept apart from the topic's."""

    folder = ARTIFACTS


def test_room_activity_check_in_points_and_assessment(browser, server, clock, session: Session,  # noqa: F811
                                                      tmp_path: Path, app: Flask) -> None:
    known.build(session, Path(app.config["ATTACHMENT_DIR"]), NOW)  # 天宁: 10 rooms, 7 meeting all five
    known.members(session, NOW)  # 王委员 (member_tianning) starts the year at 11 points
    known.handled_topics(session, NOW)  # 住建局: 3/4 signed on time, 2/4 replies on time
    planned = _topics(session)  # 老旧小区加装电梯 approved into the 2026 plan for June, 村道修缮 filed by 郑陆镇
    story = PlatformStory(browser, server, clock)
    photo = tmp_path / "site.png"
    photo.write_bytes(known.PNG)

    office = story.login("office_tianning")
    office.get_by_role("link", name="协商平台").click()
    office.get_by_role("link", name="登记议事室").click()
    office.select_option("#organization", label="郑陆镇")
    office.fill("#name", "郑陆镇有事好商量协商议事室")
    office.check('input[name="functions"][value="member_home"]')
    office.check('input[name="functions"][value="opinion_point"]')
    office.fill("#address", "郑陆镇人民路 8 号党群服务中心二楼")
    office.fill("#host", "郑陆镇党群服务中心")
    office.fill("#contact_name", "周主任")
    office.fill("#contact_phone", "0519-88001234")
    story.shot(office, "room-register")
    office.get_by_role("button", name="登记").click()
    expect(office.get_by_test_id("five-haves")).to_have_text("五有未达标")
    office.locator('tr[data-have="site"] input[type=file]').set_input_files(str(photo))
    office.locator('tr[data-have="site"]').get_by_role("button", name="上传").click()
    expect(office.locator('tr[data-have="site"]')).to_contain_text("site.png")
    story.shot(office, "room-evidence")
    room_url = office.url

    supervisor = story.login("supervisor_tianning")
    supervisor.goto(room_url)
    supervisor.locator('tr[data-have="site"] input[name=note]').fill("现场查看，场地宽敞")
    supervisor.locator('tr[data-have="site"]').get_by_role("button", name="核验").click()
    expect(supervisor.locator('tr[data-have="site"]')).to_contain_text("天宁区政协督查")
    story.shot(supervisor, "room-verified")
    city = story.login("supervisor_city")
    city.get_by_role("link", name="协商平台").click()
    city.get_by_role("link", name="覆盖情况").click()
    expect(city.locator('tr[data-district="tianning"]')).to_contain_text("青龙街道")
    expect(city.get_by_test_id("complete-rooms")).to_have_text("7/11")
    city.wait_for_selector("#chart-coverage svg")
    story.shot(city, "coverage-city")
    city.goto(server + "/supervision/")
    expect(city.get_by_test_id("summary-leader-share")).to_have_text("22%")  # 6 of 24 + 3 members' activities
    story.shot(city, "dashboard-activities")

    office.goto(server + "/platform/activities/new")
    office.fill("#title", "老旧小区加装电梯协商会")
    office.select_option("#platform", label="郑陆镇 · 郑陆镇有事好商量协商议事室")
    office.select_option("#form", "on_site")
    office.fill("#held_on", "2026-03-02")
    office.fill("#plan_reviewed_on", "2026-02-24")
    office.fill("#materials_sent_on", "2026-02-26")
    story.shot(office, "activity-plan")
    office.get_by_role("button", name="登记").click()
    form = office.get_by_test_id("add-participant")
    form.locator('select[name="member_id"]').select_option(label="王委员（经济界）")
    form.get_by_role("button", name="添加").click()
    form = office.get_by_test_id("add-participant")
    form.locator('select[name="kind"]').select_option("leader")
    form.locator('input[name="name"]').fill("郑陆镇党委书记")
    form.get_by_role("button", name="添加").click()
    office.get_by_role("button", name="发送邀请").click()
    expect(office.locator(".flash")).to_contain_text("已发送 2 份邀请")
    story.shot(office, "activity-invited")
    check_in = office.get_by_test_id("check-in-link").inner_text()

    member = story.login("member_tianning", width=390, height=844)
    member.goto(server + "/notifications")
    expect(member.locator("body")).to_contain_text("协商活动邀请：老旧小区加装电梯协商会")
    member.goto(check_in)
    story.shot(member, "phone-check-in")
    member.get_by_role("button", name="签到").click()
    expect(member.get_by_test_id("checked-in")).to_be_visible()
    story.shot(member, "phone-checked-in")

    office.reload()
    expect(office.get_by_test_id("participants")).to_contain_text("本人扫码")
    story.shot(office, "activity-attendance")

    member.set_viewport_size({"width": 1280, "height": 800})
    member.get_by_role("link", name="履职积分").click()
    expect(member.get_by_test_id("member-points")).to_have_text("13")  # 11 + one activity attended at 2
    story.shot(member, "member-points")

    chair = story.login("chair_tianning")
    chair.goto(server + "/platform/plan?district=tianning&year=2026")
    row = chair.locator(f'tr[data-topic="{planned["planned"]}"]')
    row.locator('input[name="planned_month"]').fill("9")
    row.locator('input[name="note"]').fill("调研需延长，改在九月协商")
    row.get_by_role("button", name="调整").click()
    expect(chair.get_by_test_id("plan-history")).to_contain_text("调研需延长")
    expect(chair.locator(f'tr[data-topic="{planned["planned"]}"]')).to_contain_text("9")
    story.shot(chair, "annual-plan")

    office.goto(server + f"/platform/topics/{planned['planned']}/suggestions")
    office.fill("#text", "对加装电梯给予每台 20 万元补贴，简化规划审批")
    office.select_option("#unit", "tianning-housing")
    office.get_by_role("button", name="添加").click()
    expect(office.get_by_test_id("progress-1")).to_have_text("0%")

    unit = story.login("housing_tianning")
    unit.get_by_role("link", name="建议办理").click()
    unit.get_by_role("link", name="老旧小区加装电梯").click()
    report = unit.get_by_test_id("report-1")
    report.locator('input[name="progress"]').fill("60")
    report.locator('input[name="note"]').fill("补贴办法已起草，征求意见中")
    report.get_by_role("button", name="报送进展").click()
    report = unit.get_by_test_id("report-1")
    report.locator('input[name="progress"]').fill("100")
    report.locator('input[name="note"]').fill("补贴办法印发，首批 12 台开工")
    report.locator('select[name="outcome"]').select_option("livelihood_project")
    report.get_by_role("button", name="报送进展").click()
    expect(unit.get_by_test_id("progress-1")).to_have_text("100%")
    story.shot(unit, "suggestion-100")

    unit.get_by_role("link", name="年度考核").click()
    row = unit.locator('tr[data-unit="tianning-housing"]')
    expect(row.get_by_test_id("signing-rate")).to_contain_text("75%")
    expect(row.get_by_test_id("reply-rate")).to_contain_text("50%")
    story.shot(unit, "unit-assessment")

    handed = start_topic(session, NOW, title="背街小巷路灯改造")  # a fifth topic handed to 住建局, signed in time
    steps = district_path("tianning", assisting=False)
    drive(session, handed, steps[: [s[0] for s in steps].index("sign_receipt")], NOW)
    unit.goto(server + "/")
    unit.locator('tr[data-task="sign_receipt"]', has_text="背街小巷路灯改造").get_by_role("button", name="签收").click()
    expect(unit.get_by_test_id("next-steps")).to_contain_text("办理并书面答复")
    unit.get_by_role("link", name="年度考核").click()
    expect(unit.locator('tr[data-unit="tianning-housing"]').get_by_test_id("signing-rate")).to_contain_text("80%")
    story.shot(unit, "unit-assessment-updated")  # 4 of 5 signed on time
    assert story.refused == []  # nothing the Content-Security-Policy blocked
