"""Going-live administration pages: the organization tree and its units, people and their roles, members,
the XLSX import with its dry run, the audit export, and each user's own page.

System administrators change organizations and people; security administrators reset passwords,
second factors and lockouts; auditors export the audit log. Each POST is one write transaction
through the services in workflows/organizations and workflows/people, which audit every change;
a refused form answers 4xx with the message and keeps what was typed.
"""
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from werkzeug.wrappers import Response as WerkzeugResponse

from engine.errors import InvalidInput, NotFound, ShangliangError
from models import Delegation, LiaisonGroup, Member, Organization, OrgKind, Role, RoleAssignment, Sector, Unit, User
from models.database import writing
from webui.database import db_session
from webui.security import roles_required
from workflows.organizations import bulk, tree
from workflows.people import audit, directory, members
from workflows.people.access import require, stands_in_for
from workflows.platform import activities
from workflows.topics import inbox

bp = Blueprint("directory", __name__, url_prefix="/directory")
SYS, SEC = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE = 100
Page = str | tuple[str, int] | WerkzeugResponse


def _address() -> str:
    return request.remote_addr or ""


def _form(name: str) -> str:
    return (request.form.get(name) or "").strip()


def _day(name: str) -> date | None:
    raw = _form(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("bad date", {name: "日期格式为 YYYY-MM-DD (a date written YYYY-MM-DD)"}) from None


def _submit(change: Callable[[], Any], done: str, again: Callable[..., Any]) -> tuple[str, int] | None:
    """Run ``change`` in one write transaction and flash ``done``; on a refusal return the page re-rendered."""
    try:
        with writing(db_session()):
            change()
    except ShangliangError as exc:
        db_session().expire_all()
        fields = getattr(exc, "fields", None) or {}
        return again(error=exc.message, fields=fields, typed=request.form), exc.status
    if done:
        flash(done, "success")
    return None


def _org(org_id: int) -> Organization:
    return require(db_session(), Organization, org_id, "organization")


def _user(user_id: int) -> User:
    return require(db_session(), User, user_id, "user")


def _by_code(code: str) -> Organization:
    found = db_session().scalar(select(Organization).where(Organization.code == code))
    if found is None:
        raise InvalidInput("unknown organization", {"organization": f"组织编码 {code or '（空）'} 不存在"})
    return found


ALLOWED_BEFORE_CHANGE = {"auth.password", "auth.logout", "auth.set_locale", "static"}


@bp.before_app_request
def _password_first() -> WerkzeugResponse | None:
    """Send a user whose password an administrator set or reset to change it before anything else."""
    if request.endpoint is None or request.path.startswith("/api/"):
        return None
    if (current_user.is_authenticated and getattr(current_user, "must_change_password", False)
            and request.endpoint not in ALLOWED_BEFORE_CHANGE):
        flash("请先修改管理员设置的初始密码 (please change the password an administrator set)", "warning")
        return redirect(url_for("auth.password"))
    return None


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"kind_labels": tree.KIND_LABELS, "unit_kind_labels": tree.UNIT_KIND_LABELS,
            "role_labels": directory.ROLE_LABELS, "is_system_admin": current_user.has_role(SYS),
            "is_security_admin": current_user.has_role(SEC)}


@bp.get("/")
@login_required
@roles_required(SYS, SEC)
def index() -> WerkzeugResponse:
    """Open the tree for system administrators and the people list for security administrators."""
    return redirect(url_for("directory.organizations" if current_user.has_role(SYS) else "directory.people"))


def _tree() -> list[tuple[int, Organization]]:
    """Return every organization in tree order with its depth (one query)."""
    orgs = list(db_session().scalars(select(Organization).order_by(Organization.code)))
    children: dict[int | None, list[Organization]] = {}
    for org in orgs:
        children.setdefault(org.parent_id, []).append(org)
    ordered: list[tuple[int, Organization]] = []

    def walk(parent: int | None, depth: int) -> None:
        for org in children.get(parent, []):
            ordered.append((depth, org))
            walk(org.id, depth + 1)

    walk(None, 0)
    return ordered


