"""People administered in the product: accounts, contact ids, dated role assignments, delegation,
deactivation, password and TOTP resets, and the three separated administrator duties (等保 2.0).

Called by the administration pages, the JSON API, the CLI (``create-admin``, ``user …``) and the
XLSX import, inside the caller's write transaction. Every change is audited with its before and
after values. A system administrator changes people and organizations, a security administrator
resets passwords, second factors and lockouts, an auditor reads the log; no account holds two of
these, and no one can erase the log (it has no delete path at all).
"""
import re
import secrets
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidInput
from models import Delegation, Event, Organization, Role, RoleAssignment, TaskItem, TaskStatus, Unit, User, utcnow
from models.database import require_writing
from workflows.people import accounts, audit
from workflows.people.access import require_role

SEPARATED = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)
UNIT_ROLES = (Role.HANDLING_UNIT, Role.LEADER, Role.COMMITTEE)
USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROLE_LABELS = {
    Role.PROCESS_ADMIN: "流程管理员", Role.CPPCC_OFFICE: "政协办公室", Role.CHAIR: "主席会议",
    Role.COMMITTEE: "专委会/工委", Role.HANDLING_UNIT: "承办单位", Role.SUPERVISOR: "督查",
    Role.MEMBER: "政协委员", Role.LEADER: "单位负责人", Role.PARTY_LEADER: "党政领导",
    Role.SYSTEM_ADMIN: "系统管理员", Role.SECURITY_ADMIN: "安全管理员", Role.AUDITOR: "安全审计员",
}


def role_of(value: str) -> Role | None:
    """Return the role named by its code or its Chinese label, or None."""
    value = (value or "").strip()
    by_label = {label: role for role, label in ROLE_LABELS.items()}
    if value in by_label:
        return by_label[value]
    try:
        return Role(value)
    except ValueError:
        return None


def contact_problems(username: str, display_name: str, phone: str, email: str) -> dict[str, str]:
    """Return what is wrong with a person's name and contact details, by field (empty when all is well)."""
    problems = {}
    if not USERNAME.match(username or ""):
        problems["username"] = "用户名须为 2-64 位字母、数字或 _ . @ - (2-64 letters, digits, _ . @ -)"
    if not (display_name or "").strip():
        problems["display_name"] = "请填写姓名 (a real name is required)"
    if phone and not PHONE.match(phone):
        problems["phone"] = f"手机号 {phone} 格式不正确 (not a phone number)"
    if email and not EMAIL.match(email):
        problems["email"] = f"邮箱 {email} 格式不正确 (not an e-mail address)"
    return problems


def describe(user: User) -> dict[str, Any]:
    """Return what the audit log keeps of a person (never the password or the secret)."""
    return {"username": user.username, "display_name": user.display_name, "phone": user.phone,
            "email": user.email, "dingtalk_id": user.dingtalk_id, "wecom_id": user.wecom_id, "active": user.active}


def describe_assignment(a: RoleAssignment) -> dict[str, Any]:
    """Return what the audit log keeps of a role assignment."""
    return {"user": a.user.username if a.user else None, "role": a.role.value,
            "organization": a.organization.code if a.organization else None,
            "unit": a.unit.code if a.unit else None,
            "starts_on": a.starts_on.isoformat() if a.starts_on else None,
            "ends_on": a.ends_on.isoformat() if a.ends_on else None}


def require_system_admin(actor: User | None, *places: Organization | None) -> None:
    """Let the system administrator (or the server's own command line, actor None) make a change.

    A system administrator assigned to a district administers that district's subtree only; one
    assigned to the city, or to no organization, administers everything.
    """
    if actor is None:
        return
    require_role(actor, Role.SYSTEM_ADMIN)
    scopes = {a.organization_id for a in actor.roles if a.role is Role.SYSTEM_ADMIN and a.in_force()}
    if None in scopes:
        return
    for place in places:
        if place is not None and not scopes & {o.id for o in place.lineage()}:
            raise Forbidden(f"{place.name} 不在您管理的范围内 (outside the organizations you administer)")


