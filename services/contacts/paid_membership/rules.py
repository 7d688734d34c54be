"""Pure rules of paid-up membership (B4): paid up for a period = a payment for it that no credit note
withdrew, or a free or honorary membership flag. An invoice's existence counts for nothing."""

import re
import uuid

from services.contacts.paid_membership.contract import PERIOD_PATTERN

PERIOD = re.compile(PERIOD_PATTERN)


def valid_period(value):
    """The period text ("2027"), or None when it is not one."""
    text = str(value).strip() if value is not None else ""
    return text if PERIOD.match(text) else None


def paid_periods(payments):
    """The periods paid by ``payments`` (rows with ``period`` and ``withdrawn_at``), newest first."""
    return sorted({row["period"] for row in payments if row["withdrawn_at"] is None}, reverse=True)


def paid_up(payments, flag, period):
    """Whether a member with these payment rows and flag (or None) is paid up for ``period``."""
    return flag is not None or period in paid_periods(payments)


def member_ids(payload):
    """The contacts an invoice event covers: ``member_ids`` (payer and couple partner), else the payer."""
    named = payload.get("member_ids")
    if not isinstance(named, list) or not named:
        named = [payload.get("contact_id")]
    found = []
    for value in named:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return list(dict.fromkeys(found))
