"""Consultation rooms (协商议事室): the register, the five haves with their evidence, and who may do what.

Called by the room pages and the rooms API inside their write transaction. Evidence files obey
the attachment rules of workflows/topics/attachments.py (types by name and first bytes, size,
random stored names, removed again when the transaction rolls back).
"""
import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden, InvalidInput, NotFound
from models import ConsultationRoom, Have, Organization, OrgKind, Role, RoomEvidence, RoomHave, User, utcnow
from models.database import on_rollback, require_writing
from workflows.i18n import N_
from workflows.people.access import lineage_ids, require
from workflows.topics.attachments import MAX_BYTES, check
from workflows.topics.inbox import descendants

FUNCTIONS = {"member_home": N_("委员之家"), "member_studio": N_("委员工作室"),
             "opinion_point": N_("社情民意信息联系点")}
HAVE_LABELS = {Have.SITE: N_("有场所"), Have.RULES: N_("有制度"), Have.ORGANIZATION: N_("有组织"),
               Have.SIGNAGE: N_("有标识"), Have.ACTIVITIES: N_("有活动")}
VERIFIED_HAVES = (Have.SITE, Have.RULES, Have.ORGANIZATION, Have.SIGNAGE)  # "activities" comes from the records
ROOM_KINDS = (OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK, OrgKind.VILLAGE, OrgKind.COMMUNITY, OrgKind.ENTERPRISE)
# Party and government leaders read their area's platform; every change needs one of the roles below.
SEEING_ROLES = (Role.CPPCC_OFFICE, Role.CHAIR, Role.SUPERVISOR, Role.COMMITTEE, Role.PARTY_LEADER)
MANAGING_ROLES = (Role.CPPCC_OFFICE,)
VERIFYING_ROLES = (Role.CPPCC_OFFICE, Role.SUPERVISOR)  # at the district or the city, never the room's own town
FIELD_LIMITS = {"name": 200, "address": 200, "host": 200, "contact_name": 100, "contact_phone": 40}


def scope(session: Session, user: User, roles: tuple[Role, ...] = SEEING_ROLES) -> set[int]:
    """Return the organizations whose rooms the user sees (the organizations of their roles and below)."""
    return descendants(session, {a.organization_id for a in user.roles
                                 if a.role in roles and a.organization_id is not None})


def scope_within(session: Session, user: User, within: Organization | None) -> set[int]:
    """Return the user's scope, narrowed to one organization and what lies below it when ``within`` is given."""
    orgs = scope(session, user)
    return orgs & descendants(session, {within.id}) if within is not None else orgs


def may_manage(user: User, org: Organization) -> bool:
    """Tell whether the user may register or edit rooms of ``org`` (CPPCC office there or above)."""
    lineage = set(lineage_ids(org))
    return any(a.role in MANAGING_ROLES and a.organization_id in lineage for a in user.roles)


def may_verify(user: User, org: Organization) -> bool:
    """Tell whether the user may verify a have: office or supervisor of the district or the city above the room."""
    above = {o.id for o in org.lineage() if o.kind in (OrgKind.DISTRICT, OrgKind.CITY)}
    return any(a.role in VERIFYING_ROLES and a.organization_id in above for a in user.roles)


def rooms_in(session: Session, orgs: set[int]) -> list[ConsultationRoom]:
    """Return the rooms of the organizations ``orgs``, by organization and name, in one statement."""
    query = (select(ConsultationRoom).options(joinedload(ConsultationRoom.organization))
             .where(ConsultationRoom.organization_id.in_(orgs))
             .order_by(ConsultationRoom.organization_id, ConsultationRoom.name))
    return list(session.scalars(query))


def require_room(session: Session, user: User, code: str) -> ConsultationRoom:
    """Return the room named by its code if the user may see it, else NotFound."""
    room = session.scalar(select(ConsultationRoom).where(ConsultationRoom.code == code)
                          .options(joinedload(ConsultationRoom.organization)))
    if room is None or room.organization_id not in scope(session, user):
        raise NotFound(f"no consultation room {code} that you can see")
    return room