def _render_orgs(**context: Any) -> str:
    return render_template("directory/organizations.html", tree=_tree(), kinds=list(OrgKind), **context)


@bp.route("/organizations", methods=["GET", "POST"])
@login_required
@roles_required(SYS)
def organizations() -> Page:
    """Show the tree; add an organization under a parent."""
    if request.method == "GET":
        return _render_orgs()

    def add() -> None:
        kind = tree.kind_of(_form("kind"), tree.KIND_LABELS, OrgKind)
        if kind is None:
            raise InvalidInput("unknown kind", {"kind": "请选择类型 (choose a kind)"})
        parent = _by_code(_form("parent")) if _form("parent") else None
        tree.create(db_session(), current_user, _form("code"), _form("name"), kind, parent, _address())

    return _submit(add, f"已添加组织 {_form('name')} (organization added)", _render_orgs) or \
        redirect(url_for("directory.organizations"))


def _render_org(org_id: int, **context: Any) -> str:
    session = db_session()
    org = _org(org_id)
    units = list(session.scalars(select(Unit).where(Unit.organization_id == org.id).order_by(Unit.code)))
    leaders = {u.id: session.get(User, u.leader_id) for u in units if u.leader_id}
    return render_template("directory/organization.html", org=org, units=units, leaders=leaders, tree=_tree(),
                           unit_kinds=list(tree.UNIT_KIND_LABELS), **context)


@bp.get("/organizations/<int:org_id>")
@login_required
@roles_required(SYS)
def organization(org_id: int) -> Page:
    """Show one organization with its units and the forms that change it."""
    return _render_org(org_id)


@bp.post("/organizations/<int:org_id>/<action>")
@login_required
@roles_required(SYS)
def change_organization(org_id: int, action: str) -> Page:
    """Rename, move, merge, deactivate, reactivate or delete an organization, or add a unit to it."""
    session, org = db_session(), _org(org_id)
    changes: dict[str, tuple[Callable[[], Any], str]] = {
        "rename": (lambda: tree.rename(session, current_user, org, _form("name"), _address()), "已改名 (renamed)"),
        "move": (lambda: tree.move(session, current_user, org, _by_code(_form("parent")), _address()),
                 "已迁移 (moved)"),
        "merge": (lambda: tree.merge(session, current_user, org, _by_code(_form("target")), _address()),
                  "已合并 (merged)"),
        "deactivate": (lambda: tree.deactivate(session, current_user, org, _address()), "已停用 (deactivated)"),
        "reactivate": (lambda: tree.reactivate(session, current_user, org, _address()), "已启用 (reactivated)"),
        "delete": (lambda: tree.delete(session, current_user, org, _address()), "已删除 (deleted)"),
        "units": (lambda: _save_unit(org), "已保存单位 (unit saved)"),
    }
    if action not in changes:
        raise NotFound(f"no action {action}")
    change, done = changes[action]
    refused = _submit(change, done, lambda **c: _render_org(org_id, **c))
    if refused:
        return refused
    if action == "delete":
        return redirect(url_for("directory.organizations"))
    return redirect(url_for("directory.organization", org_id=org_id))


def _save_unit(org: Organization) -> None:
    session = db_session()
    kind = tree.kind_of(_form("kind"), tree.UNIT_KIND_LABELS, tree.UnitKind)
    if kind is None:
        raise InvalidInput("unknown kind", {"kind": "请选择单位类型 (choose a kind)"})
    leader = None
    if _form("leader"):
        leader = session.scalar(select(User).where(User.username == _form("leader")))
        if leader is None:
            raise InvalidInput("unknown leader", {"leader": f"用户 {_form('leader')} 不存在 (no such user)"})
    tree.save_unit(session, current_user, _form("code"), _form("name"), kind, org, leader, _address())


