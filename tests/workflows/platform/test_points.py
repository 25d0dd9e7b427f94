"""Member points computed from activities and recommendations, against the city's rules of the year."""
import pytest
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.workflows.platform import known
from workflows.demo.world import user_named
from workflows.platform import points


def test_each_member_s_statement_matches_the_known_points(session: Session) -> None:
    known.members(session, NOW)
    found = {s.name: s for s in points.statements(session, user_named(session, "supervisor_city"), 2026)}
    assert {name: s.points for name, s in found.items()} == {"王委员": 11, "李委员": 7, "赵委员": 5, "张委员": 0}
    assert dict(found["王委员"].events) == {"attended": 2, "spoke": 1, "follow_up": 1}
    assert dict(found["李委员"].events) == {"attended": 1, "recommended": 1}


def test_rankings_per_sector_and_per_district(session: Session) -> None:
    known.members(session, NOW)
    ranked = points.statements(session, user_named(session, "supervisor_city"), 2026)
    by_sector = points.ranked_by(ranked, "sector")
    assert [s.name for s in by_sector["经济界"]] == ["王委员", "李委员"]
    assert [s.name for s in by_sector["教育界"]] == ["赵委员", "张委员"]
    by_district = points.ranked_by(ranked, "organization")
    assert [s.name for s in by_district["天宁区"]] == ["王委员", "李委员", "张委员"]
    assert [s.name for s in by_district["新北区"]] == ["赵委员"]


def test_the_rules_of_another_year_and_who_sees_whom(session: Session) -> None:
    known.members(session, NOW)
    last = {s.name: s.points for s in points.statements(session, user_named(session, "supervisor_city"), 2025)}
    assert last["王委员"] == 9  # one activity in 2025 at that year's 9 points
    district = points.statements(session, user_named(session, "supervisor_tianning"), 2026)
    assert {s.name for s in district} == {"王委员", "李委员", "张委员"}
    own = points.statements(session, user_named(session, "member_tianning"), 2026)
    assert [s.name for s in own] == ["王委员"]
    assert points.statements(session, user_named(session, "civil_tianning"), 2026) == []


def test_only_the_city_sets_rules_and_bad_rules_are_refused(session: Session) -> None:
    with writing(session):
        with pytest.raises(Forbidden):
            points.set_rule(session, user_named(session, "office_tianning"), "attended", 2026, 2)
        with pytest.raises(InvalidInput):
            points.set_rule(session, user_named(session, "supervisor_city"), "slept", 2026, 2)
        with pytest.raises(InvalidInput):
            points.set_rule(session, user_named(session, "supervisor_city"), "attended", 2026, 1000)


def test_statements_read_a_fixed_number_of_statements(session: Session) -> None:
    known.members(session, NOW)
    city = user_named(session, "supervisor_city")
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        points.statements(session, city, 2026)
    assert len(seen) == 5  # scope, members, activities, recommendations, rules
