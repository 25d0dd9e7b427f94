"""Who may act on which task: lanes name roles, and a task's candidate names where it applies.

A lane is named after the role that works in it (docs/processes.md). The ``candidate``
property of a user task says which organization or unit of the topic the task belongs to;
a user may act when one of their role assignments has that role and covers that place.
"""
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from models import Organization, Role, RoleAssignment, Topic

LANE_ROLES: dict[str, Role] = {
    "cppcc_office": Role.CPPCC_OFFICE,
    "chair": Role.CHAIR,
    "committee": Role.COMMITTEE,
    "handling_unit": Role.HANDLING_UNIT,
}

# candidate -> the task-data field holding a unit code, for candidates that are units
UNIT_CANDIDATES: dict[str, str] = {
    "committee": "committee",
    "lead_unit": "lead_unit",
    "assist_unit": "assisting_unit",
}
ORG_CANDIDATES = ("platform", "district")
CANDIDATES = (*ORG_CANDIDATES, *UNIT_CANDIDATES)


@dataclass(frozen=True)
class Candidate:
    """Where a task belongs: an organization (its CPPCC office, its chairs) or one unit."""

    organization: Organization | None = None
    unit_code: str | None = None


def resolve_candidate(candidate: str, topic: Topic, data: Mapping[str, Any]) -> Candidate:
    """Return the organization or unit a task with this ``candidate`` property belongs to."""
    if candidate == "platform":
        return Candidate(organization=topic.platform)
    if candidate == "district":
        return Candidate(organization=topic.district)
    field = UNIT_CANDIDATES.get(candidate)
    if field is None:
        raise ValueError(f"unknown candidate {candidate!r}")
    code = data.get(field)
    return Candidate(unit_code=code if isinstance(code, str) else None)


def covers(assignment: RoleAssignment, org_lineage: Iterable[int], unit_id: int | None) -> bool:
    """Tell whether one role assignment reaches a place: a unit, or an organization.

    A task that belongs to a unit is reached only by assignments to that unit. A task that
    belongs to an organization is reached by assignments to it or to any organization above it
    (``org_lineage`` is the organization and its ancestors): the city reaches every district.
    An assignment outside its start and end dates reaches nothing.
    """
    if not assignment.in_force():
        return False
    if unit_id is not None:
        return assignment.unit_id == unit_id
    return assignment.organization_id is not None and assignment.organization_id in set(org_lineage)
