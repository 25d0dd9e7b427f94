"""The organization tree (city → district → town/street/park → village/community/enterprise) and its units.

Called by the administration pages, the JSON API, the CLI and the XLSX import, inside the
caller's write transaction. Codes are stable identifiers; names change. Nothing with a history
is deleted: an organization is deactivated, or merged into another that takes over its
children, units, members and role holders while its topics keep pointing at it.
"""
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidInput
from models import LiaisonGroup, Member, Organization, OrgKind, Role, RoleAssignment, Topic, Unit, UnitKind, User
from models.database import require_writing
from workflows.people import audit
from workflows.people.access import require
from workflows.people.directory import is_global_admin, require_system_admin

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
GRASSROOTS = (OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK)
PARENT_KINDS: dict[OrgKind, tuple[OrgKind, ...]] = {
    OrgKind.CITY: (),
    OrgKind.DISTRICT: (OrgKind.CITY,),
    OrgKind.TOWN: (OrgKind.DISTRICT,),
    OrgKind.STREET: (OrgKind.DISTRICT,),
    OrgKind.PARK: (OrgKind.DISTRICT,),
    OrgKind.VILLAGE: GRASSROOTS,
    OrgKind.COMMUNITY: GRASSROOTS,
    OrgKind.ENTERPRISE: (OrgKind.DISTRICT, *GRASSROOTS),
}
KIND_LABELS = {OrgKind.CITY: "市", OrgKind.DISTRICT: "区", OrgKind.TOWN: "镇", OrgKind.STREET: "街道",
               OrgKind.PARK: "园区", OrgKind.VILLAGE: "村", OrgKind.COMMUNITY: "社区", OrgKind.ENTERPRISE: "企事业单位"}
UNIT_KIND_LABELS = {UnitKind.DEPARTMENT: "部门", UnitKind.TOWN_GOVERNMENT: "镇街政府", UnitKind.COMMITTEE: "专委会工委",
                    UnitKind.CPPCC: "政协"}


def code_problem(code: str) -> str:
    """Return what is wrong with a code (empty when it may be used)."""
    if not CODE.match(code or ""):
        return "编码只能由字母、数字和 _ . - 组成，最长 64 位 (a code is 1-64 letters, digits, _ . -)"
    return ""


def kind_of(value: str, labels: dict[Any, str], kinds: type[Any]) -> Any:
    """Return the kind named by its code or its Chinese label, or None."""
    value = (value or "").strip()
    by_label = {label: kind for kind, label in labels.items()}
    if value in by_label:
        return by_label[value]
    try:
        return kinds(value)
    except ValueError:
        return None


def parent_problem(kind: OrgKind, parent: Organization | None) -> str:
    """Return why an organization of ``kind`` may not sit under ``parent`` (empty when it may)."""
    allowed = PARENT_KINDS[kind]
    if parent is None:
        return "" if not allowed else f"{KIND_LABELS[kind]}须有上级组织 (needs a parent)"
    if parent.kind not in allowed:
        return (f"{KIND_LABELS[kind]}不能设在{KIND_LABELS[parent.kind]}之下 "
                f"(a {kind.value} cannot sit under a {parent.kind.value})")
    return ""


def by_code(session: Session, code: str) -> Organization:
    """Return the organization with this code, or NotFound."""
    org = session.scalar(select(Organization).where(Organization.code == code))
    return require(session, Organization, org.id if org else -1, "organization", because=code)


def describe(org: Organization) -> dict[str, Any]:
    """Return what the audit log keeps of an organization."""
    return {"code": org.code, "name": org.name, "kind": org.kind.value, "active": org.active,
            "parent": org.parent.code if org.parent else None,
            "merged_into": org.merged_into.code if org.merged_into else None}


def create(session: Session, actor: User | None, code: str, name: str, kind: OrgKind,
           parent: Organization | None, address: str = "") -> Organization:
    """Add an organization under a parent whose level fits."""
    require_writing(session)
    require_system_admin(actor, parent)
    if parent is None and actor is not None and not is_global_admin(actor):
        raise Forbidden("只有全市的系统管理员可以添加市级组织 (only a city-wide system administrator adds a city)")
    problems = {"code": code_problem(code), "name": "" if name.strip() else "请填写名称 (a name is required)",
                "parent": parent_problem(kind, parent)}
    if not problems["code"] and session.scalar(select(Organization.id).where(Organization.code == code)):
        problems["code"] = f"编码 {code} 已被使用 (the code is taken)"
    if parent is not None and not parent.active:
        problems["parent"] = f"上级组织 {parent.name} 已停用 (the parent is inactive)"
    _refuse(problems, "the organization cannot be added")
    org = Organization(code=code, name=name.strip(), kind=kind, parent=parent)
    session.add(org)
    session.flush()
    audit.record(session, "organization_created", actor, target=f"organization:{org.id}", address=address,
                 before=None, after=describe(org))
    return org


