"""Signing in: passwords, lockout, the second factor, session limits, CSRF and cookie flags."""
import pyotp
import pytest
from sqlalchemy import select

from models import AuditEntry, User
from webui import create_app
from workflows.demo import world as demo
from workflows.people import accounts


def audit_actions(session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_clerk_signs_in_and_the_login_is_audited(web, session):
    actor = web()
    response = actor.login("office_tianning")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "我的待办" in actor.get("/").get_data(as_text=True)
    assert audit_actions(session) == ["login"]


def test_wrong_password_and_unknown_user_get_the_same_answer(web, session):
    actor = web()
    actor.get("/login")
    wrong = actor.post("/login", {"username": "office_tianning", "password": "Wrong-pass-1"})
    unknown = actor.post("/login", {"username": "nobody", "password": "Wrong-pass-1"})
    assert wrong.status_code == unknown.status_code == 401
    assert "用户名或密码错误" in wrong.get_data(as_text=True) and "用户名或密码错误" in unknown.get_data(as_text=True)
    assert audit_actions(session) == ["login_failed", "login_failed"]


def test_five_failures_lock_the_account_for_thirty_minutes(web, session, clock):
    actor = web()
    actor.get("/login")
    for _ in range(5):
        assert actor.post("/login", {"username": "office_tianning", "password": "Wrong-pass-1"}).status_code == 401
    locked = actor.post("/login", {"username": "office_tianning", "password": "Demo-2026-pass"})
    assert locked.status_code == 401 and "锁定" in locked.get_data(as_text=True)
    assert "lockout" in audit_actions(session)
    clock.advance(minutes=29)
    assert actor.post("/login", {"username": "office_tianning", "password": "Demo-2026-pass"}).status_code == 401
    clock.advance(minutes=2)
    assert actor.post("/login", {"username": "office_tianning", "password": "Demo-2026-pass"}).status_code == 302


def test_the_demo_password_works_only_in_demo_mode(db_url, clock):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "DEMO": False, "SESSION_COOKIE_SECURE": False,
                      "CLOCK": clock, "SECRET_KEY": "test"})
    client = app.test_client()
    token = client.get("/login").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": "office_tianning", "password": "Demo-2026-pass",
                                           "csrf_token": token})
    assert response.status_code == 401
    app.extensions["db_engine"].dispose()


def test_a_user_without_a_password_cannot_sign_in(web, session):
    user = demo.user_named(session, "office_wujin")
    user.password_hash = None
    session.commit()
    actor = web()
    actor.get("/login")
    assert actor.post("/login", {"username": "office_wujin", "password": ""}).status_code == 401


def test_login_without_csrf_token_is_refused(web):
    actor = web()
    actor.get("/login")
    response = actor.post("/login", {"username": "office_tianning", "password": "Demo-2026-pass"}, csrf=False)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_supervisors_need_the_second_factor(web, clock):
    actor = web()
    actor.get("/login")
    response = actor.post("/login", {"username": "supervisor_tianning", "password": "Demo-2026-pass"})
    assert response.headers["Location"] == "/login/code"
    assert actor.get("/supervision/").status_code == 302  # not signed in yet
    actor.get("/login/code")
    assert actor.post("/login/code", {"code": "000000"}).status_code == 401
    code = pyotp.TOTP(demo.demo_totp_secret("supervisor_tianning")).at(clock())
    assert actor.post("/login/code", {"code": code}).status_code == 302
    assert actor.get("/supervision/").status_code == 200


def test_a_supervisor_without_a_secret_enrols_one(web, session, clock):
    user = demo.user_named(session, "supervisor_wujin")
    user.totp_secret = None
    session.commit()
    actor = web()
    actor.get("/login")
    assert actor.post("/login", {"username": "supervisor_wujin", "password": "Demo-2026-pass"}).headers["Location"] \
        == "/login/enrol"
    page = actor.get("/login/enrol").get_data(as_text=True)
    secret = page.split('data-testid="totp-secret">')[1].split("<")[0]
    assert actor.post("/login/enrol", {"code": pyotp.TOTP(secret).at(clock())}).status_code == 302
    session.expire_all()
    assert demo.user_named(session, "supervisor_wujin").totp_secret == secret


