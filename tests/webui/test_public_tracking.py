"""Following a proposal: followers and the proposer's e-mail told of each status change over a real SMTP server on
loopback; the look-up by contact and a one-time code (expires, used once, rate limited, a wrong code tells
nothing); the office opening a proposal sets it under review and audits that the contact was seen.
"""
import re
from datetime import UTC
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, Delivery, ProposalFollower, ProposalStatus, PublicProposal, utcnow
from models.database import writing
from tests.receivers import Mailbox, mailbox  # noqa: F401  (fixture)
from tests.webui.test_public_proposals import _propose
from webui import follow_links
from workflows.demo.world import user_named
from workflows.notifications.delivery import DeliverySettings, SmtpSettings, deliver_due
from workflows.participation import proposals, tracking

EMAIL = "resident@example.org"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _number(response: Any) -> str:
    return str(response.headers["Location"].split("/public/proposals/")[1].split("?")[0])


def _deliver(session: Session, port: int) -> None:
    deliver_due(session, utcnow(), DeliverySettings(smtp=SmtpSettings(host="127.0.0.1", port=port)))


def _csrf(client: Any, url: str) -> str:
    found = CSRF.search(client.get(url).get_data(as_text=True))
    assert found
    return found.group(1)


def test_followers_and_the_proposer_hear_of_each_status_change(
        app: Flask, web: Any, session: Session, mailbox: tuple[Mailbox, int]) -> None:  # noqa: F811
    box, port = mailbox
    client = app.test_client()
    number = _number(_propose(client, contact=EMAIL))
    token = _csrf(client, f"/public/proposals/{number}")
    asked = client.post(f"/public/proposals/{number}/follow", data={"csrf_token": token, "email": "n@example.net"})
    assert asked.status_code == 302 and "following=asked" in asked.headers["Location"]
    bad = client.post(f"/public/proposals/{number}/follow", data={"csrf_token": token, "email": "<script>x"})
    assert bad.status_code == 422 and "请填写电子邮箱" in bad.get_data(as_text=True)
    _deliver(session, port)
    assert box.wait_for(1, timeout=20) and box.messages[0]["To"] == "n@example.net"
    link = re.search(r"http://\S+/follow/\S+", box.messages[0].get_content())
    assert link
    path = link.group(0).split("localhost", 1)[-1]
    page = client.get(path).get_data(as_text=True)
    assert "确认关注" in page and "n@example.net" in page  # shown only to whoever holds the mailed link
    for forged in (path[:-3] + "xyz", path.replace(number, "GZ-AAAAAAAAAA")):
        assert client.get(forged).status_code == 404 and client.post(forged, data={"csrf_token": token}) \
            .status_code == 404
    assert client.post(path, data={"csrf_token": token}).status_code == 302
    assert client.post(path, data={"csrf_token": token}).status_code == 302  # twice adds nothing
    assert session.scalars(select(ProposalFollower.email)).all() == ["n@example.net"]
    office = web("office_tianning")
    office.post(f"/proposals/{number}/respond", {"answer": "已转交街道，月内修复。", "decision": "answer"})
    _deliver(session, port)
    assert box.wait_for(3, timeout=20)
    told = {m["To"]: m for m in box.messages[1:]}
    assert set(told) == {EMAIL, "n@example.net"}
    body = told[EMAIL].get_content()
    assert number in told[EMAIL]["Subject"] and "已答复" in told[EMAIL]["Subject"] and "月内修复" in body
    page = client.get(f"/public/proposals/{number}").get_data(as_text=True)
    assert EMAIL not in page and "n@example.net" not in page  # neither the contact nor a follower is ever public


def test_asking_to_follow_adds_nobody_until_the_address_confirms(app: Flask, session: Session, clock: Any) -> None:
    client = app.test_client()
    number = _number(_propose(client))
    token = _csrf(client, f"/public/proposals/{number}")
    answers = [client.post(f"/public/proposals/{number}/follow", data={"csrf_token": token, "email": f"v{n}@x.org"})
               .status_code for n in range(6)]
    assert answers == [302] * 5 + [429]  # throttled per client address
    assert session.scalars(select(ProposalFollower)).all() == []
    assert len(session.scalars(select(Delivery)).all()) == 5
    with app.test_request_context():
        stale = follow_links.link(number, "v0@x.org").split("localhost", 1)[-1]
    clock.advance(days=3)
    assert client.get(stale).status_code == 404  # a link older than two days confirms nothing


