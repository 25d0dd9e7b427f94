"""Process definitions, their immutable deployed versions, and which version each district uses."""
import enum
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, name, str_enum, utcnow
from .org import Organization
from .people import User


class ProcessDefinition(Base):
    """A process by its BPMN process id (``topic_district``, ``town_approval`` …)."""

    __tablename__ = "process_definition"

    id: Mapped[intpk]
    process_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[name]

    versions: Mapped[list["ProcessVersion"]] = relationship(
        back_populates="definition", order_by="ProcessVersion.number"
    )


class VersionStatus(enum.StrEnum):
    """Review state of a deployed version: it takes effect only once a second administrator approves."""

    PENDING = "pending"  # 待审批
    APPROVED = "approved"  # 已批准，可绑定使用
    REJECTED = "rejected"  # 已驳回


class ProcessVersion(Base):
    """One deployed diagram; its bytes never change (a change is a new version), only its review does.

    ``bind_on_approval`` lists the district codes (``None`` for the default binding) the deployer
    asked for; approving the version binds it there.
    """

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("definition_id", "number"),)

    id: Mapped[intpk]
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    number: Mapped[int]
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    source_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    deployed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[VersionStatus] = mapped_column(str_enum(VersionStatus), default=VersionStatus.PENDING)
    bind_on_approval: Mapped[list[Any]] = mapped_column(default=list)
    reviewed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[Optional[datetime]]
    review_note: Mapped[str] = mapped_column(Text, default="")

    definition: Mapped[ProcessDefinition] = relationship(back_populates="versions")
    deployed_by: Mapped[Optional[User]] = relationship(foreign_keys=[deployed_by_id])
    reviewed_by: Mapped[Optional[User]] = relationship(foreign_keys=[reviewed_by_id])

    @property
    def label(self) -> str:
        """Return ``process_id v<number>`` for lists and logs."""
        return version_label(self.definition.process_id, self.number)


def version_label(process_id: str, number: int) -> str:
    """Return how a version is named in lists, logs and the API: ``process_id v<number>``."""
    return f"{process_id} v{number}"


IMMUTABLE = ("definition_id", "number", "bpmn_xml", "sha256", "source_name", "note", "deployed_by_id", "deployed_at")


@event.listens_for(ProcessVersion, "before_update")
def _refuse_update(_mapper: object, _connection: object, version: ProcessVersion) -> None:
    # Running topics are pinned to a version: changing its diagram would change them silently.
    # Only its review (status, reviewer, note) may be written after it was deployed.
    state = inspect(version)
    if any(state.attrs[name].history.has_changes() for name in IMMUTABLE):
        raise ValueError(f"process version {version.id} is immutable; deploy a new version instead")


class ProcessBinding(Base):
    """Which version a district's new topics start on (or call, for ``town_approval``).

    A row with no district is the default for every district without a row of its own.
    """

    __tablename__ = "process_binding"
    __table_args__ = (UniqueConstraint("process_id", "district_id"),)

    id: Mapped[intpk]
    process_id: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))

    district: Mapped[Optional[Organization]] = relationship()
    version: Mapped[ProcessVersion] = relationship()
