"""Deployed process versions, the bindings that choose them, and their parsed specs.

Deploying stores an immutable version, pending until a second administrator approves it
(engine/review.py); bindings say which approved version a district's new topics start on and
which version each called process resolves to. A topic pins the versions it started with, so
later deployments never change a running topic (engine/migration.py moves chosen ones).
"""

from datetime import datetime
from typing import NamedTuple
from weakref import WeakKeyDictionary

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from sqlalchemy import Connection, Engine, bindparam, func, select
from sqlalchemy.orm import Session, defer, joinedload

from engine.diagrams import loading as diagrams
from engine.errors import Conflict, DiagramRejected, NotFound, Problem
from engine.rules import Rules
from models import Organization, ProcessBinding, ProcessDefinition, ProcessVersion, User, VersionStatus, utcnow
from models.process import version_label

BUNDLED_NOTE = "shipped with the release (reviewed with the code)"

_BY_SHA256: dict[str, diagrams.Diagram] = {}  # parsed diagrams by the sha256 of their bytes


class Known(NamedTuple):
    """What never changes about a deployed version: its digest and its label (``process_id v<number>``)."""

    sha256: str
    label: str


# Each version id's digest and label, per database engine: versions never change, so a completion and
# its answer need no query for them.
_KNOWN: WeakKeyDictionary[Engine | Connection, dict[int, Known]] = WeakKeyDictionary()
_KNOWN_QUERY = (select(ProcessVersion.id, ProcessVersion.sha256, ProcessDefinition.process_id, ProcessVersion.number)
                .join(ProcessDefinition, ProcessDefinition.id == ProcessVersion.definition_id)
                .where(ProcessVersion.id.in_(bindparam("ids", expanding=True))))


def deploy(
    session: Session,
    data: bytes,
    *,
    rules: Rules,
    source_name: str = "",
    note: str = "",
    deployed_by: User | None = None,
    preapproved: bool = False,
    now: datetime | None = None,
) -> ProcessVersion:
    """Validate a diagram and store it as the next version of its process (the same bytes twice: one version).

    The version is pending until approved; ``preapproved`` is for the diagrams in bpmn/, which
    are reviewed with the code they ship with. ``rules`` are the domain's checks (WorkflowEngine.deploy
    passes its own).
    """
    diagram = diagrams.load(data, source_name, rules)
    refuse_recursion(session, diagram.process_id, diagram.called)
    definition = session.scalar(select(ProcessDefinition).where(ProcessDefinition.process_id == diagram.process_id))
    if definition is None:
        definition = ProcessDefinition(process_id=diagram.process_id, name=diagram.name)
        session.add(definition)
        session.flush()
    same = session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.definition_id == definition.id, ProcessVersion.sha256 == diagram.sha256
        )
    )
    if same is not None:
        return same
    newest = session.scalar(select(func.max(ProcessVersion.number))
                             .where(ProcessVersion.definition_id == definition.id))
    number = (newest or 0) + 1
    version = ProcessVersion(
        definition=definition,
        number=number,
        bpmn_xml=data,
        sha256=diagram.sha256,
        source_name=source_name,
        note=note,
        deployed_by=deployed_by,
        status=VersionStatus.APPROVED if preapproved else VersionStatus.PENDING,
        deployed_at=now or utcnow(),
        review_note=BUNDLED_NOTE if preapproved else "",
    )
    session.add(version)
    session.flush()
    return version


def bind(session: Session, version: ProcessVersion, district: Organization | None = None) -> ProcessBinding:
    """Make ``version`` the one new topics of ``district`` (or every district, if None) use."""
    if version.status is not VersionStatus.APPROVED:
        raise Conflict(f"{version.label} is {version.status.value}: only an approved version can be bound")
    process_id = version.definition.process_id
    refuse_recursion(session, process_id, diagram_of(version).called)
    binding = session.scalar(
        select(ProcessBinding).where(
            ProcessBinding.process_id == process_id,
            ProcessBinding.district_id.is_(None) if district is None else ProcessBinding.district_id == district.id,
        )
    )
    if binding is None:
        binding = ProcessBinding(process_id=process_id, district=district, version=version)
        session.add(binding)
    binding.version = version
    session.flush()
    return binding


# The version comes in the same query, without its bytes: a diagram parsed before is found by its digest.
# Built once: a start looks its bindings up twice, and making this statement cost more than running it.
_BINDINGS = select(ProcessBinding).where(
    ProcessBinding.process_id == bindparam("process_id"),
    (ProcessBinding.district_id == bindparam("district_id")) | ProcessBinding.district_id.is_(None),
).options(joinedload(ProcessBinding.version).options(defer(ProcessVersion.bpmn_xml),
                                                     joinedload(ProcessVersion.definition)))


