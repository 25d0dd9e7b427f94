"""Users and the roles they hold, each scoped to an organization or a unit."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, name, str_enum
from .org import Organization, Unit


class Role(enum.StrEnum):
    """What a user may do; the scope (organization or unit) says where."""

    PROCESS_ADMIN = "process_admin"  # 流程管理员
    CPPCC_OFFICE = "cppcc_office"  # 政协办公室工作人员
    CHAIR = "chair"  # 主席会议成员
    COMMITTEE = "committee"  # 专委会 / 工委工作人员
    HANDLING_UNIT = "handling_unit"  # 承办单位工作人员
    SUPERVISOR = "supervisor"  # 督查人员（含市政协专门指导组）
    MEMBER = "member"  # 政协委员
    LEADER = "leader"  # 单位负责人（催办通知的对象）


class User(Base):
    """A person who signs in; the API authenticates by the sha256 of a token.

    The web login keeps an argon2 hash (none until a password is set), the count of failed
    attempts since the last success, the end of a lockout, and the TOTP secret of the second
    factor that process administrators and supervisors must use.
    """

    __tablename__ = "user"

    id: Mapped[intpk]
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[name]
    api_token_sha256: Mapped[Optional[str]] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[Optional[str]] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[Optional[datetime]]
    totp_secret: Mapped[Optional[str]] = mapped_column(String(64))
    totp_last_step: Mapped[int] = mapped_column(default=0)  # a code is accepted once only
    locale: Mapped[str] = mapped_column(String(16), default="zh")

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def has_role(self, role: Role) -> bool:
        """Tell whether the user holds the role anywhere."""
        return any(r.role is role for r in self.roles)

    # What a login manager asks of a signed-in user, without importing one into the models.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Tell whether the account may sign in."""
        return self.active

    def get_id(self) -> str:
        """Return the id a login session stores."""
        return str(self.id)


class RoleAssignment(Base):
    """One role of one user, applying to one organization (and its subtree) or one unit."""

    __tablename__ = "role_assignment"
    __table_args__ = (UniqueConstraint("user_id", "role", "organization_id", "unit_id"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))

    user: Mapped[User] = relationship(back_populates="roles")
    organization: Mapped[Optional[Organization]] = relationship()
    unit: Mapped[Optional[Unit]] = relationship()
