"""CPPCC members (委员), sectors (界别) and liaison groups (委员联络组), administered by system administrators.

Called by the administration pages, the JSON API and the XLSX import inside the caller's write
transaction; every change is audited with its before and after values. A member may be linked to
an account so they can sign in and see their own record and activities.
"""
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from models import LiaisonGroup, Member, Organization, OrgKind, Role, RoleAssignment, Sector, User
from models.database import require_writing
from workflows.organizations.tree import code_problem
from workflows.people import audit
from workflows.people.directory import PHONE, require_system_admin

CPPCC_LEVELS = (OrgKind.CITY, OrgKind.DISTRICT)
LIAISON_LEVELS = (OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK)


def save_sector(session: Session, actor: User | None, code: str, name: str, address: str = "") -> Sector:
    """Add a sector or rename the sector with this code."""
    require_writing(session)
    require_system_admin(actor)
    problems = {"code": code_problem(code), "name": "" if name.strip() else "请填写界别名称 (a name is required)"}
    _refuse(problems, "the sector cannot be saved")
    sector = session.scalar(select(Sector).where(Sector.code == code))
    before = {"code": sector.code, "name": sector.name} if sector else None
    if sector is None:
        sector = Sector(code=code, name=name.strip())
        session.add(sector)
    sector.name = name.strip()
    session.flush()
    after = {"code": sector.code, "name": sector.name}
    if after != before:
        audit.record(session, "sector_saved", actor, target=f"sector:{sector.id}", address=address,
                     before=before, after=after)
    return sector


def save_liaison_group(session: Session, actor: User | None, code: str, name: str, organization: Organization,
                       address: str = "") -> LiaisonGroup:
    """Add a liaison group or change the group with this code."""
    require_writing(session)
    require_system_admin(actor)
    problems = {"code": code_problem(code), "name": "" if name.strip() else "请填写联络组名称 (a name is required)",
                "organization": "" if organization.kind in LIAISON_LEVELS
                else "联络组须设在区或镇街 (a district or town)"}
    _refuse(problems, "the liaison group cannot be saved")
    group = session.scalar(select(LiaisonGroup).where(LiaisonGroup.code == code))
    before = _group(group) if group else None
    if group is None:
        group = LiaisonGroup(code=code, name=name.strip(), organization=organization)
        session.add(group)
    group.name, group.organization = name.strip(), organization
    session.flush()
    if _group(group) != before:
        audit.record(session, "liaison_group_saved", actor, target=f"liaison_group:{group.id}", address=address,
                     before=before, after=_group(group))
    return group


def _group(group: LiaisonGroup) -> dict[str, Any]:
    return {"code": group.code, "name": group.name, "organization": group.organization.code}


def describe(member: Member) -> dict[str, Any]:
    """Return what the audit log keeps of a member."""
    return {"code": member.code, "name": member.name, "phone": member.phone, "sector": member.sector.code,
            "organization": member.organization.code,
            "assigned": member.assigned_organization.code if member.assigned_organization else None,
            "liaison_group": member.liaison_group.code if member.liaison_group else None, "term": member.term,
            "term_start": member.term_start.isoformat() if member.term_start else None,
            "term_end": member.term_end.isoformat() if member.term_end else None,
            "user": member.user.username if member.user else None, "active": member.active}


def save_member(session: Session, actor: User | None, *, code: str, name: str, sector: Sector,
                organization: Organization, assigned: Organization | None = None,
                liaison_group: LiaisonGroup | None = None, term: str = "", term_start: date | None = None,
                term_end: date | None = None, phone: str = "", user: User | None = None,
                address: str = "") -> Member:
    """Add a member or change the member with this number; a linked account gets the member role."""
    require_writing(session)
    require_system_admin(actor)
    member = session.scalar(select(Member).where(Member.code == code))
    _refuse(_member_problems(session, member, code, name, organization, assigned, phone, term_start, term_end,
                             user), "the member cannot be saved")
    before = describe(member) if member else None
    if member is None:
        member = Member(code=code, name=name.strip(), sector=sector, organization=organization)
        session.add(member)
    member.name, member.sector, member.organization = name.strip(), sector, organization
    member.assigned_organization, member.liaison_group = assigned, liaison_group
    member.term, member.term_start, member.term_end = term.strip(), term_start, term_end
    member.phone, member.user = phone.strip(), user
    if user is not None and not any(a.role is Role.MEMBER and a.organization_id == organization.id
                                    for a in user.roles):
        user.roles.append(RoleAssignment(role=Role.MEMBER, organization=organization, starts_on=term_start,
                                         ends_on=term_end))
    session.flush()
    if describe(member) != before:
        audit.record(session, "member_saved", actor, target=f"member:{member.id}", address=address,
                     before=before, after=describe(member))
    return member


def _member_problems(session: Session, member: Member | None, code: str, name: str, organization: Organization,
                     assigned: Organization | None, phone: str, term_start: date | None, term_end: date | None,
                     user: User | None) -> dict[str, str]:
    problems = {"code": code_problem(code), "name": "" if name.strip() else "请填写委员姓名 (a name is required)"}
    if organization.kind not in CPPCC_LEVELS:
        problems["organization"] = "委员属于市或区政协 (a member belongs to the city or a district CPPCC)"
    if assigned is not None and assigned.kind not in LIAISON_LEVELS:
        problems["assigned"] = "分片联系须为区或镇街 (assigned to a district or town)"
    if phone and not PHONE.match(phone.strip()):
        problems["phone"] = f"手机号 {phone} 格式不正确 (not a phone number)"
    if term_start and term_end and term_end < term_start:
        problems["term_end"] = "届期结束早于开始 (the term ends before it starts)"
    if user is not None:
        other = session.scalar(select(Member.code).where(Member.user_id == user.id, Member.code != code))
        if other:
            problems["user"] = f"账户 {user.username} 已关联委员 {other} (the account belongs to another member)"
    return problems


def member_of(session: Session, user: User) -> Member | None:
    """Return the member record linked to an account, if any."""
    return session.scalar(select(Member).where(Member.user_id == user.id))


def set_member_active(session: Session, actor: User | None, member: Member, active: bool, address: str = "") -> None:
    """End or restore a member's service (the record stays)."""
    require_writing(session)
    require_system_admin(actor)
    before = describe(member)
    member.active = active
    audit.record(session, "member_saved", actor, target=f"member:{member.id}", address=address,
                 before=before, after=describe(member))


def _refuse(problems: dict[str, str], message: str) -> None:
    found = {k: v for k, v in problems.items() if v}
    if found:
        raise InvalidInput(message, found)