def test_an_idle_session_ends_after_thirty_minutes(web, clock):
    actor = web("office_tianning")
    clock.advance(minutes=29)
    assert actor.get("/").status_code == 200
    clock.advance(minutes=31)
    response = actor.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_every_session_ends_after_eight_hours(web, clock):
    actor = web("office_tianning")
    for _ in range(16):
        clock.advance(minutes=29)
        assert actor.get("/").status_code == 200
    clock.advance(minutes=29)
    assert actor.get("/").status_code == 302


def test_session_cookie_flags(db_url, clock):
    app = create_app({"DATABASE_URL": db_url, "CLOCK": clock, "SECRET_KEY": "test"})
    response = app.test_client().get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.extensions["db_engine"].dispose()


def test_login_never_redirects_to_another_site(web):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        actor = web()
        actor.get("/login")
        response = actor.post("/login", {"username": "office_tianning", "password": "Demo-2026-pass", "next": target})
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("password, problem", [
    ("Ab1!", "8"), ("abcdefgh1", "三类"), ("P@ssw0rd", "常见"), ("Office_tianning-9", "用户名"),
])
def test_the_password_policy(password, problem):
    assert any(problem in p for p in accounts.policy_problems(password, "office_tianning"))


def test_changing_the_password_checks_the_policy(web, session):
    actor = web("office_tianning")
    actor.get("/password")
    weak = actor.post("/password", {"current": "Demo-2026-pass", "new": "weakpass", "confirm": "weakpass"})
    assert weak.status_code == 422 and "三类" in weak.get_data(as_text=True)
    good = actor.post("/password", {"current": "Demo-2026-pass", "new": "Tianning-Office-77",
                                     "confirm": "Tianning-Office-77"})
    assert good.status_code == 302
    session.expire_all()
    assert accounts.HASHER.verify(demo.user_named(session, "office_tianning").password_hash, "Tianning-Office-77")
    assert session.scalar(select(User.failed_logins).where(User.username == "office_tianning")) == 0


def test_the_language_switch_is_remembered_on_the_account(web, session):
    actor = web("office_tianning")
    assert "我的待办" in actor.get("/").get_data(as_text=True)
    assert actor.post("/locale", {"locale": "en", "next": "/"}).headers["Location"] == "/"
    page = actor.get("/").get_data(as_text=True)
    assert "My tasks" in page and 'lang="en"' in page
    assert "My tasks" in web("office_tianning").get("/").get_data(as_text=True)  # another session, same user
    assert actor.post("/locale", {"locale": "fr"}).status_code == 422
    assert "我的待办" in web("office_wujin").get("/").get_data(as_text=True)


def test_the_live_diagrams_refresh_does_not_keep_a_session_alive(web, session, clock):
    from tests.factories import start_topic

    topic = start_topic(session, clock())
    actor = web("office_tianning")
    for minutes in (10, 10, 8):
        clock.advance(minutes=minutes)
        assert actor.get(f"/topics/{topic.id}/marks.json").status_code == 200
    clock.advance(minutes=3)  # 31 minutes after the last page the user asked for, 3 after the last refresh
    assert actor.get("/").status_code == 302


def test_a_second_factor_code_is_accepted_once(web, clock):
    code = pyotp.TOTP(demo.demo_totp_secret("supervisor_tianning")).at(clock())
    first = web()
    first.get("/login")
    first.post("/login", {"username": "supervisor_tianning", "password": "Demo-2026-pass"})
    first.get("/login/code")
    assert first.post("/login/code", {"code": code}).status_code == 302
    replay = web()
    replay.get("/login")
    replay.post("/login", {"username": "supervisor_tianning", "password": "Demo-2026-pass"})
    replay.get("/login/code")
    assert replay.post("/login/code", {"code": code}).status_code == 401
    clock.advance(seconds=30)
    fresh_code = pyotp.TOTP(demo.demo_totp_secret("supervisor_tianning")).at(clock())
    assert replay.post("/login/code", {"code": fresh_code}).status_code == 302
