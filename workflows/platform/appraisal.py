"""Democratic appraisal (民主评议) of how a topic was handled: raters score the handling unit, averages follow.

Called by the topic's appraisal page and the API inside their write transaction. The CPPCC office
or the committee of a topic opens an appraisal of one of the topic's handling units and records
each rater's scores (办理态度, 答复质量, 落实成效, 0 to 100); a unit sees the appraisals of its own
topics. The averages of every appraisal of a topic are read in one statement.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden, InvalidInput, NotFound
from models import Appraisal, AppraisalScore, Role, Topic, Unit, UnitKind, User, utcnow
from models.appraisal import CRITERIA
from models.database import require_writing
from workflows.i18n import N_
from workflows.people.access import require_topic, units_with
from workflows.platform.suggestions import may_record

CRITERION_LABELS = {"attitude": N_("办理态度"), "quality": N_("答复质量"), "effect": N_("落实成效")}
BANDS = ((85, N_("满意")), (60, N_("基本满意")), (0, N_("不满意")))  # the overall average's band, highest first
MAX_RATER = 60


@dataclass(frozen=True)
class Summary:
    """An appraisal with its raters' count and the average of each criterion and overall."""

    appraisal: Appraisal
    raters: int
    averages: dict[str, float]

    @property
    def overall(self) -> float | None:
        """Return the mean of the criteria's averages, or None before any score."""
        return sum(self.averages.values()) / len(self.averages) if self.raters else None

    @property
    def band(self) -> str:
        """Return the band the overall average falls in (满意 / 基本满意 / 不满意), or "" before any score."""
        overall = self.overall
        return "" if overall is None else next(label for floor, label in BANDS if overall >= floor)


def of_topic(session: Session, user: User, topic_id: int) -> tuple[Topic, list[Summary]]:
    """Return a topic the user sees (or whose unit is appraised) and its appraisals with their averages."""
    units = _units_of(user)
    appraised = session.scalar(select(Appraisal.id).where(Appraisal.topic_id == topic_id,
                                                          Appraisal.unit_id.in_(units)).limit(1))
    topic = session.get(Topic, topic_id) if appraised is not None else require_topic(session, user, topic_id)
    if topic is None:
        raise NotFound(f"no topic {topic_id}")
    means = (func.avg(getattr(AppraisalScore, c)) for c in CRITERIA)
    averages = (select(AppraisalScore.appraisal_id, func.count(), *means)
                .group_by(AppraisalScore.appraisal_id).subquery())
    rows = session.execute(select(Appraisal, averages).outerjoin(averages, averages.c.appraisal_id == Appraisal.id)
                           .options(joinedload(Appraisal.unit), joinedload(Appraisal.scores))
                           .where(Appraisal.topic_id == topic.id).order_by(Appraisal.id)).unique().all()
    return topic, [Summary(row[0], row[2] or 0, {c: float(v or 0) for c, v in zip(CRITERIA, row[3:], strict=True)})
                   for row in rows]


def open_appraisal(session: Session, user: User, topic_id: int, form: Mapping[str, Any],
                   now: datetime | None = None) -> Appraisal:
    """Open an appraisal of one of the topic's handling units on a day (office or committee)."""
    require_writing(session)
    topic = require_topic(session, user, topic_id)
    if not may_record(user, topic):
        raise Forbidden("appraisals are held by the topic's CPPCC office or committee "
                        "(民主评议由本议题的政协办公室或专委会组织)")
    problems: dict[str, str] = {}
    unit = session.scalar(select(Unit).where(Unit.code == str(form.get("unit") or ""), Unit.kind != UnitKind.COMMITTEE))
    if unit is None or unit.organization_id not in {topic.district_id, topic.town_id}:
        problems["unit"] = "请选择本区（镇）的承办单位 (choose a handling unit of the topic's district or town)"
    held_on = _day(form.get("held_on"))
    if held_on is None:
        problems["held_on"] = "请填写评议日期，格式为 年-月-日 (the day, written YYYY-MM-DD)"
    if problems:
        raise InvalidInput("the appraisal was not opened", problems)
    assert unit is not None and held_on is not None
    appraisal = Appraisal(topic_id=topic.id, unit_id=unit.id, held_on=held_on,
                          note=str(form.get("note") or "").strip()[:2000], created_by_id=user.id,
                          created_at=now or utcnow())
    session.add(appraisal)
    session.flush()
    return appraisal


def score(session: Session, user: User, appraisal_id: int, form: Mapping[str, Any],
          now: datetime | None = None) -> AppraisalScore:
    """Record one rater's scores in an appraisal (office or committee); a rater scores once."""
    require_writing(session)
    appraisal = require_appraisal(session, user, appraisal_id)
    if not may_record(user, appraisal.topic):
        raise Forbidden("scores are recorded by the topic's CPPCC office or committee "
                        "(评分由本议题的政协办公室或专委会录入)")
    problems: dict[str, str] = {}
    rater = str(form.get("rater") or "").strip()
    if not rater or len(rater) > MAX_RATER:
        problems["rater"] = f"请填写评议人（不超过 {MAX_RATER} 字）(the rater, at most {MAX_RATER} characters)"
    marks = {c: _mark(form.get(c)) for c in CRITERIA}
    problems |= {c: "请填写 0 至 100 之间的整数 (a whole number from 0 to 100)" for c, v in marks.items() if v is None}
    if any(s.rater == rater for s in appraisal.scores):
        problems["rater"] = "该评议人已评分 (this rater has already scored)"
    if problems:
        raise InvalidInput("the scores were not recorded", problems)
    row = AppraisalScore(appraisal=appraisal, rater=rater, recorded_by_id=user.id, recorded_at=now or utcnow(),
                         **{c: int(v or 0) for c, v in marks.items()})
    session.add(row)
    session.flush()
    return row


def require_appraisal(session: Session, user: User, appraisal_id: int) -> Appraisal:
    """Return an appraisal of a topic the user sees, or NotFound."""
    appraisal = session.get(Appraisal, appraisal_id, options=[joinedload(Appraisal.scores)])
    if appraisal is None or (appraisal.unit_id not in _units_of(user)
                             and require_topic(session, user, appraisal.topic_id) is None):
        raise NotFound(f"no appraisal {appraisal_id}")
    return appraisal


def _units_of(user: User) -> set[int]:
    return units_with(user, Role.HANDLING_UNIT)


def _mark(value: Any) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and int(text) <= 100 else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        return None
