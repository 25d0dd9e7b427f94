"""Users and the roles they hold, each scoped to an organization or a unit."""
import enum
from datetime import date, datetime, timedelta, timezone
from typing import Any, Optional

from sqlalchemy import ColumnElement, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, name, str_enum
from .org import Organization, Unit

BEIJING = timezone(timedelta(hours=8))  # role dates are Beijing calendar days


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
    # 党委政府领导: bound to an organization (city, district or town); reads that area's plan and results,
    # assigns topics (点题) and is recorded as attending activities. Never acts on a topic's tasks.
    PARTY_LEADER = "party_leader"
    # 等保 2.0 three-role separation: no account holds two of these (workflows.people.directory).
    SYSTEM_ADMIN = "system_admin"  # 系统管理员：人员与组织
    SECURITY_ADMIN = "security_admin"  # 安全管理员：口令策略、锁定、会话、动态口令重置
    AUDITOR = "auditor"  # 安全审计员：只读审计日志


class User(Base):
    """A person who signs in; the API authenticates by the sha256 of a token.

    The web login keeps an argon2 hash (none until a password is set), the count of failed
    attempts since the last success, the wrong second-factor codes since the last good one, the
    end of a lockout, the TOTP secret of the second factor that process administrators and
    supervisors must use, and the generation of its login sessions (raised to end them all).
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
    # Wrong codes count apart from wrong passwords: a right password must not clear them.
    totp_failures: Mapped[int] = mapped_column(default=0)
    # Raised at logout and on a password change; a session cookie carrying an older one no longer signs in.
    session_generation: Mapped[int] = mapped_column(default=0)
    locale: Mapped[str] = mapped_column(String(16), default="zh")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    dingtalk_id: Mapped[str] = mapped_column(String(64), default="")
    wecom_id: Mapped[str] = mapped_column(String(64), default="")
    must_change_password: Mapped[bool] = mapped_column(default=False)

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def has_role(self, role: Role) -> bool:
        """Tell whether the user holds the role anywhere today."""
        return any(r.role is role and r.in_force() for r in self.roles)

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
    # A department contact who moves on keeps the record of when they held the role.
    starts_on: Mapped[Optional[date]]
    ends_on: Mapped[Optional[date]]

    user: Mapped[User] = relationship(back_populates="roles")
    organization: Mapped[Optional[Organization]] = relationship()
    unit: Mapped[Optional[Unit]] = relationship()

    def in_force(self, on: date | None = None) -> bool:
        """Tell whether the assignment applies on a day (today in Beijing by default)."""
        day = on or datetime.now(BEIJING).date()
        return (self.starts_on is None or self.starts_on <= day) and (self.ends_on is None or day <= self.ends_on)

    @classmethod
    def in_force_on(cls, day: Any) -> ColumnElement[bool]:
        """Return the SQL condition of an assignment that applies on ``day`` (a date or a bound parameter)."""
        return (cls.starts_on.is_(None) | (cls.starts_on <= day)) & (cls.ends_on.is_(None) | (cls.ends_on >= day))


class Delegation(Base):
    """Out-of-office (外出代理): while away, the delegate may act on the tasks the user may act on."""

    __tablename__ = "delegation"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    note: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    delegate: Mapped[User] = relationship(foreign_keys=[delegate_id])
