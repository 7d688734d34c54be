"""Login security rules (S1), plain and unit-tested: lock-out, password policy, one-time passwords (TOTP).

No database and no Nameko here: gateway/accounts.py applies these rules to the users table.

TOTP secrets are stored encrypted (gateway/secret_box.py, issue 12 item 7h); the functions here take
the plaintext secret.
"""

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import pyotp
import segno

from gateway.common_passwords import COMMON_PASSWORDS, COMMON_WORDS
from piiri.errors import coded

TOTP_DIGITS = 6
TOTP_INTERVAL = 30  # seconds (RFC 6238 defaults: SHA-1, 30 s, 6 digits)
TOTP_DRIFT_STEPS = 1  # accept the previous and the next code too (clock drift)
TOTP_ISSUER = "Piiri"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024  # checked before hashing: a 100,000-character password is refused at once
TEMPORARY_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class LockoutPolicy:
    """Login throttling (S1, issue 12 item 5), keyed on the (username, client address) pair.

    After ``max_failures`` failures of one username from one address, that pair is locked for
    ``lock_minutes``; each further lock of the same pair doubles, up to ``max_lock_minutes``. Other
    addresses can still log in as that user with the right password, so nobody can lock an account
    for everyone. One address failing ``address_max_failures`` times within ``lock_minutes`` across
    usernames is refused altogether (password spraying). A username failing ``user_attack_failures``
    times within ``history_hours`` from all addresses together is under attack: then every address
    locks after a single failure (progressively), which slows a distributed guesser without
    locking out the user's own address.
    """

    max_failures: int = 5
    lock_minutes: int = 15
    address_max_failures: int = 50
    user_attack_failures: int = 100
    max_lock_minutes: int = 24 * 60
    history_hours: int = 24

    @classmethod
    def from_settings(cls, settings):
        return cls(
            int(settings["max_failures"]),
            int(settings["lock_minutes"]),
            int(settings.get("address_max_failures", cls.address_max_failures)),
            int(settings.get("user_attack_failures", cls.user_attack_failures)),
        )

    def history_start(self, now):
        return now - timedelta(hours=self.history_hours)


def is_locked(locked_until, now):
    return locked_until is not None and locked_until > now


def pair_lock(failure_times, now, policy, under_attack=False):
    """The end of the lock these failures of one (username, address) pair cause, or None if not locked.

    Failures before the history window are forgotten (a success or an admin's unlock deletes them).
    Every ``max_failures``-th failure (every one while the username is under attack) starts a lock,
    twice as long as the one before; the latest lock is the one that counts. Attempts refused by a
    lock are not failures, so after a lock ends the pair has ``max_failures`` tries again.
    """
    start = policy.history_start(now)
    times = sorted(moment for moment in failure_times if moment > start)
    per_lock = 1 if under_attack else policy.max_failures
    locks = len(times) // per_lock
    if locks == 0:
        return None
    minutes = min(policy.lock_minutes * 2 ** min(locks - 1, 16), policy.max_lock_minutes)
    until = times[locks * per_lock - 1] + timedelta(minutes=minutes)
    return until if until > now else None


def address_throttled(failures_from_address, policy):
    """True when one address failed too often across usernames within ``lock_minutes`` (spraying)."""
    return failures_from_address >= policy.address_max_failures


def under_attack(failures_of_username, policy):
    """True when a username failed so often from all addresses together that it is being guessed."""
    return failures_of_username >= policy.user_attack_failures


# --- passwords -------------------------------------------------------------------------------------


# Runs a password must not merely follow: the alphabet, digits and keyboard rows, both ways round.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyzåäö",
    "0123456789",
    "qwertyuiopå",
    "asdfghjklöä",
    "zxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
_LEET = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)


def _fold(text):
    return re.sub(r"\s+", "", text).casefold()


def _periodic(text):
    """True when ``text`` is one shorter piece repeated ('aaaa', 'abcabc', 'salasanasalasana')."""
    return len(text) > 1 and (text + text).find(text, 1) < len(text)


def _base_of(text):
    """The shortest piece ``text`` repeats (``text`` itself when it repeats nothing)."""
    return text[: (text + text).find(text, 1)] if _periodic(text) else text


def _follows_a_sequence(text):
    """True when ``text`` is a run of the alphabet, the digits or a keyboard row (either way round),
    cycling as often as it likes ('abcdefghijkl', '345678901234', 'poiuytrewq12')."""
    for sequence in _SEQUENCES:
        for run in (sequence, sequence[::-1]):
            cycled = run * (len(text) // len(run) + 2)
            if text in cycled:
                return True
    return False


def _core(folded):
    """The password without the digits and symbols around it and with 'leet' undone: 'P@ssw0rd2024!'
    -> 'password'."""
    stripped = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded)
    return (stripped or folded).translate(_LEET)


def _too_common(folded):
    if folded in COMMON_PASSWORDS or folded.translate(_LEET) in COMMON_PASSWORDS:
        return True
    core = _core(folded)
    return _base_of(core) in COMMON_WORDS or core in COMMON_PASSWORDS


def password_problems(password, username=""):
    """Why ``password`` is not acceptable, as {reason: message code (piiri.errors) or ``coded`` entry};
    empty when it is fine.

    The length limits come first: an over-long password is refused before anything else is done with
    it (hashing included). Then: not blank, not one character or piece repeated, not a run of the
    alphabet or a keyboard row, not the username (even with digits around it), not a common password
    or word (gateway/common_passwords.py)."""
    password = password if isinstance(password, str) else ""
    if len(password) > MAX_PASSWORD_LENGTH:
        return {"too_long": coded("acc.err.too_long", n=MAX_PASSWORD_LENGTH)}
    problems = {}
    if len(password) < MIN_PASSWORD_LENGTH:
        problems["too_short"] = coded("acc.err.too_short", n=MIN_PASSWORD_LENGTH)
    folded = _fold(password)
    if password and not folded:
        problems["blank"] = "acc.err.blank"
        return problems
    if not folded:
        return problems
    if username and _fold(username) in (folded, folded[::-1], _core(folded), _core(folded[::-1])):
        problems["is_username"] = "acc.err.is_username"
    if _periodic(folded) or _follows_a_sequence(folded):
        problems["too_simple"] = "acc.err.too_simple"
    elif _too_common(folded):
        problems["too_common"] = "acc.err.too_common"
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