def require_person_scope(actor: User | None, user: User, *places: Organization | None) -> None:
    """Let a system administrator change a person only where all the person's current roles lie in their scope."""
    if actor is None:
        return
    require_system_admin(actor, *places)
    if is_global_admin(actor):
        return
    held = [a for a in user.roles if a.in_force()]
    if any(a.organization is None and a.unit is None for a in held):
        raise Forbidden(f"{user.display_name} 的角色不限于某一组织，只有全市的系统管理员可以修改 "
                        "(only a city-wide system administrator changes this person)")
    require_system_admin(actor, *(a.organization or (a.unit.organization if a.unit else None) for a in held))


def is_global_admin(actor: User) -> bool:
    """Tell whether a system administrator's role covers every organization (the city, or none named)."""
    return any(a.role is Role.SYSTEM_ADMIN and a.in_force()
               and (a.organization is None or a.organization.parent_id is None) for a in actor.roles)


def require_security_admin(actor: User | None) -> None:
    """Let the security administrator (or the server's command line) reset credentials."""
    if actor is not None:
        require_role(actor, Role.SECURITY_ADMIN)


def create_first_admin(session: Session, username: str, display_name: str, password: str) -> User:
    """Create the first system administrator of an installation; refused once one exists."""
    require_writing(session)
    if _active_system_admins(session):
        raise Conflict("已有系统管理员，请由其在系统中添加人员 (a system administrator exists already)")
    user = create_user(session, None, username=username, display_name=display_name)
    accounts.set_password(session, user, password)
    assign_role(session, None, user, Role.SYSTEM_ADMIN)
    audit.record(session, "first_admin_created", None, target=f"user:{user.id}", address="cli",
                 before=None, after=describe(user))
    return user


def create_user(session: Session, actor: User | None, *, username: str, display_name: str, phone: str = "",
                email: str = "", dingtalk_id: str = "", wecom_id: str = "", password: str = "",
                address: str = "") -> User:
    """Add a person; with a password, it is an initial one they must change at the first sign-in."""
    require_writing(session)
    require_system_admin(actor)
    username, phone, email = username.strip(), phone.strip(), email.strip()
    problems = contact_problems(username, display_name, phone, email)
    if "username" not in problems and session.scalar(select(User.id).where(User.username == username)):
        problems["username"] = f"用户名 {username} 已被使用 (the user name is taken)"
    if problems:
        raise InvalidInput("the person cannot be added", problems)
    user = User(username=username, display_name=display_name.strip(), phone=phone, email=email,
                dingtalk_id=dingtalk_id.strip(), wecom_id=wecom_id.strip())
    session.add(user)
    session.flush()  # the columns' defaults are set before the password policy touches the row
    if password:
        accounts.set_password(session, user, password)
        user.must_change_password = True
    audit.record(session, "user_created", actor, target=f"user:{user.id}", address=address,
                 before=None, after=describe(user))
    return user


def update_user(session: Session, actor: User | None, user: User, address: str = "", **fields: str) -> bool:
    """Change a person's real name and contact ids; return whether anything changed."""
    require_writing(session)
    require_person_scope(actor, user)
    editable = ("display_name", "phone", "email", "dingtalk_id", "wecom_id")
    values = {k: (fields[k] or "").strip() for k in editable if k in fields}
    merged = {**describe(user), **values}
    problems = contact_problems(user.username, merged["display_name"], merged["phone"], merged["email"])
    if problems:
        raise InvalidInput("the person cannot be saved", problems)
    before = describe(user)
    for key, value in values.items():
        setattr(user, key, value)
    if describe(user) == before:
        return False
    audit.record(session, "user_updated", actor, target=f"user:{user.id}", address=address,
                 before=before, after=describe(user))
    return True


def assign_role(session: Session, actor: User | None, user: User, role: Role, organization: Organization | None = None,
                unit: Unit | None = None, starts_on: date | None = None, ends_on: date | None = None,
                address: str = "") -> RoleAssignment:
    """Give a person a role at an organization or unit, from and until the given days."""
    require_writing(session)
    require_person_scope(actor, user, organization or (unit.organization if unit else None))
    problems = _assignment_problems(user, role, organization, unit, starts_on, ends_on)
    if problems:
        raise InvalidInput("the role cannot be given", problems)
    existing = next((a for a in user.roles if a.role is role and a.organization_id == (organization.id if organization
                     else None) and a.unit_id == (unit.id if unit else None)), None)
    before = describe_assignment(existing) if existing else None
    assignment = existing or RoleAssignment(role=role, organization=organization, unit=unit)
    assignment.starts_on, assignment.ends_on = starts_on, ends_on
    if existing is None:
        user.roles.append(assignment)
    session.flush()
    after = describe_assignment(assignment)
    if after != before:
        audit.record(session, "role_assigned", actor, target=f"user:{user.id}", address=address,
                     before=before, after=after)
    return assignment


