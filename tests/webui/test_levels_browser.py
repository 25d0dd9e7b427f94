"""The linked levels in a real browser: the city starts a topic of its own platform, a town raises a topic to its
district, the district accepts it (its own topic keeps the town's history), names a co-organizing district that
then sees the joint topic in its list and on its dashboard, raises it on to the city, and the city declines with a
reason. Screenshots are kept in test-artifacts/levels/.
"""
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.factories import drive, start_topic
from tests.webui.test_browser import Story, browser, server  # noqa: F401  (fixtures)
from workflows.demo.world import town_path

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "levels"
TITLE = "跨镇河道整治"


class LevelsStory(Story):
    """The browser story, its screenshots kept apart from the others."""

    folder = ARTIFACTS


def test_city_topic_raise_accept_joint_and_decline(browser, server, clock, session: Session) -> None:  # noqa: F811
    town_topic = start_topic(session, NOW, level="town", town="zhenglu", title=TITLE)
    drive(session, town_topic, town_path("tianning", "zhenglu")[:2], NOW)  # proposed and reviewed by the town
    story = LevelsStory(browser, server, clock)

    city = story.login("office_changzhou")
    city.goto(server + "/topics/new")
    city.select_option("#platform_level", "city")
    city.select_option("#district", label="常州市")
    city.fill("#title", "全市居家养老服务协商")
    city.select_option("#category", "livelihood")
    city.select_option("#source", "assigned")
    story.shot(city, "city-topic-new")
    city.get_by_role("button", name="提交议题").click()
    expect(city.locator("h1")).to_contain_text("提交议题建议")  # the first task of the city's own topic
    expect(city.locator("main")).to_contain_text("全市居家养老服务协商")

    town = story.login("office_zhenglu")
    town.goto(f"{server}/topics/{town_topic.id}")
    expect(town.get_by_test_id("topic-level")).to_contain_text("镇（街道）平台")
    town.get_by_test_id("levels-link").click()
    town.fill("#reason", "河道流经郑陆、青龙等多个镇街，需区级统筹协调")
    story.shot(town, "town-raise-form")
    town.get_by_role("button", name="提交上级").click()
    expect(town.get_by_test_id("raised-to")).to_contain_text("待上级受理")
    story.shot(town, "town-raised")

    district = story.login("office_tianning")
    district.get_by_role("link", name="协商平台").click()
    district.get_by_role("link", name="平台联动").click()
    row = district.locator("tr[data-raise]", has_text=TITLE)
    expect(row).to_contain_text("郑陆镇")
    row.locator("textarea").fill("列入区级协商，请区住建局、水利部门参加")
    story.shot(district, "district-received")
    row.get_by_role("button", name="受理", exact=True).click()
    expect(district.get_by_test_id("raised-from")).to_contain_text(TITLE)
    expect(district.get_by_test_id("co-platforms")).to_contain_text("郑陆镇")
    story.shot(district, "district-topic-case-page")
    district.get_by_test_id("levels-link").click()
    expect(district.get_by_test_id("earlier-history")).to_contain_text("河道流经郑陆")
    district.select_option("#platform", label="新北区")
    district.get_by_role("button", name="加入", exact=True).click()
    expect(district.get_by_test_id("co-platforms")).to_contain_text("新北区")
    story.shot(district, "district-joint-and-history")
    raised_url = district.url

    xinbei = story.login("office_xinbei")
    xinbei.goto(server + "/topics/")
    expect(xinbei.locator("main")).to_contain_text(TITLE)
    story.shot(xinbei, "co-organizer-topic-list")
    watcher = story.login("supervisor_xinbei")
    watcher.goto(server + "/supervision/")
    expect(watcher.get_by_test_id("joint-count")).to_have_text("1")
    expect(watcher.get_by_test_id("joint-summary")).to_contain_text(TITLE)
    story.shot(watcher, "co-organizer-dashboard")

    district.goto(raised_url)
    district.fill("#reason", "涉及两区，建议市级协商")
    district.get_by_role("button", name="提交上级").click()
    expect(district.get_by_test_id("raised-to")).to_contain_text("常州市")
    city.goto(server + "/platform/levels/")
    city_row = city.locator("tr[data-raise]", has_text=TITLE)
    city_row.get_by_role("button", name="不予受理").click()  # without a reason: refused, nothing lost
    expect(city.locator(".field-error")).to_be_visible()
    story.shot(city, "city-decline-needs-reason")
    city.locator("tr[data-raise]", has_text=TITLE).locator("textarea").fill("两区协商即可解决，市级暂不列入")
    city.locator("tr[data-raise]", has_text=TITLE).get_by_role("button", name="不予受理").click()
    expect(city.get_by_test_id("received")).to_contain_text("两区协商即可解决")
    district.goto(raised_url)
    expect(district.get_by_test_id("raised-to")).to_contain_text("未予受理")
    story.shot(district, "district-declined-by-city")
    district.get_by_role("button", name="English").click()
    district.goto(server + "/platform/levels/")
    expect(district.get_by_test_id("sent")).to_contain_text("Declined")
    expect(district.locator("h1")).to_have_text("Linked levels")
    story.shot(district, "levels-in-english")
    assert story.refused == []
