"""Online deliberation (网络议政): the office opens a period, members and invited residents post and reply, the
deadline holds on the server, hidden text stays with the office and the audit log, opinions taken into the minutes
show on the minutes task, script is inert, flooding is throttled, and each role may do only its part.
"""
import re
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, DeliberationInvitation, Opinion, Topic
from tests.factories import drive, start_topic
from tests.webui.conftest import NOW, MovableClock

SCRIPT = "<script>alert('x')</script>"
PERIOD = {"opens_at": "2026-03-02T08:00", "closes_at": "2026-03-05T18:00", "question": "加装电梯的费用怎么分摊？"}
LINK = re.compile(r'data-testid="invitation-link" value="([^"]+)"')


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


def _opened(web: Any, session: Session) -> tuple[Topic, Any, str]:
    topic = start_topic(session, NOW)
    office = web("office_tianning")
    office.get(f"/deliberations/topic/{topic.id}")
    opened = office.post(f"/deliberations/topic/{topic.id}", PERIOD)
    assert opened.status_code == 302
    return topic, office, opened.headers["Location"]


def _invite(office: Any, page: str, name: str) -> str:
    office.get(page)
    assert office.post(page + "/invitations", {"name": name}).status_code == 302
    found = LINK.findall(office.get(page).get_data(as_text=True))
    assert found
    return found[-1].replace("http://localhost", "")


