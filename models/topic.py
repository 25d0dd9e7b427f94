"""The consultation topic (议题): what a case is about and where it stands."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization
from .people import User
from .process import ProcessVersion


class TopicCategory(enum.StrEnum):
    """The four kinds of matter the notice names."""

    CENTRAL_WORK = "central_work"  # 中心工作大事
    REFORM = "reform"  # 改革发展要事
    LIVELIHOOD = "livelihood"  # 民生改善实事
    GOVERNANCE = "governance"  # 社会治理难事


class TopicSource(enum.StrEnum):
    """Where a topic came from."""

    ASSIGNED = "assigned"  # 党委政府点题
    MEMBER = "member"  # 委员荐题
    PUBLIC = "public"  # 公开征集


class ConsultationKind(enum.StrEnum):
    """The kind of consultation a topic or an activity is (协商形式): the platform's own, or one it is combined with."""

    YOUSHI = "youshi_haoshangliang"  # 有事好商量
    THEMATIC = "thematic"  # 专题协商
    COUNTERPART = "counterpart"  # 对口协商
    SECTOR = "sector"  # 界别协商
    PROPOSAL_HANDLING = "proposal_handling"  # 提案办理协商


class PlatformLevel(enum.StrEnum):
    """Which platform runs the topic."""

    CITY = "city"  # 市平台 (the city CPPCC's own level: the topic's district is the city itself)
    DISTRICT = "district"  # 辖市（区）平台
    TOWN = "town"  # 镇（街道）平台


class TopicStatus(enum.StrEnum):
    """Where the topic stands as a whole."""

    ACTIVE = "active"  # 进行中
    REJECTED = "rejected"  # 未通过
    CLOSED = "closed"  # 办结
    SUSPENDED = "suspended"  # 已暂停（管理员操作，可恢复）
    TERMINATED = "terminated"  # 已终止（管理员操作，附理由）


class Topic(Base):
    """One 议题, pinned to the process versions it started on."""

    __tablename__ = "topic"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[TopicCategory] = mapped_column(str_enum(TopicCategory))
    source: Mapped[TopicSource] = mapped_column(str_enum(TopicSource))
    platform_level: Mapped[PlatformLevel] = mapped_column(str_enum(PlatformLevel))
    consultation_kind: Mapped[ConsultationKind] = mapped_column(
        str_enum(ConsultationKind), default=ConsultationKind.YOUSHI, server_default=ConsultationKind.YOUSHI.value,
        index=True)
    proposal_number: Mapped[str] = mapped_column(String(40), default="", server_default="")  # 提案号, if from one
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    town_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32), default="proposal", index=True)
    status: Mapped[TopicStatus] = mapped_column(str_enum(TopicStatus), default=TopicStatus.ACTIVE)
    status_reason: Mapped[str] = mapped_column(Text, default="")
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[Optional[datetime]]

    district: Mapped[Organization] = relationship(foreign_keys=[district_id])
    town: Mapped[Optional[Organization]] = relationship(foreign_keys=[town_id])
    process_version: Mapped[ProcessVersion] = relationship()
    created_by: Mapped[Optional[User]] = relationship()

    @property
    def platform(self) -> Organization:
        """Return the organization whose CPPCC runs this topic's platform."""
        return self.town if self.platform_level is PlatformLevel.TOWN and self.town else self.district
