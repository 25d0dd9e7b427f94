"""A district with no city above it: its topics' levels panel shows no level to raise to, never a 409."""
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Organization, Topic
from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from workflows.platform import levels


def _without_city(session: Session) -> Topic:
    topic = start_topic(session, NOW, title="区级议题，无市级平台")
    with writing(session):
        district = session.scalar(select(Organization).where(Organization.code == "tianning"))
        assert district is not None
        district.parent_id = None
    session.expire_all()
    return topic


def test_the_case_pages_levels_panel_answers_without_a_city(web: Any, session: Session) -> None:
    topic = _without_city(session)
    office = web("office_tianning")
    panel = office.get(f"/platform/levels/topics/{topic.id}/panel")
    assert panel.status_code == 200 and 'data-testid="levels-panel"' in panel.get_data(as_text=True)
    page = office.get(f"/platform/levels/topics/{topic.id}")
    assert page.status_code == 200 and 'data-testid="raise-form"' not in page.get_data(as_text=True)
    refused = office.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "涉及全市"})
    assert refused.status_code == 409 and "涉及全市" in refused.get_data(as_text=True)  # raising itself still refuses


def test_the_level_above_is_none_only_where_there_is_no_platform_above(session: Session) -> None:
    town = start_topic(session, NOW, level="town", town="zhenglu", title="镇级议题")
    district = start_topic(session, NOW, title="区级议题")
    assert [getattr(levels.above_of(t), "code", None) for t in (town, district)] == ["tianning", "changzhou"]
    assert levels.above_of(_without_city(session)) is None
