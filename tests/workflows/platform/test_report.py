"""The yearly report of a district gathers the known figures, narrowed to that district."""
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from tests.workflows.platform import known
from workflows.demo.world import user_named
from workflows.platform import plan, report, suggestions


def test_the_report_of_tianning_holds_its_known_figures(session: Session, tmp_path: Path) -> None:
    known.build(session, tmp_path, NOW)
    known.members(session, NOW)
    topic = start_topic(session, NOW, title="背街小巷停车难")
    with writing(session):
        made = suggestions.add(session, user_named(session, "office_tianning"), topic.id,
                               {"text": "错时共享停车", "unit": "tianning-housing"})
        suggestions.report(session, user_named(session, "housing_tianning"), made.id,
                           {"progress": "100", "note": "已实施", "outcome": "governance"})
    city = user_named(session, "supervisor_city")
    tianning = plan.require_district(session, city, "tianning")
    found = report.report(session, city, tianning, 2026, date(2026, 3, 2))
    assert (found.coverage.rooms, found.coverage.complete_rooms, found.coverage.missing) == (10, 7, ["青龙街道"])
    assert (found.activities.district_activities, found.activities.with_leaders) == (26, 6)  # 24 + 2 members'
    assert {p.district for p in found.activities.platforms} == {"天宁区"}
    assert found.topics_by_stage == {"proposal": 2, "research": 1} and found.topics_by_category == {"livelihood": 3}
    assert found.suggestions_by_outcome == {"governance": 1}
    assert (found.members, found.members_taking_part, found.member_points) == (3, 2, 18)  # 11 + 7 + 0
    xinbei = report.report(session, city, plan.require_district(session, city, "xinbei"), 2026, date(2026, 3, 2))
    assert (xinbei.members, xinbei.member_points, xinbei.activities.district_activities) == (1, 5, 1)
