"""The process administration part of the JSON API: versions, review, export, diff, drafts and bindings.

Authenticated like the rest of /api/v1 (webui/api.py); the engine checks the roles. Diagrams
travel as raw XML bodies (``Content-Type: application/xml``) and come back the same way.
"""
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select

from engine.diagrams import diff as diagram_diff
from engine.diagrams.loading import MAX_DIAGRAM_BYTES
from engine.errors import InvalidInput, ShangliangError, TooLarge
from models import ProcessDraft, ProcessVersion, Role
from webui.api import paging
from webui.api.topics import _domain_error, json_body, token_required
from webui.database import db_session, writes
from webui.security import diagram_file, download_only
from webui.verbs import route_verbs
from workflows.administration import bindings, drafts, review
from workflows.people.access import require, require_role

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)


def diagram_body() -> bytes:
    """Return the uploaded diagram, refusing an oversized one before reading it."""
    if (request.content_length or 0) > MAX_DIAGRAM_BYTES:
        raise TooLarge(f"the diagram is larger than {MAX_DIAGRAM_BYTES // 1024 // 1024} MB")
    request.max_content_length = MAX_DIAGRAM_BYTES  # a body without a length is cut off there too (413)
    data = request.get_data(cache=False)
    if len(data) > MAX_DIAGRAM_BYTES:
        raise TooLarge(f"the diagram is larger than {MAX_DIAGRAM_BYTES // 1024 // 1024} MB")
    if not data.strip():
        raise InvalidInput("send the BPMN file as the request body", {"body": "empty"})
    return data


def address() -> str:
    """Return the address the request came from, for the audit log."""
    return request.remote_addr or ""


def bind_list(raw: Any) -> list[str | None]:
    """Read districts to bind: a list (JSON, null for the default) or a comma list (query, 'default')."""
    if raw is None or raw == "":
        return []
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(i is None or isinstance(i, str) for i in items):
        raise InvalidInput("bad bindings", {"bind_to": "a list of district codes (null or 'default': every district)"})
    return [None if i in (None, "default") else i.strip() for i in items]


def _version(version_id: int) -> ProcessVersion:
    require_role(g.user, Role.PROCESS_ADMIN, Role.SUPERVISOR)
    return require(db_session(), ProcessVersion, version_id, "process version")


@bp.get("/processes")
@token_required
def list_versions() -> Response:
    """List deployed versions (``?process_id=`` narrows to one process), newest first."""
    query = select(ProcessVersion).order_by(ProcessVersion.id.desc())
    versions = [v for v in db_session().scalars(query)
                if not request.args.get("process_id") or v.definition.process_id == request.args["process_id"]]
    page = paging.page_args()
    found, total = paging.paged_list(versions, page)
    return paging.page_json("versions", [version_json(v) for v in found], total, page)


@bp.post("/processes")
@token_required
@writes
def deploy() -> tuple[Response, int]:
    """Deploy a BPMN file as a pending version (``?note=``, ``?name=``, ``?bind=tianning,default``)."""
    version = review.submit(db_session(), g.user, diagram_body(), source_name=request.args.get("name", "upload.bpmn"),
                            note=request.args.get("note", ""), bind_to=bind_list(request.args.get("bind")),
                            address=address())
    return jsonify(version_json(version)), 201


@bp.post("/processes/validate")
@token_required
def validate() -> Response:
    """Run every deploy-time check on a BPMN file without storing anything."""
    require_role(g.user, Role.PROCESS_ADMIN)
    problems = drafts.check(diagram_body())
    if problems:
        return _problems_response(problems)
    return jsonify(valid=True, problems=[])


def _problems_response(problems: list[Any]) -> Response:
    response = jsonify(valid=False, error={"status": 422, "message": "the diagram was refused: " + "; ".join(
        str(p) for p in problems[:5]), "problems": [vars(p) for p in problems]})
    response.status_code = 422
    return response


