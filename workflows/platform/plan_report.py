"""The annual plan reported to the party committee for approval (请示报告), and the committee's decision.

Called by the plan page and the plan API inside their write transaction. The district CPPCC's
office or chairs' meeting reports the year's plan; a party or government leader of that district
(the district party committee) approves it or returns it with a reason. A returned plan is
revised by the chairs' meeting (workflows/platform/plan.py) and reported again; so is an approved
plan that changed after its approval. Each report is a row with its round, and each report and
decision is an entry of the plan's history beside the chairs' meeting's changes.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Conflict, Forbidden, InvalidInput
from models import Organization, PlanChange, PlanDecision, PlanReport, Role, RoleAssignment, User, utcnow
from models.database import require_writing
from workflows.i18n import N_
from workflows.notifications.notify import Message, notify
from workflows.platform.plan import Plan

REPORTING_ROLES = (Role.CPPCC_OFFICE, Role.CHAIR)
STATE_LABELS = {"unreported": N_("未报送党委"), "reported": N_("已报党委，待审定"), "approved": N_("党委已审定"),
                "returned": N_("党委退回修改"), "changed": N_("审定后有调整，待重新报送")}
DECISION_LABELS = {PlanDecision.APPROVED: N_("同意"), PlanDecision.RETURNED: N_("退回修改")}


@dataclass(frozen=True)
class Approval:
    """Where the plan stands with the party committee: its state, the latest report, changes made since."""

    state: str  # a key of STATE_LABELS
    latest: PlanReport | None
    changes_since: int  # the chairs' meeting's changes after the latest decision


@dataclass(frozen=True)
class Entry:
    """One line of the plan's history: a change by the chairs' meeting, a report, or a decision."""

    at: datetime
    what: str  # change | reported | approved | returned
    topic_id: int | None
    text: str
    who: str
    month: int | None = None  # a change: the month the topic moved to
    removed: bool = False  # a change: the topic taken out


def reports_of(session: Session, district: Organization, year: int) -> list[PlanReport]:
    """Return the reports of a district's plan for a year, first round first, in one statement."""
    return reports_for(session, [district], year)[district.id]


def reports_for(session: Session, districts: Sequence[Organization], year: int) -> dict[int, list[PlanReport]]:
    """Return the reports of the districts' plans for a year by district id, first round first, in one statement."""
    found: dict[int, list[PlanReport]] = {d.id: [] for d in districts}
    query = (select(PlanReport).options(joinedload(PlanReport.reported_by), joinedload(PlanReport.decided_by))
             .where(PlanReport.district_id.in_(found), PlanReport.year == year).order_by(PlanReport.round))
    for report in session.scalars(query):
        found[report.district_id].append(report)
    return found


def approval(plan: Plan, reports: list[PlanReport]) -> Approval:
    """Return where the plan stands with the party committee."""
    latest = reports[-1] if reports else None
    if latest is None:
        return Approval("unreported", None, 0)
    if latest.decision is None:
        return Approval("reported", latest, 0)
    since = sum(1 for c in plan.changes if latest.decided_at is not None and c.changed_at > latest.decided_at)
    if latest.decision is PlanDecision.APPROVED:
        return Approval("changed" if since else "approved", latest, since)
    return Approval("returned", latest, since)


def history(plan: Plan, reports: list[PlanReport]) -> list[Entry]:
    """Return the plan's whole history, oldest first: the chairs' changes, the reports and the decisions."""
    entries = [_change_entry(c) for c in plan.changes]
    for r in reports:
        entries.append(Entry(r.reported_at, "reported", None, r.note, r.reported_by.display_name))
        if r.decision is not None and r.decided_at is not None:
            entries.append(Entry(r.decided_at, r.decision.value, None, r.reason,
                                 r.decided_by.display_name if r.decided_by else ""))
    return sorted(entries, key=lambda e: e.at)


def _change_entry(change: PlanChange) -> Entry:
    return Entry(change.changed_at, "change", change.topic_id, change.note, change.changed_by.display_name,
                 change.planned_month, change.removed)