def _assignment_problems(user: User, role: Role, organization: Organization | None, unit: Unit | None,
                         starts_on: date | None, ends_on: date | None) -> dict[str, str]:
    problems = {}
    if role in UNIT_ROLES and unit is None:
        problems["scope"] = f"{ROLE_LABELS[role]}须指定单位 (this role belongs to a unit)"
    if role not in UNIT_ROLES and role not in SEPARATED and organization is None:
        problems["scope"] = f"{ROLE_LABELS[role]}须指定组织 (this role belongs to an organization)"
    if organization is not None and unit is not None:
        problems["scope"] = "组织和单位只能选一个 (either an organization or a unit)"
    if starts_on and ends_on and ends_on < starts_on:
        problems["ends_on"] = "结束日期早于开始日期 (the end is before the start)"
    current = {a.role for a in user.roles if a.in_force()} - {role, Role.MEMBER}
    if (role is Role.AUDITOR and current) or (Role.AUDITOR in current and role is not Role.MEMBER):
        problems["role"] = ("三员分立：安全审计员只读审计日志，不能兼任其他角色 "
                            "(separated duties: the auditor holds no role that changes anything)")
    elif role in SEPARATED:
        others = {a.role for a in user.roles if a.role in SEPARATED and a.role is not role and a.in_force()}
        if others:
            held = "、".join(ROLE_LABELS[r] for r in others)
            problems["role"] = (f"三员分立：{user.display_name} 已是{held}，不能再任{ROLE_LABELS[role]} "
                                f"(separated duties: one account holds one of the three administrator roles)")
    return problems


def end_role(session: Session, actor: User | None, assignment: RoleAssignment, ends_on: date,
             address: str = "") -> None:
    """End a role assignment on a day (the person keeps the record of having held it)."""
    require_writing(session)
    require_person_scope(actor, assignment.user)
    if assignment.starts_on and ends_on < assignment.starts_on:
        raise InvalidInput("the role cannot end then",
                           {"ends_on": "结束日期早于开始日期 (the end is before the start)"})
    if assignment.role is Role.SYSTEM_ADMIN and ends_on < date.today() and _is_last_admin(session, assignment.user):
        raise Conflict("这是最后一名系统管理员，不能结束其角色 (the last system administrator stays)")
    before = describe_assignment(assignment)
    assignment.ends_on = ends_on
    audit.record(session, "role_ended", actor, target=f"user:{assignment.user_id}", address=address,
                 before=before, after=describe_assignment(assignment))


def deactivate(session: Session, actor: User | None, user: User, address: str = "",
               now: Any = None) -> int:
    """Deactivate a person instead of deleting them; their claimed open tasks go back to the unit.

    Return how many tasks were handed back. The last active system administrator stays.
    """
    require_writing(session)
    require_person_scope(actor, user)
    if user.has_role(Role.SYSTEM_ADMIN) and _is_last_admin(session, user):
        raise Conflict("这是最后一名系统管理员，不能停用 (the last system administrator cannot be deactivated)")
    if actor is not None and actor.id == user.id:
        raise Conflict("不能停用自己的账户 (you cannot deactivate your own account)")
    now = now or utcnow()
    before = describe(user)
    handed = 0
    for item in session.scalars(select(TaskItem).where(TaskItem.assignee_id == user.id,
                                                       TaskItem.status == TaskStatus.READY)):
        item.assignee = None
        session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=actor.id if actor else None,
                          kind="task_released", at=now, payload={"reason": "user_deactivated", "user": user.username}))
        handed += 1
    user.active = False
    user.api_token_sha256 = None
    user.session_generation += 1  # an open browser session of the person ends too
    audit.record(session, "user_deactivated", actor, target=f"user:{user.id}", address=address,
                 before=before, after=describe(user), tasks_handed_back=handed)
    return handed


