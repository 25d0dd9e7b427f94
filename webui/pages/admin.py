"""Process administration pages: processes and versions, review, the modeler, diff, bindings.

Process administrators only (supervisors may read the version and diff pages). Form posts
carry the CSRF token; the modeler's fetches send it as ``X-CSRFToken``. Every change goes
through the engine services, which audit it with the request's address.
"""
from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.diagrams import diff as diagram_diff
from engine.diagrams.loading import MAX_DIAGRAM_BYTES
from engine.errors import ShangliangError, TooLarge
from models import Organization, OrgKind, ProcessDefinition, ProcessDraft, ProcessVersion, Role, VersionStatus
from models.database import writing
from webui.database import db_session
from webui.i18n import N_, select_locale
from webui.pages import diagram_problems
from webui.security import diagram_file, download_only, modeler_policy, roles_required
from webui.verbs import route_verbs
from workflows.administration import bindings, drafts, review
from workflows.people.access import require
from workflows.rules.forms import FORMS
from workflows.rules.roles import CANDIDATES, LANE_ROLES
from workflows.rules.stages import STAGE_LABELS, STAGES

bp = Blueprint("admin", __name__, url_prefix="/admin")
ADMIN = Role.PROCESS_ADMIN
STATUS_BADGES = {"pending": "yellow", "approved": "green", "rejected": "grey"}
STATUS_LABELS = {"pending": "待审批", "approved": "已生效", "rejected": "已驳回"}
ROLE_LABELS = {"cppcc_office": "政协办公室", "chair": "主席会议", "committee": "专委会/工委",
               "handling_unit": "承办单位"}
CANDIDATE_LABELS = {"platform": "议题所在平台", "district": "所在区", "committee": "承办专委会",
                    "lead_unit": "主办单位", "assist_unit": "协办单位"}


def address() -> str:
    """Return the request's address, for the audit log."""
    return request.remote_addr or ""


def districts() -> list[Organization]:
    """Return the city and every district: the levels with bindings of their own, the city first."""
    return list(db_session().scalars(select(Organization).where(Organization.kind.in_(bindings.BINDING_LEVELS))
                                     .order_by(Organization.kind != OrgKind.CITY, Organization.id)))


def version_or_404(version_id: int) -> ProcessVersion:
    """Return a stored version."""
    return require(db_session(), ProcessVersion, version_id, "process version")


def back(endpoint: str, **values: Any) -> Response:
    """Redirect to a page of this blueprint."""
    return redirect(url_for(endpoint, **values))


def attempt(action: Any, done: str) -> bool:
    """Run an engine call in one write transaction; flash its success, or its error (rolled back), and say which."""
    try:
        with writing(db_session()):
            action()
    except ShangliangError as exc:
        flash(exc.message, "error")
        return False
    flash(done, "success")
    return True


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"status_badges": STATUS_BADGES, "version_labels": STATUS_LABELS}


@bp.get("/")
@login_required
@roles_required(ADMIN)
def index() -> str:
    """List every process with its versions, the pending reviews, the drafts and the bindings."""
    session = db_session()
    definitions = session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.process_id)).all()
    pending = session.scalars(select(ProcessVersion).where(ProcessVersion.status == VersionStatus.PENDING)
                              .order_by(ProcessVersion.id)).all()
    return render_template("admin/index.html", definitions=definitions, pending=pending,
                           drafts=drafts.listing(session, current_user), bindings=bindings.table(session))


@bp.get("/versions/<int:version_id>")
@login_required
@roles_required(ADMIN, Role.SUPERVISOR)
def version(version_id: int) -> str:
    """Show one version: its diagram, review, bindings and the versions to compare it with."""
    shown = version_or_404(version_id)
    siblings = [v for v in shown.definition.versions if v.id != shown.id]
    bound = [r for r in bindings.table(db_session()) if r.version_id == shown.id]
    return render_template("admin/version.html", version=shown, siblings=siblings, bound=bound,
                           districts=districts(), is_admin=current_user.has_role(ADMIN))


@bp.get("/versions/<int:version_id>.bpmn")
@download_only
@login_required
@roles_required(ADMIN, Role.SUPERVISOR)
def export(version_id: int) -> Response:
    """Download a version's BPMN file as deployed."""
    shown = version_or_404(version_id)
    return diagram_file(shown.bpmn_xml, f"{shown.definition.process_id}_v{shown.number}.bpmn")


