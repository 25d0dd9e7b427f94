"""The form of every user task: its fields, their types and choices, and how input is checked.

Forms are keyed by the ``form`` property of a user task (docs/processes.md). Only declared
fields ever reach the workflow: task data is the namespace diagram expressions read, so an
undeclared key must not slip in through a form.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflows.i18n import N_

MAX_TEXT = 200
MAX_TEXTAREA = 20_000
MAX_SUGGESTION = 2_000
MAX_SUGGESTIONS = 50

YES = {"true", "1", "yes", "on", "y"}
NO = {"false", "0", "no", "off", "n", ""}


@dataclass(frozen=True)
class Field:
    """One input of a form; ``kind`` decides how raw input is read."""

    name: str
    label: str
    kind: str = "text"  # text | textarea | bool | choice | date | int | unit | units | file | suggestions
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Form:
    """A task's form; ``check`` adds rules that span fields (e.g. a rejection needs a reason)."""

    key: str
    title: str
    fields: tuple[Field, ...]
    check: Callable[[dict[str, Any]], dict[str, str]] = field(default=lambda _: {})


class FormInvalid(ValueError):
    """Input did not fit the form; ``errors`` maps each field to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _reason_when_rejected(data: dict[str, Any]) -> dict[str, str]:
    if data.get("approved") is False and not data.get("opinion"):
        return {"opinion": "a rejection needs a reason (不同意时须说明理由)"}
    return {}


def _reason_when_kept_open(data: dict[str, Any]) -> dict[str, str]:
    if data.get("close_topic") is False and not data.get("opinion"):
        return {"opinion": "say what the follow-up should cover (须说明继续跟踪的要点)"}
    return {}


def _reason_when_unsatisfied(data: dict[str, Any]) -> dict[str, str]:
    if data.get("rating") == "unsatisfied" and not data.get("rating_note"):
        return {"rating_note": "say why the reply is unsatisfactory (不满意须说明理由)"}
    return {}


def _lead_not_assisting(data: dict[str, Any]) -> dict[str, str]:
    if data.get("lead_unit") in (data.get("assisting_units") or []):
        return {"assisting_units": "the lead unit cannot also assist (主办单位不能同时为协办单位)"}
    return {}


def _reason_when_returned(data: dict[str, Any]) -> dict[str, str]:
    if data.get("returned") is True and not data.get("return_reason"):
        return {"return_reason": "say why the topic is not yours to handle (退回须说明理由)"}
    return {}


APPROVAL_FIELDS = (
    Field("approved", "同意 Approved", "bool"),
    Field("opinion", "意见 Opinion", "textarea", required=False),
)
REPLY_CLASSES = (("A", N_("A 类：已解决")), ("B", N_("B 类：正在解决")), ("C", N_("C 类：列入计划或说明情况")))
RATINGS = (("satisfied", N_("满意")), ("basically_satisfied", N_("基本满意")), ("unsatisfied", N_("不满意")))
MEETING_FORMS = (("on_site", N_("现场协商")), ("online", N_("网络议政")), ("remote", N_("远程协商")))
FOLLOW_UP_METHODS = (
    ("democratic_supervision", N_("民主监督")),
    ("inspection", N_("再视察")),
    ("re_research", N_("再调研")),
    ("re_consultation", N_("再协商")),
)


def _approval(key: str, title: str) -> Form:
    return Form(key, title, APPROVAL_FIELDS, _reason_when_rejected)


FORMS: dict[str, Form] = {
    form.key: form
    for form in (
        Form("submit_proposal", "提交议题建议", (
            Field("rationale", "立题理由 Rationale", "textarea"),
            Field("committee", "承办专委会（工委） Undertaking committee", "unit"),
            Field("sensitive", "敏感或长期未解决问题 Sensitive", "bool", required=False),
        )),
        _approval("chairs_review", "主席会议审议"),
        _approval("party_approval", "党委审定"),
        Form("enter_annual_plan", "列入年度协商计划", (
            Field("plan_year", "计划年度 Plan year", "int", minimum=2000, maximum=2100),
            Field("planned_month", "计划月份 Planned month", "int", required=False, minimum=1, maximum=12),
        )),
        _approval("town_committee_review", "镇（街道）政协工委审议"),
        _approval("town_party_approval", "镇（街道）党（工）委审定"),
        _approval("district_review", "区政协审核"),
        Form("district_filing", "报区政协备案", (Field("filing_no", "备案号 Filing number"),)),
        Form("research", "深入调研", (
            Field("research_report", "调研报告 Research report", "textarea"),
            Field("report_file", "报告附件 Report file", "file", required=False),
        )),
        Form("brief_leadership", "向党委政府通报", (
            Field("briefed_on", "通报日期 Briefed on", "date"),
            Field("briefing_note", "通报情况 Briefing note", "textarea"),
        )),
        Form("send_materials", "提前发送协商材料", (
            Field("participants", "参加人员 Participants", "textarea"),
            Field("materials_sent_on", "材料发送日期 Materials sent on", "date"),
        )),
        Form("hold_meeting", "召开协商会议", (
            Field("meeting_form", "协商形式 Form", "choice", choices=MEETING_FORMS),
            Field("held_on", "会议日期 Held on", "date"),
            Field("departments_answered", "部门现场回应 Departments' answers", "textarea"),
        )),
        Form("submit_minutes", "报送协商纪要", (
            Field("minutes", "协商纪要 Minutes", "textarea"),
            Field("lead_unit", "主办单位 Lead unit", "unit"),
            Field("assisting_units", "协办单位 Assisting units", "units", required=False),
            Field("suggestions", "纪要所列建议 Suggestions of the minutes", "suggestions", required=False),
        ), _lead_not_assisting),
        Form("sign_receipt", "签收", (
            Field("returned", "退回（交办有误） Return as misassigned", "bool", required=False),
            Field("return_reason", "退回理由 Reason for returning", "textarea", required=False),
            Field("note", "备注 Note", "textarea", required=False),
        ), _reason_when_returned),
        Form("reassign_lead_unit", "重新交办", (
            Field("lead_unit", "主办单位 Lead unit", "unit"),
            Field("assisting_units", "协办单位 Assisting units", "units", required=False),
            Field("note", "交办说明 Note", "textarea", required=False),
        ), _lead_not_assisting),
        Form("assist_opinion", "协办单位意见", (Field("unit_opinion", "协办意见 Opinion", "textarea"),)),
        Form("write_reply", "办理并书面答复", (
            Field("reply_class", "答复类别 Reply class", "choice", choices=REPLY_CLASSES),
            Field("reply", "答复内容 Reply", "textarea"),
            Field("reply_file", "答复函 Reply letter", "file", required=False),
        )),
        Form("rate_reply", "答复满意度测评", (
            Field("rating", "测评结果 Rating", "choice", choices=RATINGS),
            Field("rating_note", "测评意见 Note", "textarea", required=False),
        ), _reason_when_unsatisfied),
        Form("follow_up", "跟踪问效", (
            Field("method", "方式 Method", "choice", choices=FOLLOW_UP_METHODS),
            Field("findings", "情况 Findings", "textarea"),
        )),
        Form("chairs_close", "主席会议审议办理成效", (
            Field("close_topic", "办结 Close the topic", "bool"),
            Field("opinion", "意见 Opinion", "textarea", required=False),
        ), _reason_when_kept_open),
    )
}


def validate(form: Form, raw: Mapping[str, Any], unit_exists: Callable[[str], bool]) -> dict[str, Any]:
    """Return the cleaned data of ``raw`` for ``form``, or raise FormInvalid naming each bad field."""
    unknown = sorted(set(raw) - {f.name for f in form.fields})
    errors = {name: "not a field of this form" for name in unknown}
    cleaned: dict[str, Any] = {}
    for spec in form.fields:
        try:
            value = _read(spec, raw.get(spec.name), unit_exists)
        except ValueError as exc:
            errors[spec.name] = str(exc)
            continue
        if value is None and spec.required:
            errors[spec.name] = "required (必填)"
        cleaned[spec.name] = value if value is not None else _empty(spec)
    if not errors:
        errors = form.check(cleaned)
    if errors:
        raise FormInvalid(errors)
    return cleaned


def _empty(spec: Field) -> Any:
    return {"bool": False, "units": [], "suggestions": [], "int": None}.get(spec.kind, "")


def _read(spec: Field, value: Any, unit_exists: Callable[[str], bool]) -> Any:
    """Convert one raw value; None means absent. Raise ValueError with a message for the user."""
    if value is None or (isinstance(value, str) and not value.strip() and spec.kind != "bool"):
        return None
    reader = _READERS[spec.kind]
    return reader(spec, value, unit_exists)


def _text(spec: Field, value: Any, _: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be text")
    limit = MAX_TEXTAREA if spec.kind == "textarea" else MAX_TEXT
    if len(value) > limit:
        raise ValueError(f"at most {limit} characters")
    return value.strip()


def _bool(spec: Field, value: Any, _: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in YES | NO:
        return value.strip().lower() in YES
    raise ValueError("must be true or false")


def _choice(spec: Field, value: Any, _: Any) -> str:
    allowed = [c for c, _label in spec.choices]
    if value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return str(value)


def _int(spec: Field, value: Any, _: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("must be a whole number")
    try:
        number = int(value)
    except ValueError:
        raise ValueError("must be a whole number") from None
    if spec.minimum is not None and number < spec.minimum or spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"must be between {spec.minimum} and {spec.maximum}")
    return number


def _date(spec: Field, value: Any, _: Any) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError("must be a date written YYYY-MM-DD") from None


def _unit(spec: Field, value: Any, unit_exists: Callable[[str], bool]) -> str:
    if not isinstance(value, str) or not unit_exists(value):
        raise ValueError(f"unknown unit {value!r}")
    return value


def _units(spec: Field, value: Any, unit_exists: Callable[[str], bool]) -> list[str]:
    codes = [c.strip() for c in value.split(",")] if isinstance(value, str) else value
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise ValueError("must be a list of unit codes")
    unknown = [c for c in codes if c and not unit_exists(c)]
    if unknown:
        raise ValueError(f"unknown units: {', '.join(unknown)}")
    return list(dict.fromkeys(c for c in codes if c))


def _suggestions(spec: Field, value: Any, unit_exists: Callable[[str], bool]) -> list[dict[str, str]] | None:
    """Read the minutes' suggestions: each a text and the unit that handles it; blank rows are dropped."""
    if not isinstance(value, list) or not all(isinstance(row, dict) for row in value):
        raise ValueError("must be a list of suggestions, each with its text and unit (每条建议须有内容和承办单位)")
    rows = [{"text": str(row.get("text") or "").strip(), "unit": str(row.get("unit") or "").strip()}
            for row in value]
    rows = [row for row in rows if row["text"] or row["unit"]]
    if len(rows) > MAX_SUGGESTIONS:
        raise ValueError(f"at most {MAX_SUGGESTIONS} suggestions (建议不超过 {MAX_SUGGESTIONS} 条)")
    for number, row in enumerate(rows, start=1):
        if not row["text"] or len(row["text"]) > MAX_SUGGESTION:
            raise ValueError(f"suggestion {number}: write its text, at most {MAX_SUGGESTION} characters "
                             f"(第 {number} 条建议：请填写内容，不超过 {MAX_SUGGESTION} 字)")
        if not unit_exists(row["unit"]):
            raise ValueError(f"suggestion {number}: choose its handling unit (第 {number} 条建议：请选择承办单位)")
    return rows or None


_READERS: dict[str, Callable[[Field, Any, Callable[[str], bool]], Any]] = {
    "text": _text,
    "textarea": _text,
    "file": _text,
    "bool": _bool,
    "choice": _choice,
    "int": _int,
    "date": _date,
    "unit": _unit,
    "units": _units,
    "suggestions": _suggestions,
}
