"""SQLAlchemy 2.0 models of shangliang; importing this package registers every table on Base.metadata."""
from .appraisal import Appraisal, AppraisalScore
from .attachment import Attachment
from .audit import AuditEntry
from .base import Base, utcnow
from .calendar import CalendarDay, CalendarYear
from .deadline import ClockOverride, DeadlineAction, ExtensionRequest, ExtensionState, TimerDue
from .deliberation import Deliberation, DeliberationInvitation, Opinion
from .draft import ProcessDraft
from .event import Event
from .levels import RaiseStatus, TopicCoPlatform, TopicRaise
from .member import LiaisonGroup, Member, Sector
from .notification import Channel, Delivery, DeliveryAttempt, DeliveryStatus, Notification, NotifyRoute
from .operations import Heartbeat
from .org import Organization, OrgKind, Unit, UnitKind
from .participation import ProposalSource, ProposalStatus, ProposalSubmission, PublicProposal
from .people import Delegation, Role, RoleAssignment, User
from .platform import (
    Activity,
    ActivityForm,
    ActivityTarget,
    ConsultationRoom,
    FollowUpRound,
    Have,
    Milestone,
    Outcome,
    Participant,
    ParticipantKind,
    PlanChange,
    PlanDecision,
    PlanReport,
    PointEvent,
    PointRule,
    RoomEvidence,
    RoomHave,
    Suggestion,
    TopicRecommendation,
)
from .process import ProcessBinding, ProcessDefinition, ProcessVersion, VersionStatus
from .publicity import LookupCode, ProposalFollower, ProposalPhoto, PublicAttempt, TopicPublication
from .stamp import SettingsStamp
from .tally import FeedbackTally, OpenTaskTally
from .task_item import Chase, TaskItem, TaskStatus, WarningLevel
from .topic import ConsultationKind, PlatformLevel, Topic, TopicCategory, TopicSource, TopicStatus
from .webstate import ResidentContact, SavedFilter, TaskDraft
from .workflow import WorkflowState

__all__ = [
    "Appraisal", "AppraisalScore",
    "RaiseStatus", "TopicCoPlatform", "TopicRaise",
    "ProposalSource", "ProposalStatus", "ProposalSubmission", "PublicProposal",
    "Deliberation", "DeliberationInvitation", "Opinion",
    "Activity",
    "ActivityForm",
    "ActivityTarget",
    "LookupCode", "ProposalFollower", "ProposalPhoto", "PublicAttempt", "TopicPublication",
    "Deliberation", "DeliberationInvitation", "Opinion",
    "ConsultationRoom",
    "FollowUpRound",
    "Have",
    "Milestone",
    "Outcome",
    "PlanChange",
    "PlanDecision",
    "PlanReport",
    "ConsultationKind",
    "Suggestion",
    "PointEvent",
    "PointRule",
    "TopicRecommendation",
    "Participant",
    "ParticipantKind",
    "RoomEvidence",
    "RoomHave",
    "Attachment",
    "AuditEntry",
    "Base",
    "CalendarDay",
    "CalendarYear",
    "SettingsStamp",
    "Channel",
    "Chase",
    "ClockOverride",
    "DeadlineAction",
    "Delegation",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryStatus",
    "Event",
    "ExtensionRequest",
    "ExtensionState",
    "FeedbackTally",
    "Heartbeat",
    "LiaisonGroup",
    "Member",
    "Notification",
    "NotifyRoute",
    "Organization",
    "OpenTaskTally",
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
    "Sector",
    "TaskDraft",
    "TaskItem",
    "TaskStatus",
    "TimerDue",
    "Topic",
    "TopicCategory",
    "TopicSource",
    "TopicStatus",
    "Unit",
    "UnitKind",
    "VersionStatus",
    "User",
    "WarningLevel",
    "WorkflowState",
    "utcnow",
]