# The decisions on a pending version by the name in their URL: the service and what the page then says.
REVIEW_DECISIONS: dict[str, tuple[Callable[..., ProcessVersion], str]] = {
    "approve": (review.approve, "已批准，版本生效 (approved)"),  # by a second administrator
    "reject": (review.reject, "已驳回 (rejected)"),  # with a reason
}


@login_required
@roles_required(ADMIN)
def decide(version_id: int, decision: str) -> Response:
    """Approve a pending version (a second administrator), or reject it with a reason."""
    service, done = REVIEW_DECISIONS[decision]
    attempt(lambda: service(db_session(), current_user, version_id, request.form.get("note", ""), address()), done)
    return back("admin.version", version_id=version_id)


route_verbs(bp, "/versions/<int:version_id>/{verb}", decide, REVIEW_DECISIONS, "decision")


@bp.post("/bindings")
@login_required
@roles_required(ADMIN)
def bind() -> Response:
    """Bind an approved version for a district, or as the default."""
    district = request.form.get("district") or None
    version_id = request.form.get("version_id", type=int) or 0
    attempt(lambda: bindings.set_binding(db_session(), current_user, version_id, district, address()),
            "绑定已更新 (bound)")
    return redirect(request.form.get("next") or url_for("admin.index"))


@bp.post("/bindings/remove")
@login_required
@roles_required(ADMIN)
def unbind() -> Response:
    """Remove a district's own binding."""
    attempt(lambda: bindings.remove_binding(db_session(), current_user, request.form.get("process_id", ""),
                                            request.form.get("district", ""), address()), "已恢复默认绑定 (unbound)")
    return back("admin.index")


@bp.get("/diff")
@login_required
@roles_required(ADMIN, Role.SUPERVISOR)
def diff() -> str:
    """Show two versions side by side with what was added, removed and changed."""
    old = version_or_404(request.args.get("from", type=int) or 0)
    new = version_or_404(request.args.get("to", type=int) or 0)
    result = diagram_diff.diff(old.bpmn_xml, new.bpmn_xml)
    marks = {"old": {"removed": [e.element_id for e in result.removed],
                     "changed": [e.element_id for e in result.changed]},
             "new": {"added": [e.element_id for e in result.added],
                     "changed": [e.element_id for e in result.changed]}}
    return render_template("admin/diff.html", old=old, new=new, result=result, marks=marks)


@bp.post("/drafts")
@login_required
@roles_required(ADMIN)
def new_draft() -> Response:
    """Start a draft from a stored version, or from an uploaded .bpmn file made elsewhere."""
    session = db_session()
    version_id = request.form.get("version_id", type=int)
    upload = request.files.get("file")
    try:
        existing = session.scalar(select(ProcessDraft).where(ProcessDraft.base_version_id == version_id)
                                  .order_by(ProcessDraft.updated_at.desc()).limit(1)) if version_id else None
        if existing is not None:  # one draft per version being edited: a second press opens it again
            flash(_("已打开该版本正在编辑的草稿。"), "success")
            return back("admin.modeler", draft_id=existing.id)
        if version_id:
            with writing(session):
                draft = drafts.create(session, current_user, b"", base_version_id=version_id)
        elif upload is not None and upload.filename:
            data = upload.read(MAX_DIAGRAM_BYTES + 1)
            if len(data) > MAX_DIAGRAM_BYTES:
                raise TooLarge(f"the diagram is larger than {MAX_DIAGRAM_BYTES // 1024 // 1024} MB")
            with writing(session):
                draft = drafts.create(session, current_user, data,
                                      title=request.form.get("title", "") or upload.filename)
        else:
            flash("请选择一个版本或上传 .bpmn 文件 (choose a version or a file)", "error")
            return back("admin.index")
    except ShangliangError as exc:
        flash(_("导入失败：%(why)s", why=diagram_problems.refusal(exc)), "error")
        return back("admin.index")
    return back("admin.modeler", draft_id=draft.id)


PANEL_WORDS = {  # the properties panel's own words; bpmn-js's built-in ones are in webui/static/src/translate.js
    "group": N_("议题办理属性"), "lane_group": N_("泳道角色"), "role": N_("角色"), "stage": N_("阶段"),
    "form": N_("表单"), "candidate": N_("办理方"), "clock": N_("办理期限"), "warn": N_("预警提前量"),
    "clock_start": N_("起算"), "clock_hint": N_("例如 15wd（工作日）或 3m（月）"), "warn_hint": N_("例如 3wd"),
    "on_ready": N_("任务到达时"), "on_signed": N_("签收时"),
}


