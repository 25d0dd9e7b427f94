"""A party leader's area: what it holds, read in the same number of statements however many topics it has."""
from sqlalchemy.orm import Session

from tests.conftest import NOW
from tests.counting import counted
from tests.factories import drive, start_topic
from workflows.demo.world import district_path, user_named
from workflows.platform import leaders


def _count(session: Session, username: str) -> tuple[int, leaders.Overview]:
    user = user_named(session, username)
    session.expire_all()
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        found = leaders.overview(session, user, 2026)
    return len(seen), found


def test_the_area_is_the_leaders_organization_and_below(session: Session) -> None:
    district = start_topic(session, NOW, title="区级议题")
    drive(session, district, district_path("tianning")[:2], NOW)
    town = start_topic(session, NOW, level="town", town="zhenglu", title="郑陆镇议题")
    start_topic(session, NOW, district="xinbei", title="新北的议题")
    titles = {name: [t.title for t in _count(session, name)[1].topics]
              for name in ("party_tianning", "party_zhenglu", "party_changzhou")}
    assert titles["party_tianning"] == ["郑陆镇议题", "区级议题"]
    assert titles["party_zhenglu"] == ["郑陆镇议题"]
    assert set(titles["party_changzhou"]) == {"郑陆镇议题", "区级议题", "新北的议题"}
    assert [d.code for d in _count(session, "party_zhenglu")[1].districts] == ["tianning"]
    assert town.id in {t.id for t in _count(session, "party_tianning")[1].topics}


def test_the_overview_reads_a_fixed_number_of_statements(session: Session) -> None:
    start_topic(session, NOW, title="第一个议题")
    one, _ = _count(session, "party_tianning")
    for i in range(4):
        start_topic(session, NOW, title=f"又一个议题{i}")
    five, found = _count(session, "party_tianning")
    assert len(found.topics) == 5 and one == five == 9  # the tree, the roles' places and lineage, districts,
    # topics, suggestions, the leader's activities