def reactivate(session: Session, actor: User | None, user: User, address: str = "") -> None:
    """Let a deactivated person sign in again."""
    require_writing(session)
    require_person_scope(actor, user)
    before = describe(user)
    user.active = True
    audit.record(session, "user_reactivated", actor, target=f"user:{user.id}", address=address,
                 before=before, after=describe(user))


def _active_system_admins(session: Session) -> list[int]:
    today = date.today()
    return list(session.scalars(select(User.id).join(RoleAssignment).where(
        RoleAssignment.role == Role.SYSTEM_ADMIN, User.active.is_(True),
        (RoleAssignment.ends_on.is_(None)) | (RoleAssignment.ends_on >= today)).distinct()))


def _is_last_admin(session: Session, user: User) -> bool:
    return set(_active_system_admins(session)) <= {user.id}


def reset_password(session: Session, actor: User | None, user: User, address: str = "") -> str:
    """Give a person a new one-time password, which they must change at the next sign-in; return it."""
    require_writing(session)
    require_security_admin(actor)
    password = temporary_password()
    accounts.set_password(session, user, password)
    user.must_change_password = True
    audit.record(session, "password_reset", actor, target=f"user:{user.id}", address=address)
    return password


def temporary_password() -> str:
    """Return a random password that meets the policy."""
    return f"Tmp-{secrets.token_urlsafe(9)}-{secrets.randbelow(90) + 10}"


def reset_totp(session: Session, actor: User | None, user: User, address: str = "") -> None:
    """Forget a person's TOTP secret: they enrol a new authenticator at the next sign-in."""
    require_writing(session)
    require_security_admin(actor)
    had = user.totp_secret is not None
    user.totp_secret, user.totp_last_step = None, 0
    audit.record(session, "totp_reset", actor, target=f"user:{user.id}", address=address,
                 before={"enrolled": had}, after={"enrolled": False})


def unlock(session: Session, actor: User | None, user: User, address: str = "") -> None:
    """End a lockout before its time."""
    require_writing(session)
    require_security_admin(actor)
    before = {"failed_logins": user.failed_logins, "locked_until": str(user.locked_until or "")}
    user.failed_logins, user.locked_until = 0, None
    audit.record(session, "user_unlocked", actor, target=f"user:{user.id}", address=address,
                 before=before, after={"failed_logins": 0, "locked_until": ""})


def end_sessions(session: Session, actor: User | None, user: User, address: str = "") -> None:
    """Sign a person out everywhere: every session opened before now stops working."""
    require_writing(session)
    require_security_admin(actor)
    user.session_generation += 1
    audit.record(session, "sessions_ended", actor, target=f"user:{user.id}", address=address)


def delegate(session: Session, actor: User, user: User, to: User, starts_on: date, ends_on: date,
             note: str = "", address: str = "") -> Delegation:
    """Record that ``to`` acts for ``user`` while they are away (the person themselves or a system administrator)."""
    require_writing(session)
    if actor.id != user.id:
        require_person_scope(actor, user)
    if to.id == user.id or not to.active:
        raise InvalidInput("the delegate cannot act", {"delegate": "代理人须为另一名在用人员 (another active person)"})
    if ends_on < starts_on:
        raise InvalidInput("the dates are reversed", {"ends_on": "结束日期早于开始日期 (the end is before the start)"})
    row = Delegation(user=user, delegate=to, starts_on=starts_on, ends_on=ends_on, note=note.strip()[:200])
    session.add(row)
    session.flush()
    audit.record(session, "delegation_added", actor, target=f"user:{user.id}", address=address, before=None,
                 after={"delegate": to.username, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()})
    return row


def delegators(session: Session, user: User, on: date | None = None) -> list[User]:
    """Return the people this user stands in for on a day."""
    day = on or date.today()
    return list(session.scalars(select(User).join(Delegation, Delegation.user_id == User.id).where(
        Delegation.delegate_id == user.id, Delegation.starts_on <= day, Delegation.ends_on >= day,
        User.active.is_(True))))