def test_members_and_an_invited_resident_deliberate_and_the_office_takes_two_into_the_minutes(
        web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic, office, page = _opened(web, session)
    member = web("member_tianning")
    member.get(page)
    assert member.post(page + "/opinions", {"body": "按楼层分摊，低层少出。"}).status_code == 302
    link = _invite(office, page, "张阿姨")
    resident = app.test_client()  # no account: the signed link is all the resident has
    shown = resident.get(link).get_data(as_text=True)
    assert "张阿姨" in shown and "按楼层分摊" in shown and "加装电梯的费用怎么分摊" in shown
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', shown)
    assert csrf
    first = session.scalar(select(Opinion).where(Opinion.body.startswith("按楼层")))
    assert first is not None
    replied = resident.post(link, data={"csrf_token": csrf.group(1), "body": "一楼也该出一点。", "parent_id": first.id})
    assert replied.status_code == 302
    again = resident.post(link, data={"csrf_token": csrf.group(1), "body": "希望政府补贴。"})
    assert again.status_code == 302
    session.rollback()  # end the test's read, so it sees what the requests committed
    reply, own = (session.scalar(select(Opinion).where(Opinion.body == b))
                  for b in ("一楼也该出一点。", "希望政府补贴。"))
    assert reply is not None and reply.parent_id == first.id and reply.invitation_id is not None
    assert own is not None and own.parent_id is None
    for opinion in (first, own):
        assert office.post(f"/deliberations/opinions/{opinion.id}/take", {"taken": "1"}).status_code == 302
    task = next(i for i in _open_tasks(session, topic) if i.bpmn_id == "submit_proposal")
    shown_task = office.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "按楼层分摊" not in shown_task  # the opinions belong on the minutes' tasks only
    session.rollback()
    taken = [a.action for a in session.scalars(select(AuditEntry).where(AuditEntry.action == "opinion_taken"))]
    assert len(taken) == 2
    board = office.get(page).get_data(as_text=True)
    assert board.count('data-testid="taken"') == 2


def _open_tasks(session: Session, topic: Topic) -> list[Any]:
    from workflows.topics.inbox import open_tasks
    return list(open_tasks(session, topic))


def test_the_minutes_task_shows_the_opinions_taken(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    from workflows.demo.world import district_path
    topic, office, page = _opened(web, session)
    member = web("member_tianning")
    member.get(page)
    member.post(page + "/opinions", {"body": "增设无障碍坡道。"})
    member.post(page + "/opinions", {"body": "不必纳入的一条。"})
    opinion = session.scalar(select(Opinion).where(Opinion.body == "增设无障碍坡道。"))
    assert opinion is not None
    office.post(f"/deliberations/opinions/{opinion.id}/take", {"taken": "1"})
    steps = district_path("tianning")
    drive(session, topic, steps[: next(i for i, s in enumerate(steps) if s[0] == "submit_minutes")], NOW)
    task = next(i for i in _open_tasks(session, topic) if i.bpmn_id == "submit_minutes")
    committee = web(next(s[1] for s in steps if s[0] == "submit_minutes"))
    shown = committee.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'data-testid="taken-opinions"' in shown and "增设无障碍坡道" in shown and "不必纳入的一条" not in shown


def test_the_deadline_is_enforced_on_the_server(web, app: Flask, session: Session,
                                                clock: MovableClock) -> None:  # type: ignore[no-untyped-def]
    _, office, page = _opened(web, session)
    link = _invite(office, page, "李师傅")
    code = page.rsplit("/", 1)[1]
    clock.advance(days=4)  # past 2026-03-05 18:00 Beijing
    member = web("member_tianning")
    shown = member.get(page).get_data(as_text=True)
    assert "未开放或已截止" in shown and 'data-testid="post-opinion"' not in shown
    late = member.post(page + "/opinions", {"body": "迟到的意见"})
    assert late.status_code == 409 and "已截止" in late.get_data(as_text=True)
    assert "迟到的意见" in late.get_data(as_text=True)  # what was typed is kept
    api = app.test_client()
    token = link.rsplit("/", 1)[1]
    refused = api.post(f"/api/v1/public/deliberation/{token}/opinions", json={"body": "迟到"})
    assert refused.status_code == 409
    by_member = api.post(f"/api/v1/deliberations/{code}/opinions", json={"body": "迟到"},
                         headers=auth("member_tianning"))
    assert by_member.status_code == 409
    assert session.scalar(select(Opinion).where(Opinion.body.like("迟到%"))) is None


def test_hidden_text_stays_with_the_office_and_the_audit_log(web, app: Flask,
                                                            session: Session) -> None:  # type: ignore[no-untyped-def]
    _, office, page = _opened(web, session)
    code = page.rsplit("/", 1)[1]
    member = web("member_tianning")
    member.get(page)
    member.post(page + "/opinions", {"body": "联系我 13900001111 私下解决"})
    opinion = session.scalar(select(Opinion).where(Opinion.body.startswith("联系我")))
    assert opinion is not None
    empty = office.post(f"/deliberations/opinions/{opinion.id}/hide", {"reason": " "})
    assert empty.status_code == 422 and "隐藏理由" in empty.get_data(as_text=True)
    assert office.post(f"/deliberations/opinions/{opinion.id}/hide", {"reason": "含个人联系方式"}).status_code == 302
    link = _invite(office, page, "王大爷")
    for reader in (member.get(page), app.test_client().get(link)):
        text = reader.get_data(as_text=True)
        assert "13900001111" not in text and "含个人联系方式" in text
    as_member = app.test_client().get(f"/api/v1/deliberations/{code}", headers=auth("member_tianning")).get_json()
    assert "13900001111" not in str(as_member) and as_member["opinions"][0]["hidden"] is True
    token = link.rsplit("/", 1)[1]
    assert "13900001111" not in str(app.test_client().get(f"/api/v1/public/deliberation/{token}").get_json())
    assert "13900001111" in office.get(page).get_data(as_text=True)  # the office still reads it
    session.rollback()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "opinion_hidden"))
    assert entry is not None and entry.payload["reason"] == "含个人联系方式" and "13900001111" in entry.payload["text"]
    assert office.post(f"/deliberations/opinions/{opinion.id}/take", {"taken": "1"}).status_code == 409


