"""Online deliberation on a resident's phone: the office hides an opinion with a reason and the phone shows only the
reason; after the deadline the phone shows the deliberation closed, with no form; the page in English.
Screenshots in test-artifacts/participation/deliberation-*.png.
"""
from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.factories import start_topic
from tests.webui.test_browser import browser, server  # noqa: F401  (fixtures)
from tests.webui.test_participation_story import ParticipationStory

PHONE_NUMBER = "13900001111"


class DeliberationStory(ParticipationStory):
    """Screenshots named apart from the whole story's."""

    def shot(self, page, name: str) -> None:  # type: ignore[no-untyped-def]
        super().shot(page, f"deliberation-{name}")


def test_hidden_text_and_the_deadline_on_a_phone(  # type: ignore[no-untyped-def]
        browser, server, clock, session: Session) -> None:  # noqa: F811
    topic = start_topic(session, NOW, title="小区充电桩安装")
    story = DeliberationStory(browser, server, clock)
    story.shots = 20  # after the whole story's screenshots
    office = story.login("office_tianning")
    office.goto(f"{server}/deliberations/topic/{topic.id}")
    office.fill("#opens_at", "2026-03-02T08:00")
    office.fill("#closes_at", "2026-03-03T18:00")
    office.get_by_role("button", name="开启网络议政").click()
    office.fill("input[name=name]", "李师傅")
    office.get_by_role("button", name="生成邀请链接").click()
    link = office.get_by_test_id("invitation-link").first.input_value()
    board = office.url.split("#")[0]

    phone = story.phone()
    phone.goto(link)
    phone.fill("#body", f"有问题打我电话 {PHONE_NUMBER}，我私下帮你装。")
    phone.get_by_role("button", name="发表").click()
    phone.fill("#body", "<script>alert(1)</script>建议每栋楼下装两个充电桩。")
    phone.get_by_role("button", name="发表").click()
    expect(phone.get_by_test_id("opinion")).to_have_count(2)
    expect(phone.get_by_test_id("opinion").nth(1)).to_contain_text("<script>alert(1)</script>")  # shown as text

    office.goto(board)
    hide = office.locator("[data-testid=opinion]", has_text=PHONE_NUMBER).get_by_test_id("hide")
    hide.locator("input[name=reason]").fill("含个人联系方式和商业推广")
    hide.get_by_role("button", name="隐藏").click()
    expect(office.get_by_test_id("hidden")).to_contain_text("含个人联系方式和商业推广")
    expect(office.locator("body")).to_contain_text(PHONE_NUMBER)  # the office still reads the text
    story.shot(office, "office-hid")

    phone.reload()
    expect(phone.get_by_test_id("hidden")).to_contain_text("含个人联系方式和商业推广")
    expect(phone.locator("body")).not_to_contain_text(PHONE_NUMBER)
    story.shot(phone, "hidden-on-phone")
    story.fits(phone)

    clock.advance(days=2)  # past 2026-03-03 18:00 in Beijing
    phone.reload()
    expect(phone.get_by_test_id("deliberation-state")).to_have_text("未开放或已截止")
    expect(phone.get_by_test_id("post-opinion")).to_have_count(0)
    story.shot(phone, "closed-on-phone")

    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_test_id("deliberation-state")).to_have_text("Not open or closed")
    expect(phone.get_by_test_id("hidden")).to_contain_text("The staff hid this opinion")
    story.shot(phone, "english-on-phone")
    assert story.refused == [], story.refused


def test_a_member_joins_a_remote_consultation_from_a_phone(  # type: ignore[no-untyped-def]
        browser, server, clock, session: Session) -> None:  # noqa: F811
    from models.database import writing
    from workflows.demo.world import user_named
    from workflows.platform import activities
    with writing(session):
        office_user = user_named(session, "office_tianning")
        activity = activities.plan(session, office_user, {"title": "停车难远程协商会", "platform": "tianning",
                                                          "form": "remote", "held_on": "2026-03-02"}, now=NOW)
        activities.add_participant(session, office_user, activity, {"kind": "member", "username": "member_tianning"})
        activity_id, code = activity.id, activity.code
    story = DeliberationStory(browser, server, clock)
    story.shots = 30
    office = story.login("office_tianning")
    office.goto(f"{server}/platform/activities/{activity_id}")
    form = office.get_by_test_id("set-meeting-link")
    form.locator("input[name=meeting_link]").fill("javascript:alert(1)")
    form.get_by_role("button", name="保存").click()
    expect(office.locator(".field-error")).to_contain_text("https://")
    office.get_by_test_id("set-meeting-link").locator("input[name=meeting_link]").fill(
        "https://meeting.tencent.com/dm/abc123")
    office.get_by_test_id("set-meeting-link").get_by_role("button", name="保存").click()
    expect(office.get_by_test_id("meeting-link").get_by_role("link")).to_have_attribute(
        "href", "https://meeting.tencent.com/dm/abc123")

    member = story.login("member_tianning", width=390, height=844)
    member.goto(f"{server}/platform/check-in/{code}")
    expect(member.get_by_test_id("meeting-link")).to_have_attribute("rel", "noopener noreferrer")
    story.shot(member, "remote-check-in-on-phone")
    member.get_by_test_id("join-remotely").click()
    expect(member.get_by_test_id("checked-in")).to_be_visible()
    office.reload()
    expect(office.get_by_test_id("joined-remotely")).to_have_count(1)
    story.shot(office, "remote-participants")
    assert story.refused == [], story.refused