def test_a_proposal_without_an_e_mail_contact_tells_nobody_but_its_followers(app: Flask, session: Session) -> None:
    number = _number(_propose(app.test_client()))  # a phone contact: no e-mail goes to it
    with writing(session):
        found = proposals.lookup(session, number)
        found.status = ProposalStatus.REJECTED
    assert session.scalars(select(Delivery)).all() == []


def _code(app: Flask, session: Session, port: int, box: Mailbox, contact: str = EMAIL) -> tuple[Any, str, str]:
    client = app.test_client()
    token = _csrf(client, "/public/lookup")
    sent = client.post("/public/lookup", data={"csrf_token": token, "contact": contact})
    assert sent.status_code == 200 and "验证码已发送" in sent.get_data(as_text=True)
    before = len(box.messages)
    _deliver(session, port)
    assert box.wait_for(before + 1, timeout=20)
    found = re.search(r"\b(\d{6})\b", box.messages[-1].get_content())
    assert found
    return client, token, found.group(1)


def test_the_proposer_looks_up_by_contact_and_a_one_time_code(
        app: Flask, session: Session, mailbox: tuple[Mailbox, int]) -> None:  # noqa: F811
    box, port = mailbox
    app.config["EMAIL_CODES"] = True
    number = _number(_propose(app.test_client(), contact=EMAIL, title="路灯不亮"))
    client, token, code = _code(app, session, port, box)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post("/public/lookup", data={"csrf_token": token, "contact": EMAIL, "code": wrong})
    assert refused.status_code == 422 and tracking.BAD_CODE in refused.get_data(as_text=True)
    shown = client.post("/public/lookup", data={"csrf_token": token, "contact": EMAIL, "code": code})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and number in page and "路灯不亮" in page
    reused = client.post("/public/lookup", data={"csrf_token": token, "contact": EMAIL, "code": code})
    assert reused.status_code == 422 and number not in reused.get_data(as_text=True)  # used once
    stored = session.scalars(select(tracking.LookupCode)).all()
    assert stored and all(code not in row.code_hash for row in stored)  # only a hash is kept


def test_a_code_expires_and_a_stranger_s_contact_learns_nothing(
        app: Flask, session: Session, clock: Any, mailbox: tuple[Mailbox, int]) -> None:  # noqa: F811
    box, port = mailbox
    app.config["EMAIL_CODES"] = True
    _propose(app.test_client(), contact=EMAIL)
    client, token, code = _code(app, session, port, box)
    clock.advance(minutes=11)
    late = client.post("/public/lookup", data={"csrf_token": token, "contact": EMAIL, "code": code})
    assert late.status_code == 422 and tracking.BAD_CODE in late.get_data(as_text=True)
    stranger = client.post("/public/lookup", data={"csrf_token": token, "contact": "nobody@example.org"})
    assert stranger.status_code == 200 and "验证码已发送" in stranger.get_data(as_text=True)  # the same answer
    _deliver(session, port)
    assert all(m["To"] != "nobody@example.org" for m in box.messages)
    guess = client.post("/public/lookup", data={"csrf_token": token, "contact": "nobody@example.org", "code": "123456"})
    assert guess.status_code == 422 and tracking.BAD_CODE in guess.get_data(as_text=True)


def test_phone_codes_say_text_messages_are_not_set_up_and_guessing_is_throttled(app: Flask) -> None:
    app.config["EMAIL_CODES"] = True
    client = app.test_client()
    token = _csrf(client, "/public/lookup")
    phone = client.post("/public/lookup", data={"csrf_token": token, "contact": "13812345678"})
    assert phone.status_code == 200 and "短信验证暂未开通" in phone.get_data(as_text=True)
    junk = client.post("/public/lookup", data={"csrf_token": token, "contact": "<script>alert(1)</script>"})
    assert junk.status_code == 422 and "<script>alert(1)" not in junk.get_data(as_text=True)
    answers = [client.post("/public/lookup", data={"csrf_token": token, "contact": EMAIL, "code": f"{n:06d}"})
               .status_code for n in range(12)]
    assert answers[:10] == [422] * 10 and answers[10:] == [429, 429]
    assert "操作过于频繁" in client.post("/public/lookup", data={"csrf_token": token, "contact": EMAIL, "code": "1"}) \
        .get_data(as_text=True)


