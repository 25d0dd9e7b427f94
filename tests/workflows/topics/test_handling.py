"""Signing for receipt starts the handling clock; returns within the signing period; re-handling; district clocks."""
from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.time import clocks
from models import Organization, TaskItem
from tests.deadline_helpers import sh, topic_waiting_for_signature
from tests.factories import open_ids, open_task, writes
from workflows.demo.world import user_named
from workflows.topics import handling
from workflows.topics import lifecycle as topics

handling = writes(handling, "sign", "return_topic")
topics = writes(topics, "start_topic", "complete_task", "fire_timers")


def local_due(item: TaskItem) -> date:
    return clocks.local_day(item.due_at)


def complete(session, username, item, data, when):
    return topics.complete_task(session, user_named(session, username), item.id, data, now=when)


def test_the_reply_is_due_three_months_after_signing_and_assisting_units_have_one_month(session):
    topic, sign = topic_waiting_for_signature(session, assisting=True)
    handling.sign(session, user_named(session, "housing_tianning"), sign.id, "收到", now=sh(date(2026, 3, 3), 10))
    session.refresh(sign)
    assert sign.signed_at == sh(date(2026, 3, 3), 10)
    assist = open_task(session, topic, "assist_opinion")
    assert local_due(assist) == date(2026, 4, 3)  # one month, a Friday before Qingming
    complete(session, "civil_tianning", assist, {"unit_opinion": "配合"}, sh(date(2026, 3, 20)))
    reply = open_task(session, topic, "write_reply")
    assert reply.clock_started_at == sh(date(2026, 3, 3), 10)  # from signing, not from 20 March
    assert local_due(reply) == date(2026, 6, 3)
    assert reply.warn_at == sh(date(2026, 5, 20), 0)  # 10 working days before


def test_rehandling_after_an_unsatisfied_rating_restarts_the_clock(session):
    topic, sign = topic_waiting_for_signature(session)
    handling.sign(session, user_named(session, "housing_tianning"), sign.id, now=sh(date(2026, 3, 3)))
    reply = open_task(session, topic, "write_reply")
    complete(session, "housing_tianning", reply, {"reply_class": "B", "reply": "方案"}, sh(date(2026, 3, 10)))
    rate = open_task(session, topic, "rate_reply")
    complete(session, "office_tianning", rate, {"rating": "unsatisfied", "rating_note": "不具体"}, sh(date(2026, 4, 1)))
    again = open_task(session, topic, "write_reply")
    assert again.id != reply.id
    assert again.clock_started_at == sh(date(2026, 4, 1))
    assert local_due(again) == date(2026, 7, 1)


def test_a_misassigned_topic_is_returned_reassigned_and_signed_by_the_right_unit(session):
    topic, sign = topic_waiting_for_signature(session)
    handling.return_topic(session, user_named(session, "housing_tianning"), sign.id, "加装电梯补贴由民政局负责",
                          now=sh(date(2026, 3, 3)))
    assert open_ids(session, topic) == ["reassign_lead_unit"]
    reassign = open_task(session, topic, "reassign_lead_unit")
    with pytest.raises(InvalidInput):
        complete(session, "office_tianning", reassign, {"lead_unit": "tianning-civil",
                                                         "assisting_units": ["tianning-civil"]}, sh(date(2026, 3, 4)))
    complete(session, "office_tianning", reassign, {"lead_unit": "tianning-civil"}, sh(date(2026, 3, 4)))
    second = open_task(session, topic, "sign_receipt")
    assert second.candidate_unit.code == "tianning-civil"
    assert local_due(second) == date(2026, 3, 6)
    handling.sign(session, user_named(session, "civil_tianning"), second.id, now=sh(date(2026, 3, 5)))
    reply = open_task(session, topic, "write_reply")
    assert reply.candidate_unit.code == "tianning-civil"
    assert reply.clock_started_at == sh(date(2026, 3, 5))  # the returned signing task started no clock
    kinds = [e.kind for e in topics.history(session, topic) if e.task_item_id == sign.id]
    assert kinds == ["task_completed"] and topics.history(session, topic)[-3].payload["data"]["returned"] is True


def test_a_return_after_the_signing_period_is_refused(session):
    topic, sign = topic_waiting_for_signature(session)
    with pytest.raises(Conflict, match="signing period ended on 2026-03-04"):
        handling.return_topic(session, user_named(session, "housing_tianning"), sign.id, "不归我们管",
                              now=sh(date(2026, 3, 5)))
    assert open_ids(session, topic) == ["sign_receipt"]
    with pytest.raises(InvalidInput, match="needs a reason"):
        handling.return_topic(session, user_named(session, "housing_tianning"), sign.id, "  ", now=sh(date(2026, 3, 3)))


def test_signing_is_only_for_the_unit_and_only_on_signing_tasks(session):
    topic, sign = topic_waiting_for_signature(session)
    with pytest.raises(NotFound):
        handling.sign(session, user_named(session, "housing_wujin"), sign.id, now=sh(date(2026, 3, 3)))
    with pytest.raises(Forbidden):
        handling.sign(session, user_named(session, "office_tianning"), sign.id, now=sh(date(2026, 3, 3)))
    handling.sign(session, user_named(session, "housing_tianning"), sign.id, now=sh(date(2026, 3, 3)))
    reply = open_task(session, topic, "write_reply")
    with pytest.raises(Conflict, match="not a signing"):
        handling.sign(session, user_named(session, "housing_tianning"), reply.id, now=sh(date(2026, 3, 3)))


def test_a_districts_own_clock_applies_to_its_new_tasks_only(session):
    admin = user_named(session, "admin")
    tianning = session.scalar(select(Organization).where(Organization.code == "tianning"))
    clocks.set_override(session, admin, tianning, "topic_path", "write_reply", "2m", "5wd", "区政协规定两个月")
    session.commit()
    rows = {r.bpmn_id: r for r in clocks.clock_table(session, tianning)}
    assert rows["write_reply"].effective == ("2m", "5wd") and rows["write_reply"].diagram_clock == "3m"
    assert rows["sign_receipt"].override is None
    topic, sign = topic_waiting_for_signature(session)
    handling.sign(session, user_named(session, "housing_tianning"), sign.id, now=sh(date(2026, 3, 3)))
    reply = open_task(session, topic, "write_reply")
    assert (local_due(reply), reply.context["clock_source"]) == (date(2026, 5, 6), "district")  # 3 May is a holiday
    other, other_sign = topic_waiting_for_signature(session, district="zhonglou")
    handling.sign(session, user_named(session, "housing_zhonglou"), other_sign.id, now=sh(date(2026, 3, 3)))
    assert local_due(open_task(session, other, "write_reply")) == date(2026, 6, 3)


def test_clock_overrides_are_checked(session):
    tianning = session.scalar(select(Organization).where(Organization.code == "tianning"))
    admin = user_named(session, "admin")
    with pytest.raises(Forbidden):
        clocks.set_override(session, user_named(session, "office_tianning"), tianning, "topic_path", "write_reply",
                            "2m", "5wd")
    with pytest.raises(NotFound):
        clocks.set_override(session, admin, tianning, "topic_path", "no_such_task", "2m", "5wd")
    with pytest.raises(InvalidInput) as caught:
        clocks.set_override(session, admin, tianning, "topic_path", "write_reply", "0m", "five days")
    assert set(caught.value.fields) == {"clock", "warn"}
