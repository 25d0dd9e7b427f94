"""The kind of consultation (协商形式) and the proposal number (提案号) of a topic or an activity.

Called by the start of a topic (workflows.topics.lifecycle), the planning of an activity
(workflows.platform.activities) and the list filters: one check of both fields, so a topic and an
activity accept the same values. A 提案办理协商 comes from the proposal system and needs its number;
any other kind may carry one when it grew out of a proposal.
"""
import re
from collections.abc import Mapping
from typing import Any

from models import ConsultationKind
from workflows.i18n import N_

KIND_LABELS: dict[str, str] = {
    ConsultationKind.YOUSHI.value: N_("有事好商量"), ConsultationKind.THEMATIC.value: N_("专题协商"),
    ConsultationKind.COUNTERPART.value: N_("对口协商"), ConsultationKind.SECTOR.value: N_("界别协商"),
    ConsultationKind.PROPOSAL_HANDLING.value: N_("提案办理协商"),
}
# Letters, digits, CJK and the brackets and separators proposal numbers are written with (〔2025〕第12号, 2025-0012).
PROPOSAL_NUMBER = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff〔〕（）()\[\]【】#/.\- ]{1,40}$")


def clean(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the kind and the proposal number from a form or JSON body, and the problems by field.

    A missing kind is 有事好商量, the platform's own.
    """
    raw_kind, raw_number = fields.get("consultation_kind"), fields.get("proposal_number")
    problems: dict[str, str] = {}
    kind = ConsultationKind.YOUSHI
    if raw_kind not in (None, ""):
        try:
            kind = ConsultationKind(str(raw_kind))
        except ValueError:
            problems["consultation_kind"] = f"must be one of {', '.join(k.value for k in ConsultationKind)}"
    number = raw_number.strip() if isinstance(raw_number, str) else ""
    if raw_number is not None and not isinstance(raw_number, str):
        problems["proposal_number"] = "must be text (提案号须为文字)"
    elif number and not PROPOSAL_NUMBER.match(number):
        problems["proposal_number"] = ("at most 40 letters, digits, Chinese characters, brackets, - / . # "
                                       "(提案号最多 40 个字，只能含字母、数字、汉字、括号和 - / . #)")
    elif kind is ConsultationKind.PROPOSAL_HANDLING and not number:
        problems["proposal_number"] = ("a proposal-handling consultation needs its proposal number "
                                       "(提案办理协商须填写提案号)")
    return {"consultation_kind": kind, "proposal_number": number}, problems