@bp.get("/processes/<int:version_id>")
@token_required
def get_version(version_id: int) -> Response:
    """Show one version."""
    return jsonify(version_json(_version(version_id)))


@bp.get("/processes/<int:version_id>/bpmn")
@download_only
@token_required
def export(version_id: int) -> Response:
    """Download a version's BPMN file exactly as deployed."""
    version = _version(version_id)
    return diagram_file(version.bpmn_xml, f"{version.definition.process_id}_v{version.number}.bpmn")


# The decisions on a pending version by the name in their URL: the service, and whether a JSON body is required.
REVIEW_DECISIONS: dict[str, tuple[Callable[..., ProcessVersion], bool]] = {
    "approve": (review.approve, False),  # by a second administrator; bound where its deployer asked
    "reject": (review.reject, True),  # with a reason: {"note": "..."}
}


@token_required
@writes
def decide(version_id: int, decision: str) -> Response:
    """Approve a pending version, or reject it with a reason (``{"note": "..."}``)."""
    service, body_required = REVIEW_DECISIONS[decision]
    body = json_body() if body_required else request.get_json(silent=True)
    note = str(body.get("note") or "") if isinstance(body, dict) else ""
    return jsonify(version_json(service(db_session(), g.user, version_id, note, address())))


route_verbs(bp, "/processes/<int:version_id>/{verb}", decide, REVIEW_DECISIONS, "decision")


@bp.get("/processes/diff")
@token_required
def diff() -> Response:
    """Compare two versions (``?from=<id>&to=<id>``): elements added, removed and changed."""
    try:
        old, new = _version(int(request.args["from"])), _version(int(request.args["to"]))
    except (KeyError, ValueError):
        raise InvalidInput("bad query", {"from": "a version id", "to": "a version id"}) from None
    return jsonify({"from": version_json(old), "to": version_json(new),
                    **diff_json(diagram_diff.diff(old.bpmn_xml, new.bpmn_xml))})


@bp.get("/bindings")
@token_required
def list_bindings() -> Response:
    """List which version each district's new topics use (district null: the default)."""
    require_role(g.user, Role.PROCESS_ADMIN, Role.SUPERVISOR)
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    found, total = paging.paged_list(bindings.table(db_session()), page)
    return paging.page_json("bindings", [vars(r) for r in found], total, page)


@bp.put("/bindings")
@token_required
@writes
def put_binding() -> Response:
    """Bind an approved version: ``{"version_id": 3, "district": "tianning"}`` (district null: default)."""
    body = json_body()
    district = body.get("district")
    if not isinstance(body.get("version_id"), int) or not (district is None or isinstance(district, str)):
        raise InvalidInput("bad binding", {"version_id": "an integer", "district": "a district code or null"})
    bindings.set_binding(db_session(), g.user, body["version_id"], district, address())
    return jsonify(bindings=[vars(r) for r in bindings.table(db_session())])


@bp.delete("/bindings")
@token_required
@writes
def delete_binding() -> Response:
    """Remove a district's own binding (``?process_id=&district=``): it falls back to the default."""
    process_id, district = request.args.get("process_id", ""), request.args.get("district", "")
    if not process_id or not district:
        raise InvalidInput("bad query", {"process_id": "required", "district": "required"})
    bindings.remove_binding(db_session(), g.user, process_id, district, address())
    return jsonify(bindings=[vars(r) for r in bindings.table(db_session())])


@bp.get("/drafts")
@token_required
def list_drafts() -> Response:
    """List the drafts being edited."""
    page = paging.page_args()
    found, total = paging.paged_list(drafts.listing(db_session(), g.user), page)
    return paging.page_json("drafts", [draft_json(d) for d in found], total, page)