@bp.post("/units/<int:unit_id>/active")
@login_required
@roles_required(SYS)
def unit_active(unit_id: int) -> WerkzeugResponse:
    """Deactivate a unit or use it again."""
    session = db_session()
    unit = require(session, Unit, unit_id, "unit")
    with writing(session):
        tree.set_unit_active(session, current_user, unit, request.form.get("active") == "1", _address())
    return redirect(url_for("directory.organization", org_id=unit.organization_id))


def _render_people(**context: Any) -> str:
    query = (request.args.get("q") or "").strip()
    people = select(User).order_by(User.active.desc(), User.id.desc()).limit(PAGE)  # newest first
    if query:
        like = f"%{query}%"
        people = people.where(or_(User.username.ilike(like), User.display_name.ilike(like), User.phone.ilike(like)))
    return render_template("directory/people.html", people=list(db_session().scalars(people)), q=query, **context)


@bp.route("/people", methods=["GET", "POST"])
@login_required
@roles_required(SYS, SEC)
def people() -> Page:
    """List people (searchable); a system administrator adds one with an initial password."""
    if request.method == "GET":
        return _render_people()

    def add() -> None:
        directory.create_user(db_session(), current_user, username=_form("username"),
                              display_name=_form("display_name"), phone=_form("phone"), email=_form("email"),
                              dingtalk_id=_form("dingtalk_id"), wecom_id=_form("wecom_id"),
                              password=request.form.get("password") or "", address=_address())

    return _submit(add, f"已添加 {_form('display_name')} (person added)", _render_people) or \
        redirect(url_for("directory.people"))


def _render_person(user_id: int, **context: Any) -> str:
    session = db_session()
    user = _user(user_id)
    delegations = list(session.scalars(select(Delegation).where(
        or_(Delegation.user_id == user.id, Delegation.delegate_id == user.id)).order_by(Delegation.starts_on)))
    return render_template("directory/person.html", person=user, roles=list(Role), delegations=delegations,
                           member=members.member_of(session, user), **context)


@bp.get("/people/<int:user_id>")
@login_required
@roles_required(SYS, SEC)
def person(user_id: int) -> Page:
    """Show one person: contact ids, roles with their dates, delegations, and the credential resets."""
    return _render_person(user_id)


@bp.post("/people/<int:user_id>/<action>")
@login_required
@roles_required(SYS, SEC)
def change_person(user_id: int, action: str) -> Page:
    """Change a person's contact ids or roles, deactivate them, reset credentials, or record a delegation."""
    session, user = db_session(), _user(user_id)
    shown: dict[str, str] = {}
    changes: dict[str, tuple[Callable[[], Any], str]] = {
        "contact": (lambda: directory.update_user(session, current_user, user, _address(), **{
            k: _form(k) for k in ("display_name", "phone", "email", "dingtalk_id", "wecom_id")}), "已保存 (saved)"),
        "roles": (lambda: _assign(user), "已授予角色 (role given)"),
        "deactivate": (lambda: directory.deactivate(session, current_user, user, _address()), "已停用 (deactivated)"),
        "reactivate": (lambda: directory.reactivate(session, current_user, user, _address()), "已启用 (reactivated)"),
        "reset-password": (lambda: shown.update(password=directory.reset_password(session, current_user, user,
                                                                                  _address())), ""),
        "reset-totp": (lambda: directory.reset_totp(session, current_user, user, _address()),
                       "已重置动态口令，下次登录重新绑定 (second factor reset)"),
        "unlock": (lambda: directory.unlock(session, current_user, user, _address()), "已解除锁定 (unlocked)"),
        "end-sessions": (lambda: directory.end_sessions(session, current_user, user, _address()),
                         "已强制下线 (signed out everywhere)"),
        "delegations": (lambda: _delegate(user), "已登记外出代理 (delegation recorded)"),
    }
    if action not in changes:
        raise NotFound(f"no action {action}")
    change, done = changes[action]
    refused = _submit(change, done, lambda **c: _render_person(user_id, **c))
    if refused:
        return refused
    if shown:  # the one-time password is shown once, on this page, never stored in the session or the log
        return _render_person(user_id, one_time_password=shown["password"])
    return redirect(url_for("directory.person", user_id=user_id))