def bound_version(session: Session, process_id: str, district: Organization) -> ProcessVersion:
    """Return the version bound for this district, else the default binding, else the newest approved."""
    bindings = session.scalars(_BINDINGS, {"process_id": process_id, "district_id": district.id}).all()
    for binding in sorted(bindings, key=lambda b: b.district_id is None):
        return binding.version
    newest = session.scalar(
        select(ProcessVersion)
        .join(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessVersion.status == VersionStatus.APPROVED)
        .order_by(ProcessVersion.number.desc())
        .limit(1)
    )
    if newest is None:
        raise NotFound(f"no approved version of process {process_id!r} is deployed")
    return newest


def resolve_called(session: Session, version: ProcessVersion, district: Organization) -> dict[str, ProcessVersion]:
    """Return the bound version of every process ``version`` calls, directly or further down."""
    resolved: dict[str, ProcessVersion] = {}
    pending = set(diagram_of(version).called)
    while pending:
        process_id = pending.pop()
        called = bound_version(session, process_id, district)
        resolved[process_id] = called
        pending |= set(diagram_of(called).called) - set(resolved)
    graph = {version.definition.process_id: diagram_of(version).called,
             **{pid: diagram_of(v).called for pid, v in resolved.items()}}
    cycle = diagrams.find_cycle(graph)
    if cycle:
        raise Conflict(f"the bound processes call each other in a loop ({' → '.join(cycle)}); no topic can start")
    return resolved


def refuse_recursion(session: Session, process_id: str, called: frozenset[str]) -> None:
    """Raise DiagramRejected if ``process_id`` calling ``called`` would call itself through a deployed process.

    Every version a call could resolve to counts: each bound version and the newest approved one.
    """
    graph: dict[str, set[str]] = {process_id: set(called)}
    pending = set(called)
    while pending:
        pid = pending.pop()
        if pid in graph:
            continue
        graph[pid] = set().union(*(diagram_of(v).called for v in _callable_versions(session, pid)))
        pending |= graph[pid] - set(graph)
    cycle = diagrams.find_cycle(graph)
    if process_id in cycle:
        raise DiagramRejected([Problem(f"the process calls itself through {' → '.join(cycle)}; "
                                       "a topic on it would never start")])


def _callable_versions(session: Session, process_id: str) -> list[ProcessVersion]:
    """Return the versions a call of ``process_id`` can resolve to: the bound ones and the newest approved."""
    bound = session.scalars(select(ProcessVersion).join(ProcessBinding, ProcessBinding.version_id == ProcessVersion.id)
                            .where(ProcessBinding.process_id == process_id)).all()
    newest = session.scalar(
        select(ProcessVersion).join(ProcessDefinition)
        .where(ProcessDefinition.process_id == process_id, ProcessVersion.status == VersionStatus.APPROVED)
        .order_by(ProcessVersion.number.desc()).limit(1))
    return [*bound, *([newest] if newest is not None else [])]


def diagram_of(version: ProcessVersion) -> diagrams.Diagram:
    """Return the parsed diagram of a stored version (parsed once per process, then cached)."""
    cached = _BY_SHA256.get(version.sha256)  # versions never change: the same digest is the same diagram
    if cached is not None:
        return cached
    diagram = diagrams.load(version.bpmn_xml, version.source_name)
    _BY_SHA256[version.sha256] = diagram
    return diagram


def pinned_specs(
    session: Session, main_id: int, called_ids: dict[str, int]
) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Return the live specs of a topic's pinned versions, reading a diagram's bytes only once per process.

    Versions are immutable, so a version whose sha256 was parsed before is that same diagram, and a
    version id read before on this database still has the same sha256.
    """
    known = _known(session, {main_id, *called_ids.values()})
    found = {vid: _BY_SHA256.get(entry.sha256) or diagram_of(version_by_id(session, vid))
             for vid, entry in known.items()}
    return found[main_id].spec, {pid: found[vid].spec for pid, vid in called_ids.items()}


def label_of(session: Session, version_id: int) -> str:
    """Return a version's label (``process_id v<number>``), read once per process and database."""
    return _known(session, {version_id})[version_id].label


def _known(session: Session, ids: set[int]) -> dict[int, Known]:
    """Return the digest and label of each version id, reading only those not seen before on this database."""
    known = _KNOWN.setdefault(session.get_bind(), {})
    if ids - known.keys():
        rows = session.execute(_KNOWN_QUERY, {"ids": sorted(ids - known.keys())})
        known.update((vid, Known(digest, version_label(pid, number))) for vid, digest, pid, number in rows)
    if ids - known.keys():
        raise NotFound(f"process versions {sorted(ids - known.keys())} are missing")
    return {vid: known[vid] for vid in ids}


def specs_of(
    main: ProcessVersion, called: dict[str, ProcessVersion]
) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
    """Return the live specs a workflow needs: the main spec and one per called process id."""
    return diagram_of(main).spec, {pid: diagram_of(v).spec for pid, v in called.items()}


def version_by_id(session: Session, version_id: int) -> ProcessVersion:
    """Return a stored version by id; a pinned version that vanished is a broken database."""
    version = session.get(ProcessVersion, version_id)
    if version is None:
        raise NotFound(f"process version {version_id} is missing")
    return version
