"""The organization tree and people as services: merge keeps history, cycles and misplaced levels are refused,
a district's system administrator stays in the district, deactivated people hand their tasks back."""
import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput
from models import Organization, Role, TaskItem, TaskStatus, Unit
from models.database import writing
from workflows.demo.world import user_named
from workflows.organizations import tree
from workflows.people import directory
from workflows.people.access import may_act
from workflows.topics import claims
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import inbox, open_tasks


def org(session, code):
    return session.scalar(select(Organization).where(Organization.code == code))


def start_town_topic(session):
    with writing(session):
        return topics.start_topic(session, user_named(session, "office_qinglong"), {
            "title": "街巷停车", "description": "", "category": "livelihood", "source": "public",
            "platform_level": "town", "district": "tianning", "town": "qinglong"})


def test_a_street_merged_into_another_keeps_its_topics_and_its_holders_move(session):
    topic = start_town_topic(session)
    with writing(session):
        moved = tree.merge(session, user_named(session, "sysadmin"), org(session, "qinglong"), org(session, "zhenglu"))
    # the street's office and its party leader move to 郑陆镇
    assert moved["children"] == 1 and moved["units"] == 2 and moved["role_assignments"] == 2
    session.refresh(topic)
    assert topic.town.code == "qinglong"  # the history stays with the old street
    qinglong = org(session, "qinglong")
    assert (qinglong.active, qinglong.merged_into.code) == (False, "zhenglu")
    assert [o.code for o in qinglong.lineage()] == ["qinglong", "zhenglu", "tianning", "changzhou"]
    office = user_named(session, "office_qinglong")
    assert [a.organization.code for a in office.roles] == ["zhenglu"]
    [item] = open_tasks(session, topic)
    assert may_act(office, item)  # the moved office still reaches the merged street's open task
    assert [i.id for i in inbox(session, office)] == [item.id]  # and finds it in its inbox


def test_cycles_misplaced_levels_and_busy_parents_are_refused(session):
    admin = user_named(session, "sysadmin")
    with pytest.raises(InvalidInput) as cycle, writing(session):
        tree.move(session, admin, org(session, "tianning"), org(session, "qinglong-c1"))
    assert "cycle" in cycle.value.message
    with pytest.raises(InvalidInput) as level, writing(session):
        tree.move(session, admin, org(session, "qinglong"), org(session, "zhenglu"))
    assert "街道不能设在镇之下" in level.value.fields["parent"]
    with pytest.raises(Conflict), writing(session):
        tree.deactivate(session, admin, org(session, "tianning"))
    with pytest.raises(InvalidInput), writing(session):
        tree.merge(session, admin, org(session, "tianning"), org(session, "zhenglu"))
    assert org(session, "tianning").parent.code == "changzhou" and org(session, "tianning").active


def test_a_district_system_administrator_stays_in_the_district(session):
    with writing(session):
        local = directory.create_user(session, None, username="sys_tianning", display_name="天宁系统管理员")
        directory.assign_role(session, None, local, Role.SYSTEM_ADMIN, org(session, "tianning"))
    with writing(session):
        tree.rename(session, local, org(session, "zhenglu"), "郑陆镇（新）")
    with pytest.raises(Forbidden), writing(session):
        tree.rename(session, local, org(session, "menghe"), "孟河")
    with pytest.raises(Forbidden), writing(session):
        tree.create(session, local, "another-city", "某市", tree.OrgKind.CITY, None)
    with pytest.raises(Forbidden), writing(session):
        tree.create(session, user_named(session, "office_tianning"), "x1", "某镇", tree.OrgKind.TOWN,
                    org(session, "tianning"))


def test_a_deactivated_person_hands_their_claimed_task_back_to_the_unit(session):
    topic = start_town_topic(session)
    office = user_named(session, "office_qinglong")
    [item] = open_tasks(session, topic)
    with writing(session):
        claims.claim(session, office, item.id)
    with writing(session):
        handed = directory.deactivate(session, user_named(session, "sysadmin"), office)
    assert handed == 1
    item = session.get(TaskItem, item.id)
    assert item.assignee_id is None and item.status is TaskStatus.READY and not office.active


def test_an_ended_role_reaches_nothing(session):
    from datetime import date, timedelta

    civil = user_named(session, "civil_tianning")
    [assignment] = civil.roles
    with writing(session):
        directory.end_role(session, user_named(session, "sysadmin"), assignment, date.today() - timedelta(days=1))
    assert not civil.has_role(Role.HANDLING_UNIT)
    assert inbox(session, civil) == []
    unit = session.scalar(select(Unit).where(Unit.code == "tianning-civil"))
    assert tree.leader_of(session, unit).username == "leader_civil_tianning"


def test_a_delegate_acts_for_an_absent_colleague_between_the_dates_only(session):
    from datetime import date, timedelta

    from workflows.people.access import require_task

    topic = start_town_topic(session)
    [item] = open_tasks(session, topic)
    absent, delegate = user_named(session, "office_qinglong"), user_named(session, "civil_tianning")
    assert not may_act(delegate, item)
    today = date.today()
    with writing(session):
        directory.delegate(session, absent, absent, delegate, today, today + timedelta(days=5), "出差")
    assert may_act(delegate, item) and require_task(session, delegate, item.id) is item
    assert item.id in [i.id for i in inbox(session, delegate)]
    not_yet = user_named(session, "housing_tianning")
    with writing(session):
        directory.delegate(session, absent, absent, not_yet, today + timedelta(days=30), today + timedelta(days=40))
    assert not may_act(not_yet, item)
    with pytest.raises(InvalidInput), writing(session):
        directory.delegate(session, absent, absent, absent, today, today)


def test_the_leader_named_on_a_unit_hears_the_reminder(session):
    from datetime import date

    from tests.deadline_helpers import sh, sweep_at, topic_waiting_for_signature
    from tests.workflows.deadlines.test_sweep import notified

    housing = session.scalar(select(Unit).where(Unit.code == "tianning-housing"))
    with writing(session):
        head = directory.create_user(session, None, username="head_housing", display_name="住建局局长")
        tree.save_unit(session, None, housing.code, housing.name, housing.kind, housing.organization, head)
    topic, item = topic_waiting_for_signature(session)
    sweep_at(session, sh(date(2026, 3, 6)))
    assert notified(session, item, "reminder") == ["head_housing", "housing_tianning", "leader_housing_tianning"]


def test_no_topic_starts_on_a_deactivated_town(session):
    with writing(session):
        tree.deactivate(session, user_named(session, "sysadmin"), org(session, "qinglong-c1"))
        tree.deactivate(session, user_named(session, "sysadmin"), org(session, "qinglong"))
    with pytest.raises(InvalidInput) as refused:
        start_town_topic(session)
    assert "town" in refused.value.fields


def test_a_district_system_administrator_changes_only_the_districts_people(session):
    with writing(session):
        local = directory.create_user(session, None, username="sys_zhonglou", display_name="钟楼系统管理员")
        directory.assign_role(session, None, local, Role.SYSTEM_ADMIN, org(session, "zhonglou"))
    with writing(session):
        directory.update_user(session, local, user_named(session, "office_zhonglou"), phone="13800000009")
    for username in ("office_tianning", "sysadmin"):
        with pytest.raises(Forbidden), writing(session):
            directory.deactivate(session, local, user_named(session, username))
    with pytest.raises(Forbidden), writing(session):
        directory.assign_role(session, local, user_named(session, "office_zhonglou"), Role.CPPCC_OFFICE,
                              org(session, "tianning"))
