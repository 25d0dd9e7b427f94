"""SQLAlchemy 2.0 models of shangliang; importing this package registers every table on Base.metadata."""
from .attachment import Attachment
from .audit import AuditEntry
from .base import Base, utcnow
from .calendar import CalendarDay
from .draft import ProcessDraft
from .event import Event
from .org import Organization, OrgKind, Unit, UnitKind
from .people import Role, RoleAssignment, User
from .process import ProcessBinding, ProcessDefinition, ProcessVersion, VersionStatus
from .task_item import TaskItem, TaskStatus
from .topic import PlatformLevel, Topic, TopicCategory, TopicSource, TopicStatus
from .webstate import ResidentContact, SavedFilter, TaskDraft
from .workflow import WorkflowState

__all__ = [
    "Attachment",
    "AuditEntry",
    "Base",
    "CalendarDay",
    "Event",
    "Organization",
    "OrgKind",
    "PlatformLevel",
    "ProcessBinding",
    "ProcessDefinition",
    "ProcessDraft",
    "ProcessVersion",
    "ResidentContact",
    "Role",
    "RoleAssignment",
    "SavedFilter",
    "TaskDraft",
    "TaskItem",
    "TaskStatus",
    "Topic",
    "TopicCategory",
    "TopicSource",
    "TopicStatus",
    "Unit",
    "UnitKind",
    "VersionStatus",
    "User",
    "WorkflowState",
    "utcnow",
]