def may_report(user: User, district: Organization) -> bool:
    """Tell whether the user reports the district's plan (its CPPCC office or chairs' meeting)."""
    return any(a.role in REPORTING_ROLES and a.organization_id == district.id and a.in_force() for a in user.roles)


def may_decide(user: User, district: Organization) -> bool:
    """Tell whether the user decides for the district's party committee (a party leader of that district)."""
    return any(a.role is Role.PARTY_LEADER and a.organization_id == district.id and a.in_force() for a in user.roles)


def report(session: Session, user: User, plan: Plan, note: str, now: datetime | None = None) -> PlanReport:
    """Report the plan to the party committee: a first report, or again after a return or a later change."""
    require_writing(session)
    if not may_report(user, plan.district):
        raise Forbidden("the plan is reported by the district's CPPCC office or chairs' meeting "
                        "(计划由本区政协办公室或主席会议报送)")
    reports = reports_of(session, plan.district, plan.year)
    state = approval(plan, reports).state
    if state == "reported":
        raise Conflict("the plan awaits the party committee's decision already (计划已报送，正等待党委审定)")
    if state == "approved":
        raise Conflict("the plan is approved and unchanged since; change it before reporting again "
                       "(计划已获同意且此后未修改，修改后才能再次报送)")
    planned = sum(1 for r in plan.rows if not r.removed)
    if not planned:
        raise InvalidInput("nothing to report (计划中还没有议题)",
                           {"plan": "the plan holds no topic yet (计划中还没有议题)"})
    row = PlanReport(district_id=plan.district.id, year=plan.year, round=len(reports) + 1, topic_count=planned,
                     note=note.strip()[:2000], reported_by_id=user.id, reported_at=now or utcnow())
    session.add(row)
    session.flush()
    title = f"请示：{plan.district.name}{plan.year}年度协商计划（第{row.round}次报送）"
    message = Message(kind="plan_reported", title=title, body=row.note or f"共 {planned} 个议题，请审定。")
    notify(session, message, _leaders(session, plan.district), [], key=f"plan-report:{row.id}", now=row.reported_at)
    return row


def decide(session: Session, user: User, plan: Plan, decision: str, reason: str, now: datetime | None = None
           ) -> PlanReport:
    """Record the party committee's decision on the latest report: approved, or returned with its reason."""
    require_writing(session)
    if not may_decide(user, plan.district):
        raise Forbidden("the plan is approved by a party or government leader of its district (计划由本区党政领导审定)")
    try:
        chosen = PlanDecision(decision)
    except ValueError:
        raise InvalidInput("no decision (请选择同意或退回修改)",
                           {"decision": "must be one of approved, returned"}) from None
    if chosen is PlanDecision.RETURNED and not reason.strip():
        raise InvalidInput("no reason (请写明退回理由)", {"reason": "say why the plan is returned (请写明退回理由)"})
    reports = reports_of(session, plan.district, plan.year)
    latest = reports[-1] if reports else None
    if latest is None or latest.decision is not None:
        raise Conflict("no report of this plan awaits a decision (该计划没有待审定的报送)")
    latest.decision, latest.reason = chosen, reason.strip()[:2000]
    latest.decided_by_id, latest.decided_at = user.id, now or utcnow()
    session.flush()
    word = "同意" if chosen is PlanDecision.APPROVED else "退回修改"
    message = Message(kind="plan_decided", title=f"{plan.district.name}{plan.year}年度协商计划：党委{word}",
                      body=latest.reason)
    notify(session, message, [latest.reported_by], [], key=f"plan-decision:{latest.id}", now=latest.decided_at)
    return latest


def _leaders(session: Session, district: Organization) -> list[User]:
    """Return the active party leaders of the district, who hear of a report."""
    query = (select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
             .where(RoleAssignment.role == Role.PARTY_LEADER, RoleAssignment.organization_id == district.id,
                    User.active.is_(True)))
    return list(session.scalars(query).unique())