def clean_fields(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the room's fields from a form or JSON body and the problems, field by field."""
    values: dict[str, Any] = {k: str(form.get(k) or "").strip() for k in FIELD_LIMITS}
    problems = {k: f"不得超过 {n} 个字 (at most {n} characters)" for k, n in FIELD_LIMITS.items() if len(values[k]) > n}
    if not values["name"]:
        problems["name"] = "请填写议事室名称 (the name is required)"
    raw = form.getlist("functions") if hasattr(form, "getlist") else form.get("functions") or []
    functions = [str(f) for f in raw] if isinstance(raw, list) else None
    if functions is None or any(f not in FUNCTIONS for f in functions):
        problems["functions"] = "功能只能是 " + "、".join(FUNCTIONS) + " (unknown function)"
    values["functions"] = sorted(set(functions or []))
    return values, problems


def register(session: Session, user: User, org_code: str, form: Mapping[str, Any],
             now: datetime | None = None) -> ConsultationRoom:
    """Register a room for an organization (town, street, park, village, community or enterprise)."""
    require_writing(session)
    org = session.scalar(select(Organization).where(Organization.code == org_code))
    values, problems = clean_fields(form)
    if org is None or org.id not in scope(session, user):
        problems["organization"] = "请选择所在的镇、街道、园区、村、社区或企事业单位 (choose an organization you see)"
    elif org.kind not in ROOM_KINDS:
        problems["organization"] = "议事室只设在镇、街道、园区、村、社区或企事业单位 (not a room level)"
    if problems:
        raise InvalidInput("the room was not registered", problems)
    assert org is not None
    if not may_manage(user, org):
        raise Forbidden("registering a room needs the CPPCC office of its organization or above")
    room = ConsultationRoom(code=f"r-{secrets.token_hex(5)}", organization_id=org.id, registered_by_id=user.id,
                            registered_at=now or utcnow(), **values)
    session.add(room)
    session.flush()
    return room


def update(session: Session, user: User, room: ConsultationRoom, form: Mapping[str, Any]) -> None:
    """Change a room's name, functions, address, host and contact."""
    require_writing(session)
    if not may_manage(user, room.organization):
        raise Forbidden("editing a room needs the CPPCC office of its organization or above")
    values, problems = clean_fields(form)
    if problems:
        raise InvalidInput("the room was not changed", problems)
    for key, value in values.items():
        setattr(room, key, value)


def have_of(raw: str, verified_only: bool = True) -> Have:
    """Return the have named ``raw``, refusing "activities" where it is computed."""
    try:
        have = Have(raw)
    except ValueError:
        raise InvalidInput("unknown have", {"have": "五有之一: site, rules, organization, signage"}) from None
    if verified_only and have not in VERIFIED_HAVES:
        raise InvalidInput("computed", {"have": "“有活动”由活动记录计算，不能上传或核验 (activities are computed)"})
    return have


def add_evidence(session: Session, directory: Path, user: User, room: ConsultationRoom, have: Have,
                 filename: str, stream: IO[bytes], now: datetime | None = None) -> RoomEvidence:
    """Store a photo or document proving one have; the file goes again if the transaction rolls back."""
    require_writing(session)
    if not may_manage(user, room.organization):
        raise Forbidden("evidence is uploaded by the CPPCC office of the room's organization or above")
    data = stream.read(MAX_BYTES + 1)
    file_type = check(filename, data[:16], len(data))
    stored_name = secrets.token_hex(16)
    target = directory / "rooms" / str(room.id)
    target.mkdir(parents=True, exist_ok=True)
    (target / stored_name).write_bytes(data)
    on_rollback(session, partial((target / stored_name).unlink, missing_ok=True))
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()[-200:] or "file"
    evidence = RoomEvidence(room_id=room.id, have=have, filename=name, content_type=file_type.content_type,
                            size=len(data), sha256=hashlib.sha256(data).hexdigest(), stored_name=stored_name,
                            uploaded_by_id=user.id, uploaded_at=now or utcnow())
    session.add(evidence)
    session.flush()
    return evidence


def verify(session: Session, user: User, room: ConsultationRoom, have: Have, note: str = "",
           now: datetime | None = None) -> RoomHave:
    """Record that a person checked one have against its evidence (a have without evidence is refused)."""
    require_writing(session)
    if not may_verify(user, room.organization):
        raise Forbidden("a have is verified by the district's or the city's CPPCC office or supervisors")
    if session.scalar(select(RoomEvidence.id).where(RoomEvidence.room_id == room.id, RoomEvidence.have == have)
                      .limit(1)) is None:
        raise InvalidInput("no evidence", {"have": "请先上传照片或文件作为佐证 (upload evidence first)"})
    row = session.scalar(select(RoomHave).where(RoomHave.room_id == room.id, RoomHave.have == have))
    if row is None:
        row = RoomHave(room_id=room.id, have=have, verified_by_id=user.id)
        session.add(row)
    row.verified_by_id, row.verified_at, row.note = user.id, now or utcnow(), note.strip()[:500]
    session.flush()
    return row


def evidence_of(session: Session, room: ConsultationRoom) -> list[RoomEvidence]:
    """Return a room's evidence files, oldest first."""
    return list(session.scalars(select(RoomEvidence).where(RoomEvidence.room_id == room.id).order_by(RoomEvidence.id)))


def verifications(session: Session, room: ConsultationRoom) -> dict[Have, RoomHave]:
    """Return who verified each have of a room, and when."""
    query = select(RoomHave).where(RoomHave.room_id == room.id).options(joinedload(RoomHave.verified_by))
    return {row.have: row for row in session.scalars(query)}


def open_evidence(session: Session, directory: Path, user: User, evidence_id: int) -> tuple[RoomEvidence, Path]:
    """Return an evidence row and its file if the user sees the room (else NotFound)."""
    evidence = require(session, RoomEvidence, evidence_id, "evidence")
    room = session.get(ConsultationRoom, evidence.room_id)
    if room is None or room.organization_id not in scope(session, user):
        raise NotFound(f"no evidence {evidence_id} that you can see")
    path = directory / "rooms" / str(room.id) / evidence.stored_name
    if not path.is_file():
        raise NotFound(f"the file of evidence {evidence_id} is missing")
    return evidence, path
