"""The one triage queue: every source lands in it, similar items are found by jieba words in the database's own
full-text index, merging keeps one level, and a topic started from an item takes every merged item along.
"""
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput, NotFound
from models import AuditEntry, ProposalSource, ProposalStatus, PublicProposal, TopicSource, User
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from workflows.demo.world import user_named
from workflows.participation import proposals, search, triage
from workflows.platform import rooms

PARKING = {"title": "小区停车难，电动车乱停",
           "description": "晚上小区停车位不够，电动车充电桩也少，希望协商解决停车难。",
           "category": "livelihood", "place": "zhenglu-c1"}
LAMPS = {"title": "路灯不亮", "description": "河边步道的路灯坏了很久，夜里散步不安全。", "category": "livelihood",
         "place": "zhenglu-c1"}


def _public(session: Session, fields: dict[str, str], address: str = "10.0.0.1") -> PublicProposal:
    with writing(session):
        return proposals.propose(session, {**fields, "contact": ""}, address, NOW)


def _submit(session: Session, username: str, source: ProposalSource, fields: dict[str, str]) -> PublicProposal:
    with writing(session):
        return triage.submit(session, user_named(session, username), source, fields, NOW)


def test_jieba_words_are_whole_words_without_single_characters() -> None:
    assert search.words("小区停车难").split() == ["小区", "停车", "停车难"]
    assert search.words("<script>alert(1)</script> 的") == "script alert"


def test_every_source_lands_in_the_office_queue_with_its_source(session: Session) -> None:
    with writing(session):
        room = rooms.register(session, user_named(session, "office_tianning"), "zhenglu-c1",
                              {"name": "郑陆一社区议事室", "functions": ["opinion_point"]}, now=NOW)
    _public(session, LAMPS)
    _submit(session, "member_tianning", ProposalSource.MEMBER, PARKING)
    opinion = _submit(session, "member_tianning", ProposalSource.OPINION, {**LAMPS, "room": room.code, "place": ""})
    _submit(session, "party_tianning", ProposalSource.ASSIGNED, {**PARKING, "place": "tianning"})
    office = user_named(session, "office_tianning")
    queued = triage.queue(session, office)
    assert sorted(p.source.value for p in queued) == ["assigned", "member", "opinion", "public"]
    assert opinion.room_id == room.id and opinion.organization.code == "zhenglu-c1"
    assert [p.source for p in triage.queue(session, office, source=ProposalSource.OPINION)] == [ProposalSource.OPINION]
    assert triage.queue(session, user_named(session, "office_wujin")) == []  # another district sees none of them
    assert [p.title for p in triage.mine(session, user_named(session, "member_tianning"))] == [LAMPS["title"],
                                                                                               PARKING["title"]]


def test_who_may_submit_what_and_where(session: Session) -> None:
    with pytest.raises(Forbidden), writing(session):
        triage.submit(session, user_named(session, "office_tianning"), ProposalSource.MEMBER, PARKING, NOW)
    with pytest.raises(Forbidden), writing(session):
        triage.submit(session, user_named(session, "member_tianning"), ProposalSource.ASSIGNED, PARKING, NOW)
    with pytest.raises(InvalidInput) as refused, writing(session):
        triage.submit(session, user_named(session, "member_wujin"), ProposalSource.MEMBER, PARKING, NOW)
    assert "place" in refused.value.fields  # a member names places of their own district only
    with pytest.raises(InvalidInput) as refused, writing(session):
        triage.submit(session, user_named(session, "member_tianning"), ProposalSource.OPINION,
                      {**LAMPS, "room": "nowhere"}, NOW)
    assert "room" in refused.value.fields


def test_similar_items_are_suggested_by_shared_words_most_alike_first(session: Session) -> None:
    first = _public(session, PARKING)
    _public(session, LAMPS)
    second = _submit(session, "member_tianning", ProposalSource.MEMBER,
                     {**PARKING, "title": "停车难", "description": "小区停车位太少。"})
    office = user_named(session, "office_tianning")
    assert [p.number for p in triage.similar(session, office, first)] == [second.number]
    assert triage.similar(session, user_named(session, "office_wujin"), first) == []
    session.expunge_all()
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        triage.similar(session, office, session.get(PublicProposal, first.id))  # type: ignore[arg-type]
    assert len(seen) == 2  # the item, then the suggestions in one statement


def test_the_most_alike_comes_first_not_the_newest(session: Session) -> None:
    item = _public(session, PARKING)
    alike = _public(session, {**PARKING, "title": "电动车乱停，停车难"})
    _public(session, {**LAMPS, "title": "小区路灯", "description": "小区路灯不亮。"})  # newer, one word shared
    found = triage.similar(session, user_named(session, "office_tianning"), item)
    assert [p.number for p in found][0] == alike.number and len(found) == 2


def _merged_twice(session: Session) -> tuple[PublicProposal, PublicProposal, PublicProposal, User]:
    """Merge a third item into a member's, then the member's into a resident's; return them and the office."""
    resident, member = _public(session, PARKING), _submit(session, "member_tianning", ProposalSource.MEMBER, PARKING)
    third = _public(session, {**PARKING, "title": "停车位不够"})
    office = user_named(session, "office_tianning")
    with writing(session):
        triage.merge(session, office, member, [third.number], NOW)
        triage.merge(session, office, resident, [member.number], NOW)  # the chain stays one level deep
    return resident, member, third, office