def test_script_is_inert_everywhere(web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic, office, page = _opened(web, session)
    link = _invite(office, page, SCRIPT)
    member = web("member_tianning")
    member.get(page)
    member.post(page + "/opinions", {"body": SCRIPT})
    opinion = session.scalar(select(Opinion).where(Opinion.body == SCRIPT))
    assert opinion is not None
    office.post(f"/deliberations/opinions/{opinion.id}/take", {"taken": "1"})
    for shown in (office.get(page), member.get(page), app.test_client().get(link)):
        text = shown.get_data(as_text=True)
        assert SCRIPT not in text and "&lt;script&gt;" in text
    refused = member.post(page + "/opinions", {"body": "x", "parent_id": "1 OR 1=1"})
    assert refused.status_code == 422
    assert app.test_client().get("/public/deliberation/forged.token").status_code == 404
    assert app.test_client().get("/api/v1/public/deliberation/" + "A" * 300).status_code == 404


def test_flooding_is_throttled_with_a_clear_message(web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    _, office, page = _opened(web, session)
    link = _invite(office, page, "赵先生")
    token = link.rsplit("/", 1)[1]
    client = app.test_client()
    statuses = [client.post(f"/api/v1/public/deliberation/{token}/opinions", json={"body": f"第{n}条"}).status_code
                for n in range(14)]
    assert statuses == [201] * 10 + [429] * 4
    refused = client.post(f"/api/v1/public/deliberation/{token}/opinions", json={"body": "再来"})
    assert "发言过于频繁" in refused.get_json()["error"]["message"]
    member = web("member_tianning")
    member.get(page)
    for n in range(10):
        member.post(page + "/opinions", {"body": f"委员第{n}条"})
    page_refused = member.post(page + "/opinions", {"body": "第十一条"})
    assert page_refused.status_code == 429 and "第十一条" in page_refused.get_data(as_text=True)


def test_who_may_do_what(web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic, office, page = _opened(web, session)
    code = page.rsplit("/", 1)[1]
    member = web("member_tianning")
    member.get(page)
    member.post(page + "/opinions", {"body": "一条意见"})
    opinion = session.scalar(select(Opinion).where(Opinion.body == "一条意见"))
    assert opinion is not None
    assert member.post(f"/deliberations/opinions/{opinion.id}/hide", {"reason": "不行"}).status_code == 403
    assert member.post(f"/deliberations/opinions/{opinion.id}/take", {"taken": "1"}).status_code == 403
    assert member.post(page + "/invitations", {"name": "冒名"}).status_code == 403
    other = web("office_xinbei")
    assert other.get(page).status_code == 404  # another district's office does not see it
    assert other.post(f"/deliberations/opinions/{opinion.id}/hide", {"reason": "x"}).status_code == 404
    assert web("member_xinbei").post(page + "/opinions", {"body": "外区"}).status_code == 404
    handling = web("housing_tianning")
    assert handling.post(page + "/opinions", {"body": "部门"}).status_code in (403, 404)
    assert member.post(f"/deliberations/topic/{topic.id}", PERIOD).status_code == 404  # members do not see topics
    assert page in member.get("/deliberations").get_data(as_text=True)  # they find it in their list
    assert page not in web("member_xinbei").get("/deliberations").get_data(as_text=True)
    api = app.test_client()
    assert api.post(f"/api/v1/opinions/{opinion.id}/hide", json={"reason": "x"},
                    headers=auth("member_tianning")).status_code == 403
    assert api.get(f"/api/v1/deliberations/{code}").status_code == 401
    revoked = _invite(office, page, "将被收回")
    session.rollback()
    invitation = session.scalar(select(DeliberationInvitation).where(DeliberationInvitation.name == "将被收回"))
    assert invitation is not None
    assert office.post(f"{page}/invitations/{invitation.id}/revoke").status_code == 302
    assert app.test_client().get(revoked).status_code == 404


def test_bad_periods_are_refused_in_words(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    topic = start_topic(session, NOW)
    office = web("office_tianning")
    office.get(f"/deliberations/topic/{topic.id}")
    for period, field in (({"opens_at": "明天", "closes_at": "2026-03-05T18:00"}, "opens_at"),
                          ({"opens_at": "2026-03-05T18:00", "closes_at": "2026-03-02T08:00"}, "closes_at"),
                          ({"opens_at": "2026-03-01T08:00", "closes_at": "2026-03-01T09:00"}, "closes_at"),
                          ({"opens_at": "2026-03-02T08:00", "closes_at": "2026-12-30T08:00"}, "closes_at")):
        refused = office.post(f"/deliberations/topic/{topic.id}", {**period, "question": "保留的问题"})
        text = refused.get_data(as_text=True)
        assert refused.status_code == 422 and f'id="e-{field}"' in text and "保留的问题" in text


def test_the_api_opens_invites_reads_hides_and_takes(app: Flask, session: Session) -> None:
    topic = start_topic(session, NOW)
    api = app.test_client()
    opened = api.post(f"/api/v1/topics/{topic.id}/deliberation", json=PERIOD, headers=auth("office_tianning"))
    assert opened.status_code == 201 and opened.get_json()["open"] is True
    code = opened.get_json()["code"]
    assert api.post(f"/api/v1/topics/{topic.id}/deliberation", json={"opens_at": "x"},
                    headers=auth("office_tianning")).status_code == 422
    posted = api.post(f"/api/v1/deliberations/{code}/opinions", json={"body": "意见一"},
                      headers=auth("member_tianning"))
    assert posted.status_code == 201
    invited = api.post(f"/api/v1/deliberations/{code}/invitations", json={"name": "钱阿姨"},
                       headers=auth("office_tianning")).get_json()
    reply = api.post(f"/api/v1/public/deliberation/{invited['token']}/opinions",
                     json={"body": "同意", "parent_id": posted.get_json()["id"]})
    assert reply.status_code == 201 and reply.get_json()["parent_id"] == posted.get_json()["id"]
    nested = api.post(f"/api/v1/public/deliberation/{invited['token']}/opinions",
                      json={"body": "回复的回复", "parent_id": reply.get_json()["id"]})
    assert nested.get_json()["parent_id"] == posted.get_json()["id"]  # one level deep: it joins the thread
    read = api.get(f"/api/v1/public/deliberation/{invited['token']}").get_json()
    assert read["invited"] == "钱阿姨" and [r["text"] for r in read["opinions"][0]["replies"]] == ["同意", "回复的回复"]
    second = api.post(f"/api/v1/deliberations/{code}/opinions", json={"body": "意见二"},
                      headers=auth("member_tianning"))
    assert second.status_code == 201
    first_page = api.get(f"/api/v1/deliberations/{code}?per_page=1", headers=auth("member_tianning")).get_json()
    assert first_page["total"] == 2 and [o["text"] for o in first_page["opinions"]] == ["意见一"]  # replies ride along
    assert first_page["code"] == code and len(first_page["opinions"][0]["replies"]) == 2
    last = api.get(first_page["links"]["next"], headers=auth("member_tianning")).get_json()
    assert [o["text"] for o in last["opinions"]] == ["意见二"] and last["links"]["next"] is None
    taken = api.post(f"/api/v1/opinions/{posted.get_json()['id']}/take", json={}, headers=auth("office_tianning"))
    assert taken.get_json()["taken_into_minutes"] is True
    assert api.post(f"/api/v1/opinions/{posted.get_json()['id']}/take", json={"taken": "false"},
                    headers=auth("office_tianning")).status_code == 422
    hidden = api.post(f"/api/v1/opinions/{reply.get_json()['id']}/hide", json={"reason": "重复"},
                      headers=auth("office_tianning"))
    assert hidden.status_code == 200
    documented = set(api.get("/api/v1/openapi.json").get_json()["paths"])
    from webui.api import deliberation
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in (deliberation.bp.name, deliberation.public.name):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
            assert path in documented, rule.rule


def test_the_english_page(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    _, office, page = _opened(web, session)
    office.get(page)
    office.post("/locale", {"locale": "en"})
    shown = office.get(page).get_data(as_text=True)
    assert "Online deliberation" in shown and "Invite residents" in shown and "Taken into the minutes" not in shown


def test_a_remote_consultation_records_its_meeting_link_and_who_joined_remotely(
        web, app: Flask) -> None:  # type: ignore[no-untyped-def]
    office = web("office_tianning")
    office.get("/platform/activities/new")
    made = office.post("/platform/activities/new", {"title": "远程协商会", "platform": "tianning", "form": "remote",
                                                    "held_on": "2026-03-02"})
    url = made.headers["Location"]
    activity_id = int(url.rsplit("/", 1)[1])
    office.get(url)
    office.post(f"{url}/participants", {"kind": "member", "username": "member_tianning"})
    office.post(f"{url}/participants", {"kind": "expert", "name": "周教授"})
    for hostile in ("javascript:alert(1)", "http://meet.example.cn/1", "https://meet.example.cn/a b",
                    'https://x.cn/"><script>', "https://" + "a" * 500 + ".cn"):
        refused = office.post(f"{url}/meeting-link", {"meeting_link": hostile})
        assert refused.status_code == 422 and "https://" in refused.get_data(as_text=True)
    saved = office.post(f"{url}/meeting-link", {"meeting_link": "https://meeting.tencent.com/dm/abc123"})
    assert saved.status_code == 302
    page = office.get(url).get_data(as_text=True)
    assert 'href="https://meeting.tencent.com/dm/abc123" rel="noopener noreferrer"' in page
    code = re.search(r'data-testid="check-in-link">[^<]*/check-in/([^<]+)<', page)
    assert code
    member = web("member_tianning")
    shown = member.get(f"/platform/check-in/{code.group(1)}").get_data(as_text=True)
    assert "https://meeting.tencent.com/dm/abc123" in shown and 'data-testid="join-remotely"' in shown
    assert member.post(f"/platform/check-in/{code.group(1)}/remote").status_code == 302
    expert = re.search(r'data-participant="(\d+)"><td>[^<]*</td><td>周教授', office.get(url).get_data(as_text=True))
    assert expert
    assert office.post(f"{url}/participants/{expert.group(1)}/remote", {"remote": "1"}).status_code == 302
    page = office.get(url).get_data(as_text=True)
    assert page.count('data-testid="joined-remotely"') == 2
    api = app.test_client()
    shown_api = api.get(f"/api/v1/activities/{activity_id}", headers=auth("office_tianning")).get_json()
    assert shown_api["meeting_link"] == "https://meeting.tencent.com/dm/abc123"
    assert all(p["joined_remotely"] and p["checked_in_at"] for p in shown_api["participants"])
    moved = api.post(f"/api/v1/activities/{activity_id}/participants/{expert.group(1)}/remote", json={"remote": False},
                     headers=auth("office_tianning")).get_json()
    assert int(expert.group(1)) not in moved["joined_remotely"] and len(moved["joined_remotely"]) == 1
    assert api.post(f"/api/v1/activities/{activity_id}/meeting-link", json={"meeting_link": "ftp://x"},
                    headers=auth("office_tianning")).status_code == 422
    assert api.post(f"/api/v1/activities/{activity_id}/meeting-link", json={"meeting_link": "https://x.cn/m"},
                    headers=auth("member_tianning")).status_code in (403, 404)
    assert member.post(f"{url}/meeting-link", {"meeting_link": "https://evil.example/"}).status_code in (403, 404)


def test_the_pages_read_in_the_same_number_of_statements_whatever_the_opinions(
        web, app: Flask, session: Session) -> None:  # type: ignore[no-untyped-def]
    from tests.counting import counted
    _, office, page = _opened(web, session)
    link = _invite(office, page, "孙阿姨")
    member = web("member_tianning")
    member.get(page)

    def counts() -> list[int]:
        found = []
        for reader, url in ((office, page), (member, page), (app.test_client(), link)):
            with counted(app.extensions["db_engine"]) as seen:
                assert reader.get(url).status_code == 200
            found.append(len(seen))
        return found

    member.post(page + "/opinions", {"body": "第一条"})
    few = counts()
    session.rollback()
    first = session.scalar(select(Opinion).where(Opinion.body == "第一条"))
    assert first is not None
    for n in range(8):
        member.post(page + "/opinions", {"body": f"又一条{n}", "parent_id": first.id if n % 2 else ""})
    assert counts() == few


def test_opening_tells_the_members_of_the_area(web, session: Session) -> None:  # type: ignore[no-untyped-def]
    _, office, page = _opened(web, session)
    member = web("member_tianning")
    notices = member.get("/notifications").get_data(as_text=True)
    assert "网络议政开启：老旧小区加装电梯" in notices and "2026-03-05 18:00" in notices
    assert 'data-testid="open-deliberations"' in notices and page in member.get("/deliberations").get_data(as_text=True)
    assert "网络议政开启" not in web("member_xinbei").get("/notifications").get_data(as_text=True)
    office.get(page)
    again = office.post(f"/deliberations/topic/{_topic_of(session, page)}", {**PERIOD, "closes_at": "2026-03-06T18:00"})
    assert again.status_code == 302  # a changed period tells no one twice
    assert member.get("/notifications").get_data(as_text=True).count("网络议政开启") == 1


def _topic_of(session: Session, page: str) -> int:
    from models import Deliberation
    session.rollback()
    found = session.scalar(select(Deliberation).where(Deliberation.code == page.rsplit("/", 1)[1]))
    assert found is not None
    return found.topic_id