def _assign(user: User) -> None:
    session = db_session()
    role = directory.role_of(_form("role"))
    if role is None:
        raise InvalidInput("unknown role", {"role": "请选择角色 (choose a role)"})
    scope, unit, org = _form("scope"), None, None
    if scope and role in directory.UNIT_ROLES:
        unit = session.scalar(select(Unit).where(Unit.code == scope))
        if unit is None:
            raise InvalidInput("unknown unit", {"scope": f"单位编码 {scope} 不存在 (no such unit)"})
    elif scope:
        org = _by_code(scope)
    directory.assign_role(session, current_user, user, role, org, unit, _day("starts_on"), _day("ends_on"),
                          _address())


def _delegate(user: User) -> None:
    session = db_session()
    to = session.scalar(select(User).where(User.username == _form("delegate")))
    if to is None:
        raise InvalidInput("unknown delegate", {"delegate": f"用户 {_form('delegate')} 不存在 (no such user)"})
    starts, ends = _day("starts_on"), _day("ends_on")
    if starts is None or ends is None:
        raise InvalidInput("dates required", {"starts_on": "请填写起止日期 (both dates are required)"})
    directory.delegate(session, current_user, user, to, starts, ends, _form("note"), _address())


@bp.post("/roles/<int:assignment_id>/end")
@login_required
@roles_required(SYS)
def end_role(assignment_id: int) -> Page:
    """End a role assignment on a day (today by default)."""
    assignment = require(db_session(), RoleAssignment, assignment_id, "role assignment")
    user_id = assignment.user_id
    refused = _submit(lambda: directory.end_role(db_session(), current_user, assignment,
                                                 _day("ends_on") or date.today(), _address()),
                      "角色已结束 (role ended)", lambda **c: _render_person(user_id, **c))
    return refused or redirect(url_for("directory.person", user_id=user_id))


def _render_members(**context: Any) -> str:
    session = db_session()
    return render_template(
        "directory/members.html",
        members=list(session.scalars(select(Member).order_by(Member.code).limit(1000))),
        sectors=list(session.scalars(select(Sector).order_by(Sector.code))),
        groups=list(session.scalars(select(LiaisonGroup).order_by(LiaisonGroup.code))), **context)


@bp.route("/members", methods=["GET", "POST"])
@login_required
@roles_required(SYS)
def member_list() -> Page:
    """List members with sector, assigned district or town, liaison group and term; add or change one."""
    if request.method == "GET":
        return _render_members()
    return _submit(_save_member, f"已保存委员 {_form('name')} (member saved)", _render_members) or \
        redirect(url_for("directory.member_list"))


def _save_member() -> None:
    session = db_session()
    sector = session.scalar(select(Sector).where(Sector.code == _form("sector")))
    if sector is None:
        raise InvalidInput("unknown sector",
                           {"sector": f"界别编码 {_form('sector') or '（空）'} 不存在 (no such sector)"})
    group = None
    if _form("liaison_group"):
        group = session.scalar(select(LiaisonGroup).where(LiaisonGroup.code == _form("liaison_group")))
        if group is None:
            raise InvalidInput("unknown group", {"liaison_group": f"联络组 {_form('liaison_group')} 不存在"})
    user = None
    if _form("username"):
        user = session.scalar(select(User).where(User.username == _form("username")))
        if user is None:
            raise InvalidInput("unknown user", {"username": f"用户 {_form('username')} 不存在 (no such user)"})
    members.save_member(session, current_user, code=_form("code"), name=_form("name"), phone=_form("phone"),
                        sector=sector, organization=_by_code(_form("organization")),
                        assigned=_by_code(_form("assigned")) if _form("assigned") else None, liaison_group=group,
                        term=_form("term"), term_start=_day("term_start"), term_end=_day("term_end"), user=user,
                        address=_address())


