"""The levels linked: the city's own platform and bindings, topics raised town → district → city, joint topics."""
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.store import versions as processes
from models import Organization, PlatformLevel, ProcessBinding, RaiseStatus, Topic, TopicCoPlatform
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.factories import drive, open_ids, start_topic
from workflows.administration import bindings
from workflows.demo.world import town_path, user_named
from workflows.people.access import may_see
from workflows.platform import levels
from workflows.topics import lifecycle
from workflows.topics.overview import visible


def _org(session: Session, code: str) -> Organization:
    return session.scalars(select(Organization).where(Organization.code == code)).one()


def test_the_city_runs_its_own_topics_on_its_own_bindings(session: Session) -> None:
    topic = start_topic(session, NOW, level="city", district="changzhou", title="全市养老服务")
    assert (topic.platform_level, topic.platform.code, topic.town) == (PlatformLevel.CITY, "changzhou", None)
    assert open_ids(session, topic) == ["submit_proposal"]
    drive(session, topic, [("submit_proposal", "office_changzhou",
                            {"rationale": "全市共性问题", "committee": "changzhou-cmt-social"}),
                           ("chairs_review", "chair_changzhou", {"approved": True, "opinion": "同意"})], NOW)
    assert open_ids(session, topic) == ["party_approval"]
    fields = {"title": "x", "category": "livelihood", "source": "public", "platform_level": "city"}
    with writing(session), pytest.raises(Forbidden):  # a district office starts nothing on the city's platform
        lifecycle.start_topic(session, user_named(session, "office_tianning"), {**fields, "district": "changzhou"},
                              now=NOW)
    with writing(session), pytest.raises(InvalidInput) as refused:
        lifecycle.start_topic(session, user_named(session, "office_changzhou"), {**fields, "district": "tianning"},
                              now=NOW)
    assert set(refused.value.fields) == {"district"}


def test_the_city_binding_overrides_the_default_for_city_topics_only(session: Session) -> None:
    admin = user_named(session, "admin")
    version = processes.bound_version(session, "topic_district", _org(session, "tianning"))
    with writing(session):
        bindings.set_binding(session, admin, version.id, "changzhou")
    row = session.scalars(select(ProcessBinding).where(ProcessBinding.district_id == _org(session, "changzhou").id))
    assert [b.process_id for b in row] == ["topic_district"]
    assert any(r.district == "changzhou" for r in bindings.table(session))
    with writing(session), pytest.raises(InvalidInput):
        bindings.set_binding(session, admin, version.id, "zhenglu")  # a town has no bindings of its own


def test_a_town_topic_is_raised_to_its_district_then_to_the_city_keeping_its_history(session: Session) -> None:
    town = start_topic(session, NOW, level="town", town="zhenglu", title="跨镇河道整治")
    drive(session, town, town_path("tianning", "zhenglu")[:2], NOW)
    with writing(session):
        raised = levels.raise_topic(session, user_named(session, "office_zhenglu"), town.id, "需区级协调", NOW)
    assert (raised.status, raised.to_org.code) == (RaiseStatus.PENDING, "tianning")
    with writing(session), pytest.raises(Conflict):  # once is enough while it waits
        levels.raise_topic(session, user_named(session, "office_zhenglu"), town.id, "再提交一次", NOW)
    with writing(session):
        levels.decide(session, user_named(session, "office_tianning"), raised.id, True, "", NOW)
    district_topic = raised.raised_topic
    assert district_topic is not None and district_topic.platform_level is PlatformLevel.DISTRICT
    assert (district_topic.title, district_topic.platform.code) == ("跨镇河道整治", "tianning")
    assert open_ids(session, district_topic) == ["submit_proposal"]
    assert levels.links(session, district_topic).raised_from.topic_id == town.id  # type: ignore[union-attr]
    assert [r.raised_topic_id for r in levels.links(session, town).raised_to] == [district_topic.id]
    assert [c.organization.code for c in levels.links(session, district_topic).co_platforms] == ["zhenglu"]
    assert may_see(session, user_named(session, "office_zhenglu"), district_topic)  # the town follows it
    with writing(session):
        up = levels.raise_topic(session, user_named(session, "office_tianning"), district_topic.id, "全市共性", NOW)
        levels.decide(session, user_named(session, "office_changzhou"), up.id, True, "列入市级", NOW)
    city_topic = up.raised_topic
    assert city_topic is not None and city_topic.platform.code == "changzhou"
    chain = levels.earlier_history(session, city_topic)
    assert [found.topic.id for found in chain] == [district_topic.id, town.id]
    assert [e.kind for e in chain[1].events].count("task_completed") == 2  # the town's own steps stay in its history
    assert {"topic_started", "topic_raised", "raise_accepted"} <= {e.kind for e in chain[1].events}
    assert "提交议题建议" in chain[1].task_names.values()  # the steps are named as the town's people saw them
    with writing(session), pytest.raises(Conflict):
        levels.raise_topic(session, user_named(session, "office_changzhou"), city_topic.id, "没有更高一级", NOW)


