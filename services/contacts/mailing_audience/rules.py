"""Pure rules of the mailing audience (M1): the fields a list may ask for and an address's shape."""

import re

from piiri.errors import ValidationFailed
from services.contacts.mailing_audience.contract import (
    CUSTOM_PREFIX,
    MAIL_FIELDS,
    MAX_ONLY_IDS,
    MAX_PAGE,
    REASONS,
)

# The shape Campaign Monitor accepts (something@domain.tld, no spaces); contacts' own check is stricter but
# older rows (imports before it) may not have passed it.
MAILABLE = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAILABLE_RE = re.compile(MAILABLE)


def checked_fields(names):
    """The field names, each a MAIL_FIELDS name or ``custom.<key>``; ValidationFailed names a bad one."""
    if names is None:
        return []
    if not isinstance(names, list) or len(names) > 50:
        raise ValidationFailed("mailing.fields_invalid", {"fields": ["mailing.fields_invalid"]})
    bad = [
        name
        for name in names
        if not isinstance(name, str)
        or not (name in MAIL_FIELDS or (name.startswith(CUSTOM_PREFIX) and len(name) > 7))
    ]
    if bad:
        raise ValidationFailed(
            "mailing.field_unknown",
            {
                "fields": [
                    {"code": "mailing.field_unknown", "params": {"field": str(name)[:100]}} for name in bad
                ]
            },
        )
    return list(dict.fromkeys(names))


def checked_limit(limit):
    if limit is None:
        return MAX_PAGE
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(
            "mailing.limit_invalid",
            {"limit": [{"code": "mailing.limit_invalid", "params": {"max": MAX_PAGE}}]},
        )
    return limit


def checked_reason(reason):
    if reason is not None and reason not in REASONS:
        raise ValidationFailed("mailing.reason_invalid", {"reason": ["mailing.reason_invalid"]})
    return reason


def checked_only_ids(ids):
    if ids is None:
        return None
    if not isinstance(ids, list) or len(ids) > MAX_ONLY_IDS:
        raise ValidationFailed("mailing.fields_invalid", {"only_ids": ["mailing.ids_invalid"]})
    return ids