def rename(session: Session, actor: User | None, org: Organization, name: str, address: str = "") -> None:
    """Give an organization a new name; its code stays."""
    require_writing(session)
    require_system_admin(actor, org)
    _refuse({"name": "" if name.strip() else "请填写名称 (a name is required)"}, "the name cannot be used")
    before = describe(org)
    org.name = name.strip()
    audit.record(session, "organization_renamed", actor, target=f"organization:{org.id}", address=address,
                 before=before, after=describe(org))


def move(session: Session, actor: User | None, org: Organization, parent: Organization, address: str = "") -> None:
    """Put an organization under another parent; a move under itself or its own subtree is refused."""
    require_writing(session)
    require_system_admin(actor, org, parent)
    if org.id in {o.id for o in parent.lineage()}:
        raise InvalidInput("the move would make a cycle", {
            "parent": f"{parent.name} 是 {org.name} 本身或其下级，不能作为上级 (the tree would have a cycle)"})
    _refuse({"parent": parent_problem(org.kind, parent)}, "the organization cannot move there")
    before = describe(org)
    org.parent = parent
    audit.record(session, "organization_moved", actor, target=f"organization:{org.id}", address=address,
                 before=before, after=describe(org))


def merge(session: Session, actor: User | None, source: Organization, target: Organization,
          address: str = "") -> dict[str, int]:
    """Merge ``source`` into ``target`` of the same level: children, units, members and role holders move.

    The source stays, deactivated and pointing at the target, so its topics keep their platform and
    history; whoever covers the target covers the source's topics too (``Organization.lineage``).
    """
    require_writing(session)
    require_system_admin(actor, source, target)
    if source.id == target.id or source.id in {o.id for o in target.lineage()}:
        raise InvalidInput("the merge would make a cycle",
                           {"target": "不能合并到自身或其下级 (the tree would have a cycle)"})
    if (source.kind in GRASSROOTS) != (target.kind in GRASSROOTS) or (
            source.kind not in GRASSROOTS and source.kind is not target.kind):
        raise InvalidInput("only organizations of one level merge", {
            "target": f"{KIND_LABELS[source.kind]}不能并入{KIND_LABELS[target.kind]} (levels differ)"})
    if not target.active:
        raise InvalidInput("the target is inactive", {"target": f"{target.name} 已停用 (the target is inactive)"})
    before = describe(source)
    moved = {"children": 0, "units": 0, "members": 0, "liaison_groups": 0, "role_assignments": 0}
    for child in session.scalars(select(Organization).where(Organization.parent_id == source.id)):
        child.parent, moved["children"] = target, moved["children"] + 1
    for unit in session.scalars(select(Unit).where(Unit.organization_id == source.id)):
        unit.organization, moved["units"] = target, moved["units"] + 1
    for group in session.scalars(select(LiaisonGroup).where(LiaisonGroup.organization_id == source.id)):
        group.organization, moved["liaison_groups"] = target, moved["liaison_groups"] + 1
    for member in session.scalars(select(Member).where(Member.assigned_organization_id == source.id)):
        member.assigned_organization, moved["members"] = target, moved["members"] + 1
    moved["role_assignments"] = _move_assignments(session, source, target)
    source.active, source.merged_into = False, target
    session.flush()
    audit.record(session, "organization_merged", actor, target=f"organization:{source.id}", address=address,
                 before=before, after=describe(source), moved=moved)
    return moved


def _move_assignments(session: Session, source: Organization, target: Organization) -> int:
    """Move role holders of the source to the target; one who already holds the role there keeps that one."""
    count = 0
    for assignment in session.scalars(select(RoleAssignment).where(RoleAssignment.organization_id == source.id)):
        twin = session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.user_id == assignment.user_id, RoleAssignment.role == assignment.role,
            RoleAssignment.organization_id == target.id))
        if twin is None:
            assignment.organization, count = target, count + 1
    return count


def deactivate(session: Session, actor: User | None, org: Organization, address: str = "") -> None:
    """Stop using an organization; its active children must be moved or deactivated first."""
    require_writing(session)
    require_system_admin(actor, org)
    children = session.scalar(select(func.count(Organization.id)).where(
        Organization.parent_id == org.id, Organization.active.is_(True))) or 0
    if children:
        raise Conflict(f"{org.name} 还有 {children} 个在用的下级组织，请先迁移或停用 "
                       f"(it has {children} active organizations below it)")
    before = describe(org)
    org.active = False
    audit.record(session, "organization_deactivated", actor, target=f"organization:{org.id}", address=address,
                 before=before, after=describe(org))


