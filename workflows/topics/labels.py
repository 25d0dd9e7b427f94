"""What the pages and exports call a topic's category, source and status.

Keyed by the enum values of models/topic.py; the page translates each label when it shows it.
"""
from workflows.i18n import N_
from workflows.rules.stages import STAGE_LABELS

CATEGORY_LABELS: dict[str, str] = {
    "central_work": N_("中心工作大事"), "reform": N_("改革发展要事"), "livelihood": N_("民生改善实事"),
    "governance": N_("社会治理难事"),
}
SOURCE_LABELS: dict[str, str] = {"assigned": N_("党委政府点题"), "member": N_("委员荐题"), "public": N_("公开征集")}
STATUS_LABELS: dict[str, str] = {
    "active": N_("办理中"), "closed": N_("已办结"), "rejected": N_("未通过"), "suspended": N_("已暂停"),
    "terminated": N_("已终止"),
}
# A topic that has left the path stands at no stage: its pages show where it ended instead.
ENDED_STAGE_LABELS: dict[str, str] = {"closed": N_("已办结"), "rejected": N_("未通过"), "terminated": N_("已终止")}


def stage_label(stage: str, status: str) -> str:
    """Return the untranslated label of where a topic stands: its stage, or how it ended."""
    return ENDED_STAGE_LABELS.get(status) or STAGE_LABELS.get(stage, stage)