def modeler_choices() -> dict[str, Any]:
    """Return what the properties panel offers (stages, forms, candidates, lane roles) and its words, translated."""
    return {
        "stages": [[s, _(STAGE_LABELS[s])] for s in STAGES],
        "forms": [[key, _(form.title)] for key, form in FORMS.items()],
        "candidates": [[c, _(CANDIDATE_LABELS[c]) if c in CANDIDATE_LABELS else ""] for c in CANDIDATES],
        "roles": [[r, _(ROLE_LABELS[r]) if r in ROLE_LABELS else ""] for r in LANE_ROLES],
        "words": {key: _(text) for key, text in PANEL_WORDS.items()},
        "locale": select_locale(),  # bpmn-js's own words follow it (webui/static/src/translate.js)
    }


@bp.get("/drafts/<int:draft_id>")
@modeler_policy
@login_required
@roles_required(ADMIN)
def modeler(draft_id: int) -> str:
    """Edit a draft in the modeler: the diagram, its properties, validation and deployment."""
    draft = drafts.get(db_session(), current_user, draft_id)
    return render_template("admin/modeler.html", draft=draft, choices=modeler_choices(), districts=districts())


@bp.get("/drafts/<int:draft_id>.bpmn")
@download_only
@login_required
@roles_required(ADMIN)
def draft_xml(draft_id: int) -> Response:
    """Return a draft's diagram, as a file to save (the modeler reads it by fetch)."""
    draft = drafts.get(db_session(), current_user, draft_id)
    return diagram_file(draft.bpmn_xml, f"{draft.process_id or 'draft'}_draft{draft.id}.bpmn")


def _modeler_body() -> bytes:
    if (request.content_length or 0) > MAX_DIAGRAM_BYTES:
        raise TooLarge(f"the diagram is larger than {MAX_DIAGRAM_BYTES // 1024 // 1024} MB")
    request.max_content_length = MAX_DIAGRAM_BYTES  # a body without a length is cut off there too (413)
    return request.get_data(cache=False)


@bp.put("/drafts/<int:draft_id>.bpmn")
@login_required
@roles_required(ADMIN)
def save_draft(draft_id: int) -> Response | tuple[Response, int]:
    """Save what the modeler holds into the draft."""
    try:
        with writing(db_session()):
            draft = drafts.save(db_session(), current_user, draft_id, _modeler_body())
    except ShangliangError as exc:
        return jsonify(saved=False, message=exc.message, **exc.details), exc.status
    return jsonify(saved=True, process_id=draft.process_id, updated_at=draft.updated_at.isoformat())


@bp.post("/drafts/<int:draft_id>/validate")
@login_required
@roles_required(ADMIN)
def validate_draft(draft_id: int) -> Response:
    """Check the draft as stored: one problem per cause, in words, naming the elements the modeler marks."""
    xml = drafts.get(db_session(), current_user, draft_id).bpmn_xml
    problems = [*drafts.check(xml), *diagram_problems.layout_problems(xml)]
    return jsonify(valid=not problems, problems=diagram_problems.gathered(problems))


@bp.post("/drafts/<int:draft_id>/deploy")
@login_required
@roles_required(ADMIN)
def deploy_draft(draft_id: int) -> Response:
    """Deploy the draft as a pending version, to be bound where chosen once a second administrator approves."""
    bind_to = [None if code == "default" else code for code in request.form.getlist("bind_to")]
    try:
        with writing(db_session()):
            deployed = drafts.deploy(db_session(), current_user, draft_id, request.form.get("note", ""), bind_to,
                                     address())
    except ShangliangError as exc:
        flash(_("未能部署：%(why)s", why=diagram_problems.refusal(exc)), "error")
        return back("admin.modeler", draft_id=draft_id)
    flash(_("%(version)s 已提交，待另一位流程管理员审批", version=deployed.label), "success")
    return back("admin.version", version_id=deployed.id)


@bp.post("/drafts/<int:draft_id>/delete")
@login_required
@roles_required(ADMIN)
def delete_draft(draft_id: int) -> Response:
    """Throw a draft away."""
    attempt(lambda: drafts.delete(db_session(), current_user, draft_id), "草稿已删除 (deleted)")
    return back("admin.index")
