"""Sign-in under attack: alternating password and wrong codes, a kept cookie, probing names, odd codes."""
import re

from sqlalchemy import select

from models import AuditEntry, User

ALERT = re.compile(r'<p class="error-box" role="alert">([^<]*)</p>')


def test_alternating_the_right_password_and_wrong_codes_locks_the_account(web, session):
    actor = web()
    for _ in range(5):
        actor.get("/login")
        signed = actor.post("/login", {"username": "supervisor_tianning", "password": "Demo-2026-pass"})
        assert signed.status_code == 302
        actor.get("/login/code")
        actor.post("/login/code", {"code": "000000"})
    actor.get("/login")
    locked = actor.post("/login", {"username": "supervisor_tianning", "password": "Demo-2026-pass"})
    assert locked.status_code == 401
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("second_factor_failed") == 5 and "lockout" in actions


def test_a_session_cookie_kept_from_before_logout_no_longer_works(web, app):
    actor = web("office_tianning")
    kept = actor.client.get_cookie("shangliang_session").value
    assert actor.get("/").status_code == 200
    actor.get("/")
    assert actor.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("shangliang_session", kept)
    response = thief.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_lockout_answer_is_the_same_as_for_a_name_that_does_not_exist(web):
    actor = web()
    actor.get("/login")
    for _ in range(5):
        actor.post("/login", {"username": "office_tianning", "password": "Wrong-pass-1"})
    locked = actor.post("/login", {"username": "office_tianning", "password": "Wrong-pass-1"})
    unknown = actor.post("/login", {"username": "no_such_user", "password": "Wrong-pass-1"})
    assert locked.status_code == unknown.status_code == 401
    assert ALERT.search(locked.get_data(as_text=True)).group(1) == ALERT.search(unknown.get_data(as_text=True)).group(1)


def test_a_code_in_full_width_digits_signs_in(web, clock):
    actor = web()
    actor.get("/login")
    actor.post("/login", {"username": "supervisor_tianning", "password": "Demo-2026-pass"})
    actor.get("/login/code")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in actor.code("supervisor_tianning"))
    assert actor.post("/login/code", {"code": full_width}).status_code == 302


def test_a_nul_byte_in_a_login_name_is_refused_before_it_is_looked_up(web, session):
    actor = web()
    actor.get("/login")
    assert actor.post("/login", {"username": "office\x00tianning", "password": "x\x00"}).status_code == 422
    assert session.scalar(select(User.failed_logins).where(User.username == "office_tianning")) == 0
