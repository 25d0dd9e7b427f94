"""Extension requests: the district CPPCC office approves or refuses, the deadline moves, history keeps both."""
from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import Conflict, InvalidInput, NotFound
from models import DeadlineAction, ExtensionState, Notification, WarningLevel
from tests.deadline_helpers import kinds, sh, sweep_at, topic_waiting_for_signature
from tests.factories import writes
from workflows.deadlines import extension_requests as extensions
from workflows.demo.world import user_named
from workflows.topics import lifecycle as topics

extensions = writes(extensions, "request", "decide")
topics = writes(topics, "start_topic", "complete_task", "fire_timers")


def ask(session, item, to="2026-03-20", reason="单位负责人出差，需延期签收", when=None):
    return extensions.request(session, user_named(session, "housing_tianning"), item.id, to, reason,
                              now=when or sh(date(2026, 3, 6)))


def test_an_approved_extension_moves_the_deadline_and_the_new_one_is_chased_afresh(session):
    topic, item = topic_waiting_for_signature(session)
    sweep_at(session, sh(date(2026, 3, 6)))
    session.refresh(item)
    assert (item.warning, item.chase.value) == (WarningLevel.RED, "reminded")
    ext = ask(session, item)
    office = user_named(session, "office_tianning")
    assert [e.id for e in extensions.pending_for(session, office)] == [ext.id]
    title = session.scalar(select(Notification.title).where(Notification.user_id == office.id,
                                                            Notification.kind == "extension_requested"))
    assert title.startswith("【延期申请】")
    extensions.decide(session, office, ext.id, True, "同意", now=sh(date(2026, 3, 6), 15))
    session.refresh(item)
    assert clocks_day(item.due_at) == date(2026, 3, 20) and item.extended_to == date(2026, 3, 20)
    assert (item.warning, item.chase.value) == (WarningLevel.NORMAL, "none")
    assert item.warn_at == sh(date(2026, 3, 19), 0)
    history = [e for e in topics.history(session, topic) if e.kind.startswith("extension")]
    assert [e.kind for e in history] == ["extension_requested", "extension_approved"]
    assert history[1].payload["due_at"].startswith("2026-03-04T15:59:59")
    assert history[1].payload["new_due_at"].startswith("2026-03-20T15:59:59")
    assert sweep_at(session, sh(date(2026, 3, 24))).reminded == 1  # 2 working days past the new deadline
    deadlines = session.scalars(select(DeadlineAction.deadline).where(
        DeadlineAction.task_item_id == item.id, DeadlineAction.action == "remind").order_by(DeadlineAction.id))
    assert [clocks_day(d) for d in deadlines] == [date(2026, 3, 4), date(2026, 3, 20)]
    assert kinds(session, topic) == ["warning_red", "task_reminded", "warning_red", "task_reminded"]
    requester = user_named(session, "housing_tianning")
    assert "已批准" in session.scalar(select(Notification.title).where(
        Notification.user_id == requester.id, Notification.kind == "extension_approved"))


def test_a_granted_date_on_a_holiday_rolls_to_the_next_working_day(session):
    _, item = topic_waiting_for_signature(session)
    ext = ask(session, item, to="2026-04-10")
    extensions.decide(session, user_named(session, "office_tianning"), ext.id, True, granted_to="2026-04-04",
                      now=sh(date(2026, 3, 6)))
    assert ext.granted_to == date(2026, 4, 7)


def test_a_refusal_needs_a_reason_and_keeps_the_deadline(session):
    topic, item = topic_waiting_for_signature(session)
    due = item.due_at
    ext = ask(session, item)
    office = user_named(session, "office_tianning")
    with pytest.raises(InvalidInput, match="refusal needs a reason"):
        extensions.decide(session, office, ext.id, False, "", now=sh(date(2026, 3, 6)))
    extensions.decide(session, office, ext.id, False, "签收无需延期", now=sh(date(2026, 3, 6)))
    session.refresh(item)
    assert item.due_at == due and ext.state is ExtensionState.REFUSED
    with pytest.raises(Conflict, match="already refused"):
        extensions.decide(session, office, ext.id, True, now=sh(date(2026, 3, 6)))


def test_only_the_districts_cppcc_office_decides(session):
    _, item = topic_waiting_for_signature(session)
    ext = ask(session, item)
    for username in ("office_wujin", "housing_tianning", "chair_tianning", "supervisor_tianning"):
        with pytest.raises(NotFound):
            extensions.decide(session, user_named(session, username), ext.id, True, now=sh(date(2026, 3, 6)))
    with pytest.raises(InvalidInput):
        extensions.decide(session, user_named(session, "office_tianning"), ext.id, "yes", now=sh(date(2026, 3, 6)))


@pytest.mark.parametrize("to, field", [("2026-03-04", "requested_to"), ("2026-02-30", "requested_to"),
                                       ("next week", "requested_to"), (20260320, "requested_to"),
                                       ("2027-12-31", "requested_to")])
def test_bad_dates_are_refused(session, to, field):
    _, item = topic_waiting_for_signature(session)
    with pytest.raises(InvalidInput) as caught:
        ask(session, item, to=to)
    assert field in caught.value.fields


def test_one_pending_request_at_a_time_and_only_by_the_unit(session):
    _, item = topic_waiting_for_signature(session)
    with pytest.raises(InvalidInput):
        ask(session, item, reason="")
    ask(session, item)
    with pytest.raises(Conflict, match="already has a pending"):
        ask(session, item)
    with pytest.raises(NotFound):
        extensions.request(session, user_named(session, "housing_wujin"), item.id, "2026-03-20", "x",
                           now=sh(date(2026, 3, 6)))


def clocks_day(moment):
    from engine.time.clocks import local_day

    return local_day(moment)