def reactivate(session: Session, actor: User | None, org: Organization, address: str = "") -> None:
    """Use a deactivated (not merged) organization again."""
    require_writing(session)
    require_system_admin(actor, org)
    if org.merged_into_id is not None:
        raise Conflict(f"{org.name} 已并入其他组织，不能重新启用 (it was merged)")
    before = describe(org)
    org.active = True
    audit.record(session, "organization_reactivated", actor, target=f"organization:{org.id}", address=address,
                 before=before, after=describe(org))


def delete(session: Session, actor: User | None, org: Organization, address: str = "") -> None:
    """Remove an organization entered by mistake: only one nothing refers to, and never one with topics."""
    require_writing(session)
    require_system_admin(actor, org)
    topics = session.scalar(select(func.count(Topic.id)).where(
        (Topic.district_id == org.id) | (Topic.town_id == org.id))) or 0
    if topics:
        raise Conflict(f"{org.name} 有 {topics} 个议题，不能删除，只能停用 (it has topics: deactivate it instead)")
    uses = [
        session.scalar(select(func.count(Organization.id)).where(
            (Organization.parent_id == org.id) | (Organization.merged_into_id == org.id))),
        session.scalar(select(func.count(Unit.id)).where(Unit.organization_id == org.id)),
        session.scalar(select(func.count(RoleAssignment.id)).where(RoleAssignment.organization_id == org.id)),
        session.scalar(select(func.count(Member.id)).where(
            (Member.organization_id == org.id) | (Member.assigned_organization_id == org.id))),
    ]
    if any(uses):
        raise Conflict(f"{org.name} 仍有下级组织、单位、人员或委员，不能删除，只能停用 (still in use: deactivate it)")
    audit.record(session, "organization_deleted", actor, target=f"organization:{org.id}", address=address,
                 before=describe(org), after=None)
    session.delete(org)


def unit_describe(unit: Unit) -> dict[str, Any]:
    """Return what the audit log keeps of a unit."""
    return {"code": unit.code, "name": unit.name, "kind": unit.kind.value, "organization": unit.organization.code,
            "active": unit.active, "leader": unit_leader_name(unit)}


def unit_leader_name(unit: Unit) -> str | None:
    """Return the username of the unit's leader, if one is named."""
    if unit.leader_id is None:
        return None
    session = Session.object_session(unit)
    leader = session.get(User, unit.leader_id) if session else None
    return leader.username if leader else None


def save_unit(session: Session, actor: User | None, code: str, name: str, kind: UnitKind, org: Organization,
              leader: User | None = None, address: str = "") -> Unit:
    """Add a unit, or change the name, kind, level or leader of the unit with this code."""
    require_writing(session)
    require_system_admin(actor, org)
    unit = session.scalar(select(Unit).where(Unit.code == code))
    problems = {"code": code_problem(code), "name": "" if name.strip() else "请填写名称 (a name is required)",
                "organization": "" if org.active else f"{org.name} 已停用 (the organization is inactive)"}
    _refuse(problems, "the unit cannot be saved")
    before = unit_describe(unit) if unit else None
    if unit is None:
        unit = Unit(code=code, name=name.strip(), kind=kind, organization=org)
        session.add(unit)
    unit.name, unit.kind, unit.organization = name.strip(), kind, org
    unit.leader_id = leader.id if leader else None
    session.flush()
    after = unit_describe(unit)
    if after != before:
        audit.record(session, "unit_saved", actor, target=f"unit:{unit.id}", address=address,
                     before=before, after=after)
    return unit


def set_unit_active(session: Session, actor: User | None, unit: Unit, active: bool, address: str = "") -> None:
    """Deactivate a unit (it keeps its tasks and history) or use it again."""
    require_writing(session)
    require_system_admin(actor, unit.organization)
    before = unit_describe(unit)
    unit.active = active
    audit.record(session, "unit_deactivated" if not active else "unit_reactivated", actor, target=f"unit:{unit.id}",
                 address=address, before=before, after=unit_describe(unit))


def leader_of(session: Session, unit: Unit) -> User | None:
    """Return the unit's named leader, or else an active user holding the leader role for it (督办)."""
    if unit.leader_id is not None:
        leader = session.get(User, unit.leader_id)
        if leader is not None and leader.active:
            return leader
    return session.scalar(select(User).join(RoleAssignment).where(
        RoleAssignment.unit_id == unit.id, RoleAssignment.role == Role.LEADER, User.active.is_(True)).limit(1))


def _refuse(problems: dict[str, str], message: str) -> None:
    found = {k: v for k, v in problems.items() if v}
    if found:
        raise InvalidInput(message, found)
