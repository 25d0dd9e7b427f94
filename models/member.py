"""CPPCC members (委员), their sectors (界别) and liaison groups (委员联络组).

A member is a person the CPPCC counts, whether or not they sign in: the account is optional.
Each member belongs to one sector, is assigned to a district or town for liaison (分片联系),
may sit in a liaison group and serves a term (届).
"""
from datetime import date
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, code, intpk, name
from .org import Organization
from .people import User


class Sector(Base):
    """A sector (界别) members are grouped by, e.g. 中共、民革、经济界; codes are stable, names may change."""

    __tablename__ = "sector"

    id: Mapped[intpk]
    code: Mapped[code]
    name: Mapped[name]
    active: Mapped[bool] = mapped_column(default=True)


class LiaisonGroup(Base):
    """A members' liaison group (委员联络组), working in one district or town."""

    __tablename__ = "liaison_group"

    id: Mapped[intpk]
    code: Mapped[code]
    name: Mapped[name]
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    organization: Mapped[Organization] = relationship()


class Member(Base):
    """A CPPCC member (委员): sector, the level they serve, the district or town they liaise with, term."""

    __tablename__ = "member"

    id: Mapped[intpk]
    code: Mapped[code]  # the member number, stable across imports
    name: Mapped[name]
    phone: Mapped[str] = mapped_column(String(30), default="")
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), unique=True)
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id"), index=True)
    # The CPPCC the member belongs to: the city or a district.
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    # 分片联系: the district or town the member is assigned to.
    assigned_organization_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"), index=True)
    liaison_group_id: Mapped[Optional[int]] = mapped_column(ForeignKey("liaison_group.id"), index=True)
    term: Mapped[str] = mapped_column(String(32), default="")  # e.g. 第十五届
    term_start: Mapped[Optional[date]]
    term_end: Mapped[Optional[date]]
    active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[Optional[User]] = relationship()
    sector: Mapped[Sector] = relationship()
    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    assigned_organization: Mapped[Optional[Organization]] = relationship(foreign_keys=[assigned_organization_id])
    liaison_group: Mapped[Optional[LiaisonGroup]] = relationship()