def test_only_the_offices_of_the_two_levels_raise_and_decide(session: Session) -> None:
    town = start_topic(session, NOW, level="town", town="zhenglu", title="村道修缮")
    district = start_topic(session, NOW, title="区级议题")
    for who in ("office_tianning", "office_changzhou", "chair_tianning", "committee_zhenglu"):
        with writing(session), pytest.raises((Forbidden, NotFound)):
            levels.raise_topic(session, user_named(session, who), town.id, "理由", NOW)
    with writing(session), pytest.raises(NotFound):  # another town's office does not even see it
        levels.raise_topic(session, user_named(session, "office_hutang"), town.id, "理由", NOW)
    with writing(session), pytest.raises(InvalidInput) as refused:
        levels.raise_topic(session, user_named(session, "office_zhenglu"), town.id, "   ", NOW)
    assert set(refused.value.fields) == {"reason"}
    with writing(session):
        raised = levels.raise_topic(session, user_named(session, "office_zhenglu"), town.id, "需区级协调", NOW)
        upward = levels.raise_topic(session, user_named(session, "office_tianning"), district.id, "全市共性", NOW)
    assert upward.to_org.code == "changzhou"
    with writing(session), pytest.raises(Forbidden):  # the raising office does not decide its own raise
        levels.decide(session, user_named(session, "office_zhenglu"), raised.id, True, "", NOW)
    with writing(session), pytest.raises(NotFound):
        levels.decide(session, user_named(session, "office_xinbei"), raised.id, True, "", NOW)
    with writing(session), pytest.raises(Forbidden):  # the city is above, but the district receives it
        levels.decide(session, user_named(session, "office_changzhou"), raised.id, True, "", NOW)
    with writing(session), pytest.raises(InvalidInput) as no_reason:
        levels.decide(session, user_named(session, "office_tianning"), raised.id, False, " ", NOW)
    assert set(no_reason.value.fields) == {"note"}
    with writing(session):
        levels.decide(session, user_named(session, "office_tianning"), raised.id, False, "属镇职权范围", NOW)
    assert (raised.status, raised.decision_note, raised.raised_topic) == (RaiseStatus.DECLINED, "属镇职权范围", None)
    with writing(session), pytest.raises(Conflict):
        levels.decide(session, user_named(session, "office_tianning"), raised.id, True, "", NOW)
    with writing(session):  # declined, the town may try again with a better reason
        again = levels.raise_topic(session, user_named(session, "office_zhenglu"), town.id, "已跨三个镇", NOW)
    received, sent = levels.raises_for(session, user_named(session, "office_tianning"))
    assert [r.id for r in received] == [again.id, raised.id] and [r.id for r in sent] == [upward.id]


def test_a_joint_topic_is_seen_by_each_co_organizing_platform(session: Session) -> None:
    topic = start_topic(session, NOW, title="两区交界道路")
    hutang_office, xinbei_office = user_named(session, "office_hutang"), user_named(session, "office_xinbei")
    assert not may_see(session, xinbei_office, topic)
    with writing(session):
        levels.add_co_platform(session, user_named(session, "office_tianning"), topic.id, "xinbei", NOW)
        levels.add_co_platform(session, user_named(session, "office_tianning"), topic.id, "hutang", NOW)
    assert may_see(session, xinbei_office, topic) and may_see(session, hutang_office, topic)
    assert may_see(session, user_named(session, "chair_xinbei"), topic)
    for office in (xinbei_office, hutang_office):
        seen = session.scalars(select(Topic.id).where(visible(session, office))).all()
        assert topic.id in seen
    assert [(t.id, names) for t, names in levels.joint_topics(session, {_org(session, "xinbei").id})] == [
        (topic.id, ["新北区", "湖塘镇"])]
    assert levels.count_joint(session, {_org(session, "tianning").id}) == 1
    assert levels.count_joint(session, {_org(session, "jintan").id}) == 0
    with writing(session), pytest.raises(Conflict):
        levels.add_co_platform(session, user_named(session, "office_tianning"), topic.id, "xinbei", NOW)
    with writing(session), pytest.raises(InvalidInput):
        levels.add_co_platform(session, user_named(session, "office_tianning"), topic.id, "tianning", NOW)
    with writing(session), pytest.raises(InvalidInput):
        levels.add_co_platform(session, user_named(session, "office_tianning"), topic.id, "tianning-housing", NOW)
    with writing(session), pytest.raises(Forbidden):  # a co-organizer sees it but does not name others
        levels.add_co_platform(session, xinbei_office, topic.id, "jintan", NOW)
    with writing(session):
        levels.remove_co_platform(session, user_named(session, "office_tianning"), topic.id, "xinbei", NOW)
    assert not may_see(session, xinbei_office, topic)
    assert session.scalars(select(TopicCoPlatform.organization_id).where(TopicCoPlatform.topic_id == topic.id)).all() \
        == [_org(session, "hutang").id]


def test_joint_topics_read_in_two_statements(session: Session) -> None:
    office = user_named(session, "office_tianning")
    for n in range(3):
        topic = start_topic(session, NOW, title=f"联合议题{n}")
        with writing(session):
            levels.add_co_platform(session, office, topic.id, "xinbei", NOW)
            levels.add_co_platform(session, office, topic.id, "zhenglu", NOW)
    orgs = {_org(session, "xinbei").id}
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        found = levels.joint_topics(session, orgs)
        [(t.platform.name, t.district.name) for t, _ in found]
    assert len(found) == 3 and len(seen) == 2


def test_an_offices_raises_read_in_a_fixed_number_of_statements(session: Session) -> None:
    town_office = user_named(session, "office_zhenglu")
    for n in range(3):
        topic = start_topic(session, NOW, level="town", town="zhenglu", title=f"镇议题{n}")
        with writing(session):
            levels.raise_topic(session, town_office, topic.id, "需区级协调", NOW)
    district_office = user_named(session, "office_tianning")
    list(district_office.roles)
    session.expire_all()
    district_office = user_named(session, "office_tianning")
    [a.organization_id for a in district_office.roles]
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        received, sent = levels.raises_for(session, district_office)
        [(r.topic.title, r.from_org.name, r.to_org.name, r.raised_by.display_name, r.raised_topic) for r in received]
    assert len(received) == 3 and sent == [] and len(seen) == 2  # the raises with their topics, the raisers' roles
