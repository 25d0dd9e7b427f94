"""Coverage (全覆盖): which towns, streets and parks have a room meeting the five haves, per district and city.

Called by the coverage page, the rooms list and the API. Read in a fixed number of statements
whatever the number of rooms: the organizations, the rooms, the verified haves, the activity
counts. A room "has activities" when at least one activity was held in it in the year, up to today.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Activity, ConsultationRoom, Have, Organization, OrgKind, RoomHave, User
from workflows.platform import rooms

REQUIRED_KINDS = (OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK)


@dataclass
class RoomStatus:
    """One room with the haves it meets this year."""

    room: ConsultationRoom
    haves: set[Have]

    @property
    def complete(self) -> bool:
        """Tell whether the room meets all five haves."""
        return len(self.haves) == len(Have)


@dataclass
class DistrictCoverage:
    """The figures of one district: required platforms, rooms, rooms meeting all five, the missing ones."""

    code: str
    name: str
    required: int = 0
    covered: int = 0  # required platforms with a room meeting all five
    rooms: int = 0
    complete_rooms: int = 0
    missing: list[str] = field(default_factory=list)  # required platforms without a complete room, by name
    no_room: list[str] = field(default_factory=list)  # required platforms without any room

    @property
    def rate(self) -> float | None:
        """Return the share of required platforms covered, or None when there are none."""
        return self.covered / self.required if self.required else None


@dataclass
class Coverage:
    """The coverage of the user's scope in one year: per district and for the whole."""

    year: int
    districts: list[DistrictCoverage]

    @property
    def total(self) -> DistrictCoverage:
        """Return the sums over the districts (the city's line)."""
        whole = DistrictCoverage(code="", name="")
        for d in self.districts:
            whole.required += d.required
            whole.covered += d.covered
            whole.rooms += d.rooms
            whole.complete_rooms += d.complete_rooms
            whole.missing += d.missing
            whole.no_room += d.no_room
        return whole


def statuses(session: Session, room_list: list[ConsultationRoom], year: int, today: date) -> dict[int, RoomStatus]:
    """Return each room's haves in ``year`` (two statements: the verified haves, the activity counts)."""
    ids = [r.id for r in room_list]
    found: dict[int, set[Have]] = defaultdict(set)
    for room_id, have in session.execute(select(RoomHave.room_id, RoomHave.have).where(RoomHave.room_id.in_(ids))):
        found[room_id].add(have)
    held = (select(Activity.room_id).where(Activity.room_id.in_(ids), Activity.held_on >= date(year, 1, 1),
                                           Activity.held_on <= min(today, date(year, 12, 31)))
            .group_by(Activity.room_id).having(func.count() > 0))
    for room_id in session.scalars(held):
        if room_id is not None:
            found[room_id].add(Have.ACTIVITIES)
    return {r.id: RoomStatus(r, found[r.id]) for r in room_list}


def coverage(session: Session, user: User, year: int, today: date, within: Organization | None = None) -> Coverage:
    """Return the coverage of every district the user sees, required platforms and rooms, in four statements."""
    orgs = rooms.scope_within(session, user, within)
    tree = list(session.execute(select(Organization.id, Organization.code, Organization.name, Organization.kind,
                                       Organization.parent_id).where(Organization.id.in_(orgs))))
    parent = {row.id: row.parent_id for row in tree}
    districts = {row.id: DistrictCoverage(row.code, row.name) for row in tree if row.kind is OrgKind.DISTRICT}

    def district_of(org_id: int | None) -> int | None:
        while org_id is not None and org_id not in districts:
            org_id = parent.get(org_id)
        return org_id

    room_list = rooms.rooms_in(session, orgs)
    status = statuses(session, room_list, year, today)
    complete_at = {s.room.organization_id for s in status.values() if s.complete}
    with_room = {r.organization_id for r in room_list}
    for room in room_list:
        district = districts.get(district_of(room.organization_id) or -1)
        if district is not None:
            district.rooms += 1
            district.complete_rooms += status[room.id].complete
    for row in sorted(tree, key=lambda r: r.name):
        district = districts.get(district_of(row.id) or -1)
        if district is None or row.kind not in REQUIRED_KINDS:
            continue
        district.required += 1
        if row.id in complete_at:
            district.covered += 1
        else:
            district.missing.append(row.name)
        if row.id not in with_room:
            district.no_room.append(row.name)
    return Coverage(year, sorted(districts.values(), key=lambda d: d.code))
