"""The stages of a topic's mandated path, in order, with the label each page shows.

A user task names its stage in its ``stage`` property (docs/processes.md): the diagram checks
refuse any other, a topic stands at the earliest stage among its open tasks, and the lists,
exports, dashboard and the modeler's properties panel offer these stages and labels.
"""
from workflows.i18n import N_

STAGE_LABELS: dict[str, str] = {
    "proposal": N_("议题提出"),
    "approval": N_("审定"),
    "research": N_("调研"),
    "consultation": N_("协商"),
    "minutes": N_("成果报送"),
    "handling": N_("办理"),
    "feedback": N_("书面反馈"),
    "reinspection": N_("跟踪问效"),
}
STAGES: tuple[str, ...] = tuple(STAGE_LABELS)
