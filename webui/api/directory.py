"""The go-live part of the JSON API: the organization tree, units, people and their roles, members,
and the XLSX import with its dry run.

Authenticated by bearer token like the rest of /api/v1; the services in workflows/organizations
and workflows/people check the roles (system administrator; security administrator for credential
resets) and audit every change with the request's address. Each write is one transaction.
"""
from datetime import date
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine.errors import InvalidInput, NotFound, ShangliangError
from models import Member, Organization, OrgKind, Unit, UnitKind, User
from webui.api import paging
from webui.api.admin import address
from webui.api.topics import _domain_error, json_body, token_required
from webui.database import db_session, writes
from workflows.organizations import bulk, tree
from workflows.people import directory

bp = Blueprint("directory_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)


def _text(body: dict[str, Any], name: str, required: bool = False) -> str:
    value = body.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise InvalidInput("bad field", {name: "text" + (" (required)" if required else "")})
    return value.strip()


def _day(body: dict[str, Any], name: str) -> date | None:
    raw = _text(body, name)
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        raise InvalidInput("bad field", {name: "a date written YYYY-MM-DD"}) from None


def _org(code: str) -> Organization:
    return tree.by_code(db_session(), code)


def _user(username: str) -> User:
    user = db_session().scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def org_json(org: Organization) -> dict[str, Any]:
    """Represent one organization."""
    return {"code": org.code, "name": org.name, "kind": org.kind.value, "active": org.active,
            "parent": org.parent.code if org.parent else None,
            "merged_into": org.merged_into.code if org.merged_into else None}


@bp.get("/organizations")
@token_required
def organizations() -> Response:
    """List every organization (parents before children is not promised; use ``parent``)."""
    directory.require_system_admin(g.user)
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    orgs, total = paging.paged_query(db_session(), select(Organization).order_by(Organization.code), page)
    return paging.page_json("organizations", [org_json(o) for o in orgs], total, page)


@bp.post("/organizations")
@token_required
@writes
def add_organization() -> tuple[Response, int]:
    """Add an organization: ``{"code", "name", "kind", "parent"}``."""
    body = json_body()
    kind = tree.kind_of(_text(body, "kind", True), tree.KIND_LABELS, OrgKind)
    if kind is None:
        raise InvalidInput("unknown kind", {"kind": " | ".join(k.value for k in OrgKind)})
    parent = _org(_text(body, "parent")) if _text(body, "parent") else None
    org = tree.create(db_session(), g.user, _text(body, "code", True), _text(body, "name", True), kind, parent,
                      address())
    return jsonify(org_json(org)), 201


@bp.patch("/organizations/<code>")
@token_required
@writes
def change_organization(code: str) -> Response:
    """Rename (``name``) and/or move (``parent``) an organization."""
    body, org = json_body(), _org(code)
    if "name" in body:
        tree.rename(db_session(), g.user, org, _text(body, "name", True), address())
    if "parent" in body:
        tree.move(db_session(), g.user, org, _org(_text(body, "parent", True)), address())
    return jsonify(org_json(org))


@bp.post("/organizations/<code>/<action>")
@token_required
@writes
def organization_action(code: str, action: str) -> Response:
    """Merge (``{"into": code}``), deactivate or reactivate an organization."""
    org, session = _org(code), db_session()
    if action == "merge":
        moved = tree.merge(session, g.user, org, _org(_text(json_body(), "into", True)), address())
        return jsonify({**org_json(org), "moved": moved})
    if action == "deactivate":
        tree.deactivate(session, g.user, org, address())
    elif action == "reactivate":
        tree.reactivate(session, g.user, org, address())
    else:
        raise NotFound(f"no action {action}")
    return jsonify(org_json(org))


@bp.delete("/organizations/<code>")
@token_required
@writes
def delete_organization(code: str) -> tuple[str, int]:
    """Delete an organization entered by mistake (never one with topics, children, units or people)."""
    tree.delete(db_session(), g.user, _org(code), address())
    return "", 204


@bp.get("/units")
@token_required
def units() -> Response:
    """List every unit with its organization and leader."""
    directory.require_system_admin(g.user)
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    rows, total = paging.paged_query(db_session(), select(Unit).order_by(Unit.code), page)
    return paging.page_json("units", [tree.unit_describe(u) for u in rows], total, page)


@bp.put("/units/<code>")
@token_required
@writes
def save_unit(code: str) -> Response:
    """Add or change a unit: ``{"name", "kind", "organization", "leader"}``."""
    body = json_body()
    kind = tree.kind_of(_text(body, "kind", True), tree.UNIT_KIND_LABELS, UnitKind)
    if kind is None:
        raise InvalidInput("unknown kind", {"kind": " | ".join(k.value for k in UnitKind)})
    leader = _user(_text(body, "leader")) if _text(body, "leader") else None
    unit = tree.save_unit(db_session(), g.user, code, _text(body, "name", True), kind,
                          _org(_text(body, "organization", True)), leader, address())
    return jsonify(tree.unit_describe(unit))


def user_json(user: User) -> dict[str, Any]:
    """Represent one person with their role assignments."""
    return {**directory.describe(user), "roles": [directory.describe_assignment(a) for a in user.roles]}


@bp.get("/users")
@token_required
def users() -> Response:
    """List people with their roles (system and security administrators)."""
    if not (g.user.has_role(directory.Role.SECURITY_ADMIN)):
        directory.require_system_admin(g.user)
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    query = select(User).options(selectinload(User.roles)).order_by(User.username)  # one query for the page's roles
    rows, total = paging.paged_query(db_session(), query, page)
    return paging.page_json("users", [user_json(u) for u in rows], total, page)


@bp.post("/users")
@token_required
@writes
def add_user() -> tuple[Response, int]:
    """Add a person: ``{"username", "display_name", "phone", "email", "dingtalk_id", "wecom_id"}``."""
    body = json_body()
    user = directory.create_user(db_session(), g.user, username=_text(body, "username", True),
                                 display_name=_text(body, "display_name", True), phone=_text(body, "phone"),
                                 email=_text(body, "email"), dingtalk_id=_text(body, "dingtalk_id"),
                                 wecom_id=_text(body, "wecom_id"), address=address())
    return jsonify(user_json(user)), 201


@bp.post("/users/<username>/roles")
@token_required
@writes
def add_role(username: str) -> Response:
    """Give a role: ``{"role", "organization" | "unit", "starts_on", "ends_on"}``."""
    body, session = json_body(), db_session()
    role = directory.role_of(_text(body, "role", True))
    if role is None:
        raise InvalidInput("unknown role", {"role": " | ".join(r.value for r in directory.ROLE_LABELS)})
    unit = None
    if _text(body, "unit"):
        unit = session.scalar(select(Unit).where(Unit.code == _text(body, "unit")))
        if unit is None:
            raise NotFound(f"no unit {_text(body, 'unit')}")
    org = _org(_text(body, "organization")) if _text(body, "organization") else None
    user = _user(username)
    directory.assign_role(session, g.user, user, role, org, unit, _day(body, "starts_on"), _day(body, "ends_on"),
                          address())
    return jsonify(user_json(user))


@bp.post("/users/<username>/<action>")
@token_required
@writes
def user_action(username: str, action: str) -> Response:
    """Deactivate or reactivate a person; reset their password (returned once) or their second factor."""
    session, user = db_session(), _user(username)
    if action == "deactivate":
        handed = directory.deactivate(session, g.user, user, address())
        return jsonify({**user_json(user), "tasks_handed_back": handed})
    if action == "reactivate":
        directory.reactivate(session, g.user, user, address())
    elif action == "reset-password":
        return jsonify({"username": user.username,
                        "one_time_password": directory.reset_password(session, g.user, user, address())})
    elif action == "reset-totp":
        directory.reset_totp(session, g.user, user, address())
    else:
        raise NotFound(f"no action {action}")
    return jsonify(user_json(user))


@bp.get("/members")
@token_required
def member_list() -> Response:
    """List CPPCC members with sector, assigned district or town, liaison group and term."""
    directory.require_system_admin(g.user)
    from workflows.people.members import describe

    page = paging.page_args(default=paging.MAX_PER_PAGE)
    rows, total = paging.paged_query(db_session(), select(Member).order_by(Member.code), page)
    return paging.page_json("members", [describe(m) for m in rows], total, page)


@bp.post("/imports")
@token_required
@writes
def import_workbook() -> tuple[Response, int]:
    """Import a filled-in template (multipart ``file``); ``?dry_run=true`` checks and writes nothing."""
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("no file", {"file": "upload the XLSX as multipart field 'file'"})
    sheets = bulk.read(upload.read())
    dry = request.args.get("dry_run", "false") == "true"
    session = db_session()
    report = bulk.dry_run(session, g.user, sheets) if dry else bulk.apply(session, g.user, sheets, address())
    return jsonify(dry_run=dry, **report.as_dict()), 422 if report.problems else 200
