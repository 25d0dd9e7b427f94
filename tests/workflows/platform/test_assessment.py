"""The handling units' annual assessment computed from topics driven with known on-time and late steps."""
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.counting import counted
from tests.workflows.platform import known
from workflows.demo.world import user_named
from workflows.platform import assessment


def test_the_housing_bureau_s_year_matches_its_known_figures(session: Session) -> None:
    known.handled_topics(session, NOW)
    figures = {u.code: u for u in assessment.assess(session, user_named(session, "supervisor_tianning"), 2026)}
    housing = figures["tianning-housing"]
    assert (housing.signings, housing.signed_on_time, housing.signing_rate) == (4, 3, 0.75)
    assert (housing.replies, housing.replies_on_time, housing.reply_rate) == (4, 2, 0.5)
    assert dict(housing.reply_classes) == {"A": 2, "B": 1, "C": 1}
    assert (housing.ratings, housing.satisfied, housing.satisfaction_rate, housing.rehandled) == (4, 3, 0.75, 1)
    assert housing.overdue_working_days == 1 + 2 + 3
    civil = figures["tianning-civil"]
    assert (civil.signings, civil.replies, civil.signing_rate) == (0, 0, None)
    ranked = list(figures)
    assert ranked.index("tianning-civil") < ranked.index("tianning-housing")  # nothing late ranks above late
    assert "tianning-cmt-social" not in figures  # committees are not handling units


def test_other_years_and_other_districts_see_none_of_it(session: Session) -> None:
    known.handled_topics(session, NOW)
    assert all(u.signings == 0 for u in assessment.assess(session, user_named(session, "supervisor_tianning"), 2025))
    xinbei = assessment.assess(session, user_named(session, "supervisor_xinbei"), 2026)
    assert xinbei and all(u.district == "新北区" and u.replies == 0 for u in xinbei)


def test_the_assessment_reads_a_fixed_number_of_statements(session: Session) -> None:
    known.handled_topics(session, NOW)
    city = user_named(session, "supervisor_city")
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        assessment.assess(session, city, 2026)
    assert len(seen) == 7  # scope, units, signings, replies, ratings, late rows, the calendar (its stamps)