def test_opening_a_proposal_puts_it_under_review_and_audits_the_contact(app: Flask, session: Session,
                                                                         clock: Any) -> None:
    number = _number(_propose(app.test_client()))
    with writing(session):
        found = proposals.lookup(session, number)
        tracking.open_for_office(session, user_named(session, "office_tianning"), found, clock())
    stored = session.scalar(select(PublicProposal).where(PublicProposal.number == number))
    assert stored is not None and stored.status is ProposalStatus.UNDER_REVIEW
    actions = list(session.scalars(select(AuditEntry.action).where(AuditEntry.target == f"proposal:{number}")))
    assert actions == ["proposal_opened", "contact_viewed"]
    stamped = session.scalars(select(AuditEntry.at).where(AuditEntry.target == f"proposal:{number}")).all()
    assert all(at == clock() for at in stamped)  # at the app's time


def test_every_showing_of_a_contact_to_the_office_is_audited(app: Flask, web: Any, session: Session) -> None:
    number = _number(_propose(app.test_client()))
    office = web("office_tianning")
    assert "13812345678" not in office.get("/proposals").get_data(as_text=True)  # the list shows no contact
    assert "13812345678" in office.get(f"/proposals/{number}").get_data(as_text=True)
    client = app.test_client()
    token = {"Authorization": "Bearer demo-office_tianning"}
    assert client.get(f"/api/v1/proposals/{number}", headers=token).get_json()["contact"] == "13812345678"
    assert client.get("/api/v1/proposals", headers=token).status_code == 200
    entries = session.scalars(select(AuditEntry).where(AuditEntry.target == f"proposal:{number}")
                              .order_by(AuditEntry.id)).all()
    assert [(e.action, e.payload.get("via")) for e in entries] == [
        ("proposal_opened", None), ("contact_viewed", None), ("contact_viewed", None), ("contact_viewed", "list")]
    stored = session.scalar(select(PublicProposal).where(PublicProposal.number == number))
    assert stored is not None and stored.status is ProposalStatus.UNDER_REVIEW


def test_the_office_lists_one_link_and_qr_code_per_district_it_covers(app: Flask, web: Any) -> None:
    district = web("office_tianning").get("/proposals/district-links").get_data(as_text=True)
    assert "/public/propose?place=tianning" in district and "place=wujin" not in district
    city = web("office_changzhou").get("/proposals/district-links").get_data(as_text=True)
    assert all(f"/public/propose?place={code}" in city for code in ("tianning", "zhonglou", "xinbei", "wujin"))
    qr = web("office_tianning").get("/proposals/district-links/tianning/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml" and b"<svg" in qr.data
    assert web("office_tianning").get("/proposals/district-links/wujin/qr.svg").status_code == 404
    assert web("member_tianning").get("/proposals/district-links").status_code == 403
    assert app.test_client().get("/proposals/district-links").status_code == 302  # to the sign-in page
    opened = app.test_client().get("/public/propose?place=tianning").get_data(as_text=True)
    assert 'value="tianning" selected' in opened


def test_a_status_set_on_an_expired_proposal_is_announced_too(app: Flask, session: Session) -> None:
    number = _number(_propose(app.test_client(), contact=EMAIL))
    found = session.scalar(select(PublicProposal).where(PublicProposal.number == number))
    assert found is not None
    session.commit()  # expires the proposal: its status is set below without being read first
    with writing(session):
        found.status = ProposalStatus.ANSWERED
    assert [d.address for d in session.scalars(select(Delivery))] == [EMAIL]


def test_status_e_mails_are_dated_by_the_application_s_clock(app: Flask, web: Any, session: Session,
                                                              clock: Any) -> None:
    number = _number(_propose(app.test_client(), contact=EMAIL))
    clock.advance(days=40)  # the app's time, far from the wall clock's
    office = web("office_tianning")
    office.get(f"/proposals/{number}")
    assert office.post(f"/proposals/{number}/respond", {"answer": "已转交街道。", "decision": "answer"}) \
        .status_code == 302
    session.commit()
    told = session.scalars(select(Delivery).where(Delivery.address == EMAIL).order_by(Delivery.id)).all()
    assert len(told) == 2  # under review when the office opened it, then answered
    assert {(d.created_at.replace(tzinfo=UTC), d.next_attempt_at.replace(tzinfo=UTC)) for d in told} == \
        {(clock(), clock())}

