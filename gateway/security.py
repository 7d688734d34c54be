"""Login security rules (S1), plain and unit-tested: lock-out, password policy, one-time passwords (TOTP).

No database and no Nameko here: gateway/accounts.py applies these rules to the users table.

TOTP secrets are stored as they are (base32) in the gateway's own database, not encrypted: the
``cryptography`` package (Fernet) is not installed in this stack, and an encryption key kept in the same
deployment's configuration would protect only against a leak of the database alone. A secret is only a
second factor: it is useless without the account's password (stored as argon2id), and an admin can reset
it. Whoever can read the gateway database already holds the sessions table, so the gain would be small.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import segno

TOTP_DIGITS = 6
TOTP_INTERVAL = 30  # seconds (RFC 6238 defaults: SHA-1, 30 s, 6 digits)
TOTP_DRIFT_STEPS = 1  # accept the previous and the next code too (clock drift)
TOTP_ISSUER = "Piiri"
MIN_PASSWORD_LENGTH = 12
TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# The most common passwords of at least twelve characters (shorter ones fail the length rule anyway),
# compared case-insensitively and without spaces.
COMMON_PASSWORDS = frozenset(
    """
    123456789012 1234567890123 12345678901234 123123123123 111111111111 000000000000 123456123456
    qwertyuiopas qwertyuiop123 qwertyuiopasdfgh 1qaz2wsx3edc 1q2w3e4r5t6y 1q2w3e4r5t6y7u asdfghjkl123
    passwordpassword password1234 password12345 password123456 passw0rd1234 mypassword123 password!123
    iloveyou1234 letmein12345 welcome12345 welcome123456 administrator admin1234567 adminadmin123
    changeme1234 changeme12345 trustno1trustno1 football1234 baseball1234 superman1234 starwars1234
    sunshine1234 princess1234 monkey123456 dragon123456 master123456 qazwsxedcrfv zxcvbnm12345
    abc123abc123 abcdefghijkl abcd1234abcd salasana1234 salasana12345 salasana123456 kissa1234567
    koira1234567 perkele12345 suomi1234567 hyvaapaivaa1 tervetuloa12 tervetuloa123 kesakuu12345
    piiri1234567 piiripiiri12 correcthorsebatterystaple
    """.split()
)


@dataclass(frozen=True)
class LockoutPolicy:
    """After ``max_failures`` consecutive failed logins an account is locked for ``lock_minutes``."""

    max_failures: int = 5
    lock_minutes: int = 15

    @classmethod
    def from_settings(cls, settings):
        return cls(int(settings["max_failures"]), int(settings["lock_minutes"]))


@dataclass(frozen=True)
class FailureOutcome:
    """What one more failed login does to an account: the new counter and, if it locks, until when."""

    failed_logins: int
    locked_until: datetime | None

    @property
    def locked(self):
        return self.locked_until is not None


def is_locked(locked_until, now):
    return locked_until is not None and locked_until > now


def register_failure(failed_logins, now, policy):
    """One more consecutive failure; the one reaching the limit locks the account and restarts the count."""
    count = (failed_logins or 0) + 1
    if count >= policy.max_failures:
        return FailureOutcome(0, now + timedelta(minutes=policy.lock_minutes))
    return FailureOutcome(count, None)


def lock_from_failure_times(failure_times, now, policy):
    """For a username with no account: the lock an account would have from these failure times.

    Unknown usernames get the same answers as real ones, so lock messages do not reveal which exist.
    Returns the lock's end or None.
    """
    window = [
        moment for moment in sorted(failure_times) if moment > now - timedelta(minutes=policy.lock_minutes)
    ]
    if len(window) < policy.max_failures:
        return None
    return window[policy.max_failures - 1] + timedelta(minutes=policy.lock_minutes)


# --- passwords -------------------------------------------------------------------------------------


def password_problems(password, username=""):
    """Why ``password`` is not acceptable, as {code: English message}; empty when it is fine."""
    password = password or ""
    problems = {}
    if len(password) < MIN_PASSWORD_LENGTH:
        problems["too_short"] = f"The password must have at least {MIN_PASSWORD_LENGTH} characters."
    folded = re.sub(r"\s+", "", password).casefold()
    if username and folded and username.casefold() in (folded, folded[::-1]):
        problems["is_username"] = "The password must not be the username."
    if folded in COMMON_PASSWORDS:
        problems["too_common"] = "The password is one of the most common passwords; choose another."
    return problems


def temporary_password(length=16):
    """A one-time password an admin hands over; unambiguous characters, ~92 bits."""
    return "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(length))


# --- one-time codes (TOTP, RFC 6238) -----------------------------------------------------------------


def new_totp_secret():
    return pyotp.random_base32()  # 32 base32 characters = 160 bits, as RFC 4226 recommends


def totp_uri(secret, username):
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).provisioning_uri(
        name=username, issuer_name=TOTP_ISSUER
    )


def totp_qr_data_uri(uri):
    """The QR code of ``uri`` as an SVG data: URI for an <img> (the CSP allows img-src data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)


def time_step(now):
    return int(now.timestamp()) // TOTP_INTERVAL


def code_for_step(secret, step):
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).generate_otp(step)


def normalise_code(code):
    """'123 456' -> '123456'; None if it cannot be a code."""
    digits = re.sub(r"[\s-]", "", str(code or ""))
    return digits if re.fullmatch(rf"\d{{{TOTP_DIGITS}}}", digits) else None


@dataclass(frozen=True)
class CodeCheck:
    """The result of checking a code: ``step`` when accepted, else ``reason`` (malformed, reused, wrong)."""

    step: int | None = None
    reason: str | None = None

    @property
    def ok(self):
        return self.step is not None


def check_code(secret, code, now, last_step=None, drift=TOTP_DRIFT_STEPS):
    """Check a TOTP code against the steps around ``now``; a step at or before ``last_step`` is never
    accepted again, so a code (or an older one) cannot be replayed."""
    code = normalise_code(code)
    if code is None or not secret:
        return CodeCheck(reason="malformed")
    current = time_step(now)
    reused = False
    nearby = [current + sign * offset for offset in range(1, drift + 1) for sign in (-1, 1)]
    for step in (current, *nearby):
        if hmac.compare_digest(code_for_step(secret, step), code):
            if last_step is not None and step <= last_step:
                reused = True
                continue
            return CodeCheck(step=step)
    return CodeCheck(reason="reused" if reused else "wrong")