@bp.post("/drafts")
@token_required
@writes
def create_draft() -> tuple[Response, int]:
    """Start a draft: an XML body (import, ``?title=``), or ``{"version_id": N}`` to edit a version."""
    if request.mimetype == "application/json":
        version_id = json_body().get("version_id")
        if not isinstance(version_id, int):
            raise InvalidInput("bad draft", {"version_id": "an integer"})
        draft = drafts.create(db_session(), g.user, b"", base_version_id=version_id)
    else:
        draft = drafts.create(db_session(), g.user, diagram_body(), title=request.args.get("title", ""))
    return jsonify(draft_json(draft)), 201


@bp.get("/drafts/<int:draft_id>")
@token_required
def get_draft(draft_id: int) -> Response:
    """Show a draft."""
    return jsonify(draft_json(drafts.get(db_session(), g.user, draft_id)))


@bp.get("/drafts/<int:draft_id>/bpmn")
@download_only
@token_required
def export_draft(draft_id: int) -> Response:
    """Download a draft's BPMN file."""
    draft = drafts.get(db_session(), g.user, draft_id)
    return diagram_file(draft.bpmn_xml, f"{draft.process_id or 'draft'}_draft{draft.id}.bpmn")


@bp.put("/drafts/<int:draft_id>")
@token_required
@writes
def save_draft(draft_id: int) -> Response:
    """Save the modeler's diagram into a draft (XML body)."""
    return jsonify(draft_json(drafts.save(db_session(), g.user, draft_id, diagram_body())))


@bp.delete("/drafts/<int:draft_id>")
@token_required
@writes
def delete_draft(draft_id: int) -> tuple[str, int]:
    """Throw a draft away."""
    drafts.delete(db_session(), g.user, draft_id)
    return "", 204


@bp.post("/drafts/<int:draft_id>/validate")
@token_required
def validate_draft(draft_id: int) -> Response:
    """Check a draft; problems name their elements so the modeler can mark them."""
    problems = drafts.check(drafts.get(db_session(), g.user, draft_id).bpmn_xml)
    return _problems_response(problems) if problems else jsonify(valid=True, problems=[])


@bp.post("/drafts/<int:draft_id>/deploy")
@token_required
@writes
def deploy_draft(draft_id: int) -> tuple[Response, int]:
    """Deploy a draft as a pending version: ``{"note": "...", "bind_to": ["tianning"]}``."""
    body = json_body()
    version = drafts.deploy(db_session(), g.user, draft_id, str(body.get("note", "")), bind_list(body.get("bind_to")),
                            address())
    return jsonify(version_json(version)), 201


def version_json(version: ProcessVersion) -> dict[str, Any]:
    """Represent a deployed process version and its review."""
    return {
        "id": version.id, "process_id": version.definition.process_id, "name": version.definition.name,
        "number": version.number, "label": version.label, "sha256": version.sha256, "note": version.note,
        "source_name": version.source_name, "status": version.status.value,
        "deployed_at": version.deployed_at.isoformat(),
        "deployed_by": version.deployed_by.username if version.deployed_by else None,
        "bind_on_approval": version.bind_on_approval,
        "reviewed_by": version.reviewed_by.username if version.reviewed_by else None,
        "reviewed_at": version.reviewed_at.isoformat() if version.reviewed_at else None,
        "review_note": version.review_note,
    }


def draft_json(draft: ProcessDraft) -> dict[str, Any]:
    """Represent a draft (without its XML: GET …/bpmn)."""
    return {"id": draft.id, "title": draft.title, "process_id": draft.process_id,
            "base_version": draft.base_version.label if draft.base_version else None,
            "updated_at": draft.updated_at.isoformat(),
            "updated_by": draft.updated_by.username if draft.updated_by else None, "size": len(draft.bpmn_xml)}


def diff_json(result: diagram_diff.DiagramDiff) -> dict[str, Any]:
    """Represent a diagram diff."""
    return {
        "added": [vars(e) for e in result.added], "removed": [vars(e) for e in result.removed],
        "changed": [{"element_id": c.element_id, "name": c.name, "kind": c.kind,
                     "changes": [vars(x) for x in c.changes]} for c in result.changed],
        "layout_changed": result.layout_changed,
    }
