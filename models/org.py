"""Organizations (city → district → town → village) and the handling units that belong to them."""
import enum
from typing import Optional

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, code, intpk, name, str_enum


class OrgKind(enum.StrEnum):
    """Level of an organization in the tree; labels are the notice's words."""

    CITY = "city"  # 市
    DISTRICT = "district"  # 辖市、区（含经开区）
    TOWN = "town"  # 镇
    STREET = "street"  # 街道
    PARK = "park"  # 园区
    VILLAGE = "village"  # 村
    COMMUNITY = "community"  # 社区
    ENTERPRISE = "enterprise"  # 企事业单位

    @property
    def is_grassroots_platform(self) -> bool:
        """Towns, streets and parks run the town-level platform."""
        return self in (OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK)


class UnitKind(enum.StrEnum):
    """What a unit is: who handles suggestions or undertakes a topic."""

    DEPARTMENT = "department"  # 党委政府部门
    TOWN_GOVERNMENT = "town_government"  # 镇（街道）政府
    COMMITTEE = "committee"  # 专委会 / 镇（街道）政协工委
    CPPCC = "cppcc"  # 政协（市、区政协机关）


class Organization(Base):
    """A node of the city → district → town → village tree."""

    __tablename__ = "organization"

    id: Mapped[intpk]
    code: Mapped[code]
    name: Mapped[name]
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind))
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # A street merged into another stays as a row, so its topics keep their platform and history.
    merged_into_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))

    parent: Mapped[Optional["Organization"]] = relationship(remote_side="Organization.id", foreign_keys=[parent_id])
    merged_into: Mapped[Optional["Organization"]] = relationship(remote_side="Organization.id",
                                                                 foreign_keys=[merged_into_id])

    def lineage(self) -> list["Organization"]:
        """Return this organization and its ancestors, nearest first.

        A merged organization's next step is the one it was merged into, so whoever covers the
        merged street covers the topics the old one still owns.
        """
        chain: list[Organization] = []
        node: Organization | None = self
        while node is not None and node not in chain:
            chain.append(node)
            node = node.merged_into or node.parent
        return chain

    def district(self) -> Optional["Organization"]:
        """Return the district this organization lies in (itself if it is one)."""
        return next((o for o in self.lineage() if o.kind is OrgKind.DISTRICT), None)


class Unit(Base):
    """A handling unit or committee, belonging to the level whose work it does."""

    __tablename__ = "unit"

    id: Mapped[intpk]
    code: Mapped[code]
    name: Mapped[name]
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    # The unit's leader (单位负责人) receives 督办 messages.
    leader_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    organization: Mapped[Organization] = relationship()