def test_merge_then_start_a_topic_that_keeps_its_origin_and_every_merged_item(session: Session) -> None:
    resident, member, third, office = _merged_twice(session)
    assert third.merged_into_id == resident.id and member.merged_into_id == resident.id
    assert proposals.public_state(member)["status"] == "merged"
    with writing(session):
        topic = triage.start_topic(session, office, resident, {"platform_level": "district"}, NOW)
    assert topic.title == PARKING["title"] and topic.source is TopicSource.PUBLIC
    [origin, *merged] = triage.origin(session, topic)
    assert origin.number == resident.number and {m.number for m in merged} == {member.number, third.number}
    for item in (resident, member, third):
        session.refresh(item)
        assert proposals.public_state(item)["status"] == "became_topic" and item.topic_id == topic.id
    late = _public(session, {**PARKING, "title": "又一个停车难"})
    with writing(session):
        triage.merge(session, office, resident, [late.number], NOW)  # a late duplicate joins the topic at once
    assert late.status is ProposalStatus.BECAME_TOPIC and late.topic_id == topic.id
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("proposal_%"))).all()
    assert actions.count("proposal_merged") == 3 and "proposal_became_topic" in actions


def test_a_merged_item_is_taken_out_again_back_to_review_and_what_came_with_it_stays(session: Session) -> None:
    resident, member, third, office = _merged_twice(session)
    with writing(session):
        assert triage.unmerge(session, office, member, NOW) == resident.number
    assert (member.status, member.merged_into_id) == (ProposalStatus.UNDER_REVIEW, None)
    assert third.merged_into_id == resident.id  # it went over to the target with member, and stays there
    assert [m.number for m in triage.merged_into(session, resident)] == [third.number]
    assert proposals.public_state(member)["status"] == "under_review"
    with pytest.raises(InvalidInput), writing(session):
        triage.unmerge(session, office, member, NOW)  # not merged any more
    with pytest.raises(NotFound), writing(session):
        triage.unmerge(session, user_named(session, "office_wujin"),
                       proposals.require_for_office(session, user_named(session, "office_wujin"), third.number), NOW)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "proposal_unmerged")).one()
    assert entry.payload["out_of"] == resident.number
    with writing(session):
        topic = triage.start_topic(session, office, resident, {"platform_level": "district"}, NOW)
    with pytest.raises(InvalidInput), writing(session):
        triage.unmerge(session, office, third, NOW)  # its target became a topic: it is that topic's origin now
    assert third.topic_id == topic.id


def test_handled_items_cannot_be_merged_or_started_again(session: Session) -> None:
    first, second, third = _public(session, PARKING), _public(session, LAMPS), _public(session, LAMPS)
    office = user_named(session, "office_tianning")
    with writing(session):
        proposals.respond(session, office, second, "已转交有关部门", False, NOW)
    with pytest.raises(InvalidInput), writing(session):
        triage.merge(session, office, first, [second.number], NOW)
    with pytest.raises(InvalidInput), writing(session):
        triage.start_topic(session, office, second, {"platform_level": "district"}, NOW)
    with pytest.raises(NotFound), writing(session):
        triage.merge(session, user_named(session, "office_wujin"), first, [third.number], NOW)
    with pytest.raises(InvalidInput), writing(session):
        triage.merge(session, office, first, [first.number], NOW)
    with pytest.raises(InvalidInput), writing(session):
        triage.merge(session, office, first, [third.number] * (triage.MAX_MERGE + 1), NOW)


def test_the_queue_reads_one_statement_whatever_its_length(session: Session) -> None:
    for n in range(4):
        _public(session, {**LAMPS, "title": f"路灯 {n}"}, address=f"10.0.0.{n}")
        _submit(session, "member_tianning", ProposalSource.MEMBER, {**PARKING, "title": f"停车 {n}"})
    session.expunge_all()
    office = user_named(session, "office_tianning")
    assert office.roles  # the user's roles are read once at sign-in, before the page
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        queued = triage.queue(session, office)
        [(p.organization.name, p.submitted_by and p.submitted_by.display_name, p.room) for p in queued]
    assert len(queued) == 8 and len(seen) == 2  # the items with place, sender and room; the senders' roles


def test_search_syntax_typed_by_a_resident_is_only_words(session: Session) -> None:
    hostile = {**PARKING, "title": "停车 \" OR * NEAR( AND -- ' ; DROP TABLE proposal_search",
               "description": "停车难 ^ : NOT ( ) {} || && ! <-> '停车':*"}
    first, second = _public(session, hostile), _public(session, PARKING)
    office = user_named(session, "office_tianning")
    assert [p.number for p in triage.similar(session, office, first)] == [second.number]
    assert [p.number for p in triage.similar(session, office, second)] == [first.number]
    assert all(search.WORD.fullmatch(w) for w in first.words.split())
