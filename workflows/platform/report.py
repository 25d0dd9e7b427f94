"""The platform's yearly report per district (年度工作报告): the figures of the year gathered in one place.

Called by the report page and the API. Coverage, activities and the leaders' share, topics by
stage, by category and by kind of consultation, suggestions by outcome and members' participation, each from the module
that computes it, narrowed to the district.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.time.calendar import SHANGHAI
from models import Organization, Topic, User
from workflows.platform import activities, coverage, points, suggestions


@dataclass
class YearReport:
    """One district's year on the platform."""

    district: Organization
    year: int
    coverage: coverage.DistrictCoverage
    activities: activities.ActivityFigures
    topics_by_stage: Counter[str]
    topics_by_category: Counter[str]
    suggestions_by_outcome: Counter[str]
    members: int
    members_taking_part: int
    member_points: int
    topics_by_kind: Counter[str] = field(default_factory=Counter)  # by kind of consultation

    @property
    def participation(self) -> float | None:
        """Return the share of the district's members who earned points in the year."""
        return self.members_taking_part / self.members if self.members else None


def report(session: Session, user: User, district: Organization, year: int, today: date) -> YearReport:
    """Return the district's report of the year (the district must be in the user's scope)."""
    first, after = (datetime(y, 1, 1, tzinfo=SHANGHAI) for y in (year, year + 1))
    covered = coverage.coverage(session, user, year, today, within=district)
    line = next((d for d in covered.districts if d.code == district.code), coverage.DistrictCoverage(
        district.code, district.name))
    topics = session.execute(select(Topic.stage, Topic.category, Topic.consultation_kind, func.count())
                             .where(Topic.district_id == district.id, Topic.created_at >= first,
                                    Topic.created_at < after)
                             .group_by(Topic.stage, Topic.category, Topic.consultation_kind)).tuples().all()
    by_stage: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for stage, category, kind, count in topics:
        by_stage[stage] += count
        by_category[category.value] += count
        by_kind[kind.value] += count
    members = points.statements(session, user, year, within=district)
    return YearReport(district, year, line, activities.figures(session, user, year, today, within=district),
                      by_stage, by_category, suggestions.by_outcome(session, district.id, first, after),
                      len(members), sum(1 for m in members if m.events), sum(m.points for m in members), by_kind)
