"""The levels' and the plan report's refusals reach the HTML pages in the user's language (one half of
"English (中文)"), on the error page and beside the form alike."""
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.factories import drive, start_topic
from workflows.demo.world import district_path


def english(actor) -> None:  # type: ignore[no-untyped-def]
    actor.get("/")
    assert actor.post("/locale", {"locale": "en", "next": "/"}).status_code == 302


def test_the_plan_reports_refusals_speak_the_users_language(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic = start_topic(session, NOW, title="老旧小区加装电梯")
    drive(session, topic, district_path("tianning")[:4], NOW)  # approved into the 2026 plan
    office = web("office_tianning")
    office.get("/platform/plan?district=tianning&year=2026")
    assert office.post("/platform/plan/tianning/2026/reports", {"note": "请审定"}).status_code == 302
    again = office.post("/platform/plan/tianning/2026/reports", {"note": "再次报送"})
    page = again.get_data(as_text=True)
    assert again.status_code == 409 and "计划已报送，正等待党委审定" in page and "decision already" not in page
    leader = web("party_tianning")
    leader.get("/platform/plan?district=tianning&year=2026")
    refused = leader.post("/platform/plan/tianning/2026/reports", {"note": "代报"})
    assert refused.status_code == 403 and "计划由本区政协办公室或主席会议报送" in refused.get_data(as_text=True)
    english(office)
    page = office.post("/platform/plan/tianning/2026/reports", {"note": "again"}).get_data(as_text=True)
    assert "decision already" in page and "正等待党委审定" not in page


def test_the_levels_refusals_speak_the_users_language(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic = start_topic(session, NOW, title="两区交界道路")
    chair = web("chair_tianning")
    chair.get(f"/platform/levels/topics/{topic.id}")
    refused = chair.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "需要市里协调"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 403 and "只有本议题所在平台的政协办公室可以提交上级平台" in page
    assert "may raise it" not in page
    office = web("office_tianning")
    office.get(f"/platform/levels/topics/{topic.id}")
    unknown = office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "nowhere"})
    page = unknown.get_data(as_text=True)
    assert unknown.status_code == 422 and "请选择市、区、镇或街道平台" in page and "not the code of" not in page
    assert office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 302
    twice = office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"})
    page = twice.get_data(as_text=True)
    assert twice.status_code == 409 and "新北区已是本议题的联合协商平台" in page and "already co-organizes" not in page
    english(chair)
    page = chair.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "again"}).get_data(as_text=True)
    assert "Only the CPPCC office" in page and "提交上级平台" not in page.split('data-testid="error-message"')[1][:300]
