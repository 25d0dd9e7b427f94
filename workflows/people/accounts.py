"""Web login rules of a level-3 (等保 2.0) system: password policy, argon2, lockout, TOTP.

Called by the web login pages and by ``shangliang set-password``. Every attempt, failure and
lockout is written to the audit log in the caller's transaction.
"""
import contextlib
import hmac
import unicodedata
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, ShangliangError
from models import Role, User, utcnow
from workflows.people import audit, names

MIN_LENGTH = 8
MIN_CLASSES = 3
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=30)
SECOND_FACTOR_ROLES = (Role.PROCESS_ADMIN, Role.SUPERVISOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR)
DEMO_PASSWORD = "Demo-2026-pass"
COMMON_PASSWORDS_FILE = Path(__file__).with_name("data") / "common-passwords.txt"

HASHER = PasswordHasher()


class LoginRefused(ShangliangError):
    """The name, password or code did not open a session; the message is safe to show."""

    status = 401


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """Return the shipped list of refused passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def policy_problems(password: str, username: str = "") -> list[str]:
    """Return what is wrong with a new password (empty when it may be used)."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"至少 {MIN_LENGTH} 个字符 (at least {MIN_LENGTH} characters)")
    classes = [any(c.islower() for c in password), any(c.isupper() for c in password),
               any(c.isdigit() for c in password), any(not c.isalnum() for c in password)]
    if sum(classes) < MIN_CLASSES:
        problems.append("须含大写字母、小写字母、数字、符号中的至少三类 (3 of 4 character classes)")
    if password.lower() in common_passwords():
        problems.append("该密码过于常见 (this password is on the list of common passwords)")
    if username and username.lower() in password.lower():
        problems.append("密码不得包含用户名 (must not contain the user name)")
    return problems


def set_password(session: Session, user: User, password: str) -> None:
    """Hash and store a new password after checking the policy; clears any lockout."""
    problems = policy_problems(password, user.username)
    if problems:
        raise InvalidInput("the password does not meet the policy", {"password": "；".join(problems)})
    user.password_hash = HASHER.hash(password)
    user.failed_logins, user.totp_failures, user.locked_until = 0, 0, None
    user.session_generation += 1  # every session opened with the old password ends


def needs_second_factor(user: User) -> bool:
    """Tell whether the user must confirm a TOTP code after the password."""
    return any(user.has_role(role) for role in SECOND_FACTOR_ROLES)


# One answer for an unknown name, a wrong password and a locked account, so the page tells no one which names exist.
REFUSED = "用户名或密码错误；多次失败后账户将暂时锁定 (wrong user name or password; repeated failures lock the account)"


def check_password(
    session: Session, username: str, password: str, now: datetime | None = None,
    address: str = "", demo: bool = False,
) -> User:
    """Return the user whose password this is, or count the failure (and lock) and refuse."""
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == clean_text(username).strip()))
    if user is None or not user.active:
        _verify_nothing(password)  # the same work as for a real account, so timing tells nothing either
        audit.record(session, "login_failed", None, target=f"username:{clean_text(username)[:60]}", address=address,
                     now=now)
        raise LoginRefused(REFUSED)
    if user.locked_until is not None and user.locked_until > now:
        audit.record(session, "login_failed", user, address=address, now=now, reason="locked")
        raise LoginRefused(REFUSED)
    if user.locked_until is not None:
        user.failed_logins, user.totp_failures, user.locked_until = 0, 0, None
    if not _verify(user, password) or (password == DEMO_PASSWORD and not demo):
        count_failure(session, user, now, address)
        raise LoginRefused(REFUSED)
    user.failed_logins = 0  # wrong second-factor codes stay counted: only a good code clears them
    return user


def clean_text(value: str) -> str:
    """Drop NUL and bidirectional control characters, which no user name holds and PostgreSQL cannot store."""
    return names.clean(value)


def _verify_nothing(password: str) -> None:
    with contextlib.suppress(VerificationError, InvalidHashError):
        HASHER.verify(_dummy_hash(), password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return HASHER.hash("no account has this password")


def _verify(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        return HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def count_failure(session: Session, user: User, now: datetime, address: str = "") -> None:
    """Count a failed password; the fifth in a row locks the account for 30 minutes."""
    user.failed_logins += 1
    audit.record(session, "login_failed", user, address=address, now=now, failures=user.failed_logins)
    if user.failed_logins >= MAX_FAILURES:
        _lock(session, user, now, address, "password")


def count_code_failure(session: Session, user: User, now: datetime, address: str = "") -> None:
    """Count a wrong second-factor code on its own counter; the fifth since the last good code locks."""
    user.totp_failures += 1
    audit.record(session, "second_factor_failed", user, address=address, now=now, failures=user.totp_failures)
    if user.totp_failures >= MAX_FAILURES:
        _lock(session, user, now, address, "second_factor")


def _lock(session: Session, user: User, now: datetime, address: str, reason: str) -> None:
    user.locked_until = now + LOCKOUT
    audit.record(session, "lockout", user, address=address, now=now, until=user.locked_until.isoformat(),
                 reason=reason)


def is_locked(user: User, now: datetime) -> bool:
    """Tell whether the account is locked at ``now``."""
    return user.locked_until is not None and user.locked_until > now


def confirm_code(session: Session, user: User, secret: str, code: str, now: datetime, address: str = "") -> bool:
    """Check a second-factor code: a good one clears both counters, a wrong one counts (and locks)."""
    if is_locked(user, now):
        audit.record(session, "second_factor_failed", user, address=address, now=now, reason="locked")
        return False
    if not check_totp(user, secret, code, now):
        count_code_failure(session, user, now, address)
        return False
    user.failed_logins = user.totp_failures = 0
    return True


def _minutes_left(user: User, now: datetime) -> int:
    assert user.locked_until is not None
    return max(1, int((user.locked_until - now).total_seconds() // 60) + 1)


def new_totp_secret() -> str:
    """Return a fresh base32 TOTP secret for enrolment."""
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """Return the otpauth:// URI an authenticator app reads."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name="shangliang")


def totp_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """Return the time step a six-digit code belongs to (one step of clock drift allowed), else None."""
    # Full-width digits (an input method's ０-９) read as the digits they are; anything else is no code.
    code = unicodedata.normalize("NFKC", code or "").strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp, moment = pyotp.TOTP(secret), now or utcnow()
    for offset in (0, -1, 1):
        if hmac.compare_digest(totp.at(moment, counter_offset=offset), code):
            return totp.timecode(moment) + offset
    return None


def check_totp(user: User, secret: str, code: str, now: datetime | None = None) -> bool:
    """Accept a code that fits the secret and is newer than the last one the user gave (no replay)."""
    step = totp_step(secret, code, now)
    if step is None or step <= user.totp_last_step:
        return False
    user.totp_last_step = step
    return True
