"""Pure rules of bounce and unsubscribe flags (M5): reading a Campaign Monitor webhook body.

Campaign Monitor posts ``{"Events": [...], "ListID": ...}`` (at most 1,000 events), unsigned. Only
``Deactivate`` events with State ``Unsubscribed`` or ``Bounced`` flag a contact; the body is untrusted, so
each is confirmed through the API before it counts (flags/rpc.py)."""

import json
from datetime import UTC, datetime

from piiri.errors import BadRequest
from services.mailing.contract import errors

STATE_FLAGS = {"Unsubscribed": "unsubscribed", "Bounced": "bounced"}
MAX_EVENTS = 1000


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