@bp.route("/import", methods=["GET", "POST"])
@login_required
@roles_required(SYS)
def import_workbook() -> Page:
    """Upload a filled-in template: check it (nothing written) or import it (all rows or none)."""
    if request.method == "GET":
        return render_template("directory/import.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template("directory/import.html", error="请选择 XLSX 文件 (choose an XLSX file)"), 422
    dry = request.form.get("mode") != "import"
    session = db_session()
    try:
        sheets = bulk.read(upload.read())
        with writing(session):
            report = (bulk.dry_run(session, current_user, sheets) if dry
                      else bulk.apply(session, current_user, sheets, _address()))
    except InvalidInput as exc:
        return render_template("directory/import.html", error="；".join(exc.fields.values()) or exc.message), 422
    status = 422 if report.problems else 200
    return render_template("directory/import.html", report=report, dry=dry, filename=upload.filename), status


def _download(data: bytes, name: str) -> Response:
    return Response(data, mimetype=XLSX, headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.get("/template.xlsx")
@login_required
@roles_required(SYS)
def template() -> Response:
    """Download the empty import template."""
    return _download(bulk.template(), "shangliang-template.xlsx")


@bp.get("/export.xlsx")
@login_required
@roles_required(SYS)
def export() -> Response:
    """Download the tree, units, people and members in the template's layout (audited)."""
    session = db_session()
    data = bulk.export(session)
    with writing(session):
        audit.record(session, "export", current_user, target="directory", address=_address())
    return _download(data, "shangliang-directory.xlsx")


@bp.get("/audit.xlsx")
@login_required
@roles_required(*audit.READERS)
def audit_export() -> Response:
    """Download the audit log (filtered like its page) as XLSX, with before and after values."""
    from webui.pages.admin_ops import audit_filter

    session, errors = db_session(), dict[str, str]()
    entries = audit.every(session, current_user, audit_filter(request.args, errors))
    rows = [[e.at.isoformat(), e.actor.username if e.actor else "", e.action, e.target, e.address,
             _json(e.payload.get("before")), _json(e.payload.get("after")),
             _json({k: v for k, v in e.payload.items() if k not in ("before", "after")})] for e in entries]
    with writing(session):
        audit.record(session, "export", current_user, target="audit_entry:", address=_address(), rows=len(rows))
    return _download(bulk.table(["时间", "操作人", "操作", "对象", "地址", "变更前", "变更后", "其他"], rows),
                     "shangliang-audit.xlsx")


def _json(value: Any) -> str:
    return "" if value is None or value == {} else json.dumps(value, ensure_ascii=False, sort_keys=True)


@bp.route("/me", methods=["GET", "POST"])
@login_required
def me() -> Page:
    """Show the signed-in user's roles, member record and delegations; record an out-of-office delegation."""
    session = db_session()

    def render(**context: Any) -> str:
        delegations = list(session.scalars(select(Delegation).where(
            or_(Delegation.user_id == current_user.id, Delegation.delegate_id == current_user.id))))
        covering = [(absent, inbox.inbox(session, absent, limit=50)) for absent in stands_in_for(current_user)]
        return render_template("directory/me.html", member=members.member_of(session, current_user),
                               delegations=delegations, covering=covering,
                               activities=activities.for_user(session, current_user), **context)

    if request.method == "GET":
        return render()
    refused = _submit(lambda: _delegate(current_user), "已登记外出代理 (delegation recorded)", render)
    return refused or redirect(url_for("directory.me"))
