"""Second-factor failures count on their own, lock and are audited; codes typed in full-width digits work."""
from datetime import timedelta

import pyotp
from sqlalchemy import select

from models import AuditEntry
from models.database import writing
from tests.conftest import NOW
from workflows.demo import world as demo
from workflows.people import accounts, names

SECRET = pyotp.random_base32()


def supervisor(session):
    user = demo.user_named(session, "supervisor_tianning")
    user.password_hash = accounts.HASHER.hash("Demo-2026-pass")
    user.totp_secret = SECRET
    return user


def test_a_right_password_between_wrong_codes_does_not_clear_them(session):
    with writing(session):
        user = supervisor(session)
        for attempt in range(accounts.MAX_FAILURES):
            moment = NOW + timedelta(seconds=attempt)
            accounts.check_password(session, "supervisor_tianning", "Demo-2026-pass", moment, demo=True)
            assert not accounts.confirm_code(session, user, SECRET, "000000", moment)
    assert accounts.is_locked(user, NOW + timedelta(minutes=29))
    actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions.count("second_factor_failed") == accounts.MAX_FAILURES and actions[-1] == "lockout"
    good = pyotp.TOTP(SECRET).at(NOW + timedelta(minutes=1))
    with writing(session):  # locked: even the right code is refused
        assert not accounts.confirm_code(session, user, SECRET, good, NOW + timedelta(minutes=1))


def test_a_good_code_clears_both_counters(session):
    with writing(session):
        user = supervisor(session)
        accounts.confirm_code(session, user, SECRET, "000000", NOW)
        accounts.count_failure(session, user, NOW)
        assert (user.totp_failures, user.failed_logins) == (1, 1)
        assert accounts.confirm_code(session, user, SECRET, pyotp.TOTP(SECRET).at(NOW), NOW)
        assert (user.totp_failures, user.failed_logins) == (0, 0)


def test_full_width_digits_read_as_a_code_and_other_text_is_no_code():
    code = pyotp.TOTP(SECRET).at(NOW)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert accounts.totp_step(SECRET, full_width, NOW) == accounts.totp_step(SECRET, code, NOW) is not None
    for junk in ("١٢٣٤٥٦", "12345\x00", "", "1" * 10_000):  # Arabic-Indic digits, a NUL, nothing, a flood
        assert accounts.totp_step(SECRET, junk, NOW) is None


def test_a_password_change_ends_the_users_sessions(session):
    with writing(session):
        user = supervisor(session)
        before = user.session_generation
        accounts.set_password(session, user, "Tianning-Super-77")
    assert user.session_generation == before + 1


def test_hidden_characters_are_cleaned_from_names_read_outside_the_web():
    from workflows.organizations import bulk

    assert names.clean("evil\u202egpj.exe\x00") == "evilgpj.exe"
    assert bulk._text(" 张\u2066三\u2069 ") == "张三"
