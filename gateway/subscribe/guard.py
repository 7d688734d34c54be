"""Bot checks of the public subscription form (M3), without third-party captchas: a honeypot field that
people never see (a bot that fills every field fills it), and a minimum fill time from a signed
timestamp the page puts in the form (HMAC with the context key: a bot cannot forge an older one). The
rate limits per client address and per e-mail address are the mailing service's (shared by every
gateway). What a form post is: ``verdict``. Pure, no I/O."""

import hmac
import time

from piiri.signing import keyed_digests

HONEYPOT = "website"  # the field bots fill
STAMP = "ts"
MIN_FILL_SECONDS = 3.0  # SUBSCRIBE_MIN_FILL_SECONDS
MAX_AGE_SECONDS = 24 * 3600  # an older page: shown again to be sent anew

HUMAN = "human"
BOT = "bot"  # answered like a person, nothing done
STALE = "stale"  # no valid stamp (the embedded snippet, an old page): the hosted page asks again


def _signatures(config, token, issued):
    """The stamp's signature under each configured key (the first signs; every one verifies)."""
    return keyed_digests(config, f"subscribe:{token}:{issued}")


def stamp(config, token, now=None):
    """The form's signed timestamp for the list's ``token``: "<unix seconds>.<signature>"."""
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_signatures(config, token, issued)[0]}"


def stamp_age(config, token, value, now=None):
    """Seconds since a valid stamp of this list was issued, or None (missing, forged, another list's)."""
    issued, _, signature = str(value or "").partition(".")
    if not issued.isdigit() or not signature:
        return None
    if not any(hmac.compare_digest(signature, known) for known in _signatures(config, token, int(issued))):
        return None
    return (now if now is not None else time.time()) - int(issued)


def min_fill_seconds(config):
    try:
        return max(float(config.get("SUBSCRIBE_MIN_FILL_SECONDS", MIN_FILL_SECONDS)), 0.0)
    except (TypeError, ValueError):
        return MIN_FILL_SECONDS


def verdict(config, token, form, now=None):
    """HUMAN, BOT (the honeypot filled, or sent faster than a person fills the form) or STALE."""
    if str(form.get(HONEYPOT) or "").strip():
        return BOT
    age = stamp_age(config, token, form.get(STAMP), now)
    if age is None or age > MAX_AGE_SECONDS or age < -60:
        return STALE
    if age < min_fill_seconds(config):
        return BOT
    return HUMAN
