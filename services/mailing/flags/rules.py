"""Pure rules of bounce and unsubscribe flags (M5): reading a Campaign Monitor webhook body, and the bounce
policy.

Campaign Monitor posts ``{"Events": [...], "ListID": ...}`` (at most 1,000 events), unsigned. Only
``Deactivate`` events with State ``Unsubscribed`` or ``Bounced`` flag a contact; the body is untrusted, so
each is confirmed through the API before it counts (flags/rpc.py).

The bounce policy (flags/bounces.py applies it to the bounces of a campaign's report): a hard bounce flags
the contact at once; soft bounces (a full mailbox, a server down for a while) flag it when it has soft
bounced in MAILING_SOFT_BOUNCE_LIMIT campaigns (default 3), each campaign counted once."""

import json
from datetime import UTC, datetime

from piiri.errors import BadRequest
from services.mailing.contract import errors

STATE_FLAGS = {"Unsubscribed": "unsubscribed", "Bounced": "bounced"}
MAX_EVENTS = 1000
SOFT_BOUNCE_LIMIT = 3  # MAILING_SOFT_BOUNCE_LIMIT's default
HARD, SOFT = "hard", "soft"


def deactivations(body):
    """[(e-mail, flag kind, when)] of a webhook body's Deactivate events; BadRequest (400) if malformed."""
    try:
        payload = json.loads(body) if isinstance(body, (str, bytes)) else body
    except ValueError:
        raise BadRequest(errors.WEBHOOK_BODY_INVALID) from None
    events = payload.get("Events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or len(events) > MAX_EVENTS:
        raise BadRequest(errors.WEBHOOK_BODY_INVALID)
    found = []
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("EmailAddress"), str):
            raise BadRequest(errors.WEBHOOK_BODY_INVALID)
        kind = STATE_FLAGS.get(event.get("State"))
        if event.get("Type") == "Deactivate" and kind:
            found.append((event["EmailAddress"], kind, event_time(event.get("Date"))))
    return found


def event_time(text):
    try:
        return datetime.strptime(str(text), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


def soft_bounce_limit(config):
    """MAILING_SOFT_BOUNCE_LIMIT: how many campaigns' soft bounces flag a contact (a whole number >= 1)."""
    value = config.get("MAILING_SOFT_BOUNCE_LIMIT", SOFT_BOUNCE_LIMIT)
    try:
        limit = int(str(value).strip())
    except ValueError:
        limit = 0
    if limit < 1:
        raise ValueError(f"MAILING_SOFT_BOUNCE_LIMIT must be a whole number of at least 1, not {value!r}.")
    return limit


def bounce_kind(bounce_type):
    """Campaign Monitor's BounceType ("Hard", "Soft", or missing) as "hard" or "soft" (unknown: soft)."""
    return HARD if str(bounce_type or "").strip().lower() == HARD else SOFT


def bounce_flags(kind, soft_bounces, limit):
    """Whether a bounce flags the contact: a hard one at once, soft ones when the contact's soft bounces
    (counted per campaign, this one included) reach ``limit``."""
    return kind == HARD or soft_bounces >= limit
