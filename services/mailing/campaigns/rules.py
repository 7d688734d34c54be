"""Pure rules of campaigns (M1): checking a campaign's input, the addresses of a test send (at most
Campaign Monitor's 15, each valid, the bad one named), the time of a scheduled send, and the names and
dates Campaign Monitor is given."""

import re
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError
from marshmallow.validate import Email

from piiri.errors import ValidationFailed
from services.mailing.contract import CM_PREVIEW_MAX, NAME_MAX, errors

MAX_LISTS = 20
FROM_NAME_MAX = 100
SCHEDULE_MIN = timedelta(minutes=1)
SCHEDULE_MAX = timedelta(days=365)
SEPARATORS = re.compile(r"[\s,;]+")
_EMAIL = Email()


def valid_email(value):
    try:
        _EMAIL(value)
    except ValidationError:
        return False
    return len(value) <= 254


def checked_input(data):
    """{name, template_id, list_ids, from_name, from_email, reply_to}; a code per bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed(errors.CAMPAIGN_INVALID, {"_schema": [errors.NOT_AN_OBJECT]})
    problems = {}
    name = " ".join(str(data.get("name") or "").split())
    if not name:
        problems["name"] = [errors.CAMPAIGN_NAME_REQUIRED]
    elif len(name) > NAME_MAX:
        problems["name"] = [{"code": errors.LIST_NAME_TOO_LONG, "params": {"max": NAME_MAX}}]
    template_id = str(data.get("template_id") or "").strip()
    if not _uuid(template_id):
        problems["template_id"] = [errors.TEMPLATE_NOT_FOUND]
    raw_lists = data.get("list_ids")
    if isinstance(raw_lists, str):
        raw_lists = [raw_lists]
    elif not isinstance(raw_lists, list):
        raw_lists = []
    list_ids = list(dict.fromkeys(str(item).strip() for item in raw_lists or [] if str(item).strip()))
    if not list_ids or len(list_ids) > MAX_LISTS:
        problems["list_ids"] = [{"code": errors.CAMPAIGN_LISTS_REQUIRED, "params": {"max": MAX_LISTS}}]
    elif not all(_uuid(item) for item in list_ids):
        problems["list_ids"] = [errors.LIST_NOT_FOUND]
    from_name = " ".join(str(data.get("from_name") or "").split())
    if not from_name or len(from_name) > FROM_NAME_MAX:
        problems["from_name"] = [{"code": errors.FROM_NAME_REQUIRED, "params": {"max": FROM_NAME_MAX}}]
    from_email = str(data.get("from_email") or "").strip()
    if not valid_email(from_email):
        problems["from_email"] = [{"code": errors.EMAIL_INVALID, "params": {"address": from_email[:100]}}]
    reply_to = str(data.get("reply_to") or "").strip() or from_email
    if not valid_email(reply_to):
        problems["reply_to"] = [{"code": errors.EMAIL_INVALID, "params": {"address": reply_to[:100]}}]
    if problems:
        raise ValidationFailed(errors.CAMPAIGN_INVALID, problems)
    return {
        "name": name,
        "template_id": template_id,
        "list_ids": list_ids,
        "from_name": from_name,
        "from_email": from_email,
        "reply_to": reply_to,
    }


def _uuid(value):
    return bool(re.fullmatch(r"[0-9a-fA-F]{8}-?([0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}", value))


def test_addresses(value):
    """The addresses of a test send (a list, or one text separated by commas, semicolons or spaces):
    1 to CM_PREVIEW_MAX distinct valid ones. ValidationFailed naming the first bad address."""
    if isinstance(value, str):
        items = SEPARATORS.split(value)
    elif isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        items = []
    addresses = list(dict.fromkeys(item.strip() for item in items if item and item.strip()))
    if not addresses:
        raise ValidationFailed(
            errors.TEST_ADDRESSES_REQUIRED, {"addresses": [errors.TEST_ADDRESSES_REQUIRED]}
        )
    if len(addresses) > CM_PREVIEW_MAX:
        entry = {
            "code": errors.TEST_ADDRESSES_TOO_MANY,
            "params": {"max": CM_PREVIEW_MAX, "count": len(addresses)},
        }
        raise ValidationFailed(errors.TEST_ADDRESSES_TOO_MANY, {"addresses": [entry]})
    for address in addresses:
        if not valid_email(address):
            entry = {"code": errors.TEST_ADDRESS_INVALID, "params": {"address": address[:100]}}
            raise ValidationFailed(errors.TEST_ADDRESS_INVALID, {"addresses": [entry]})
    return addresses


def send_time(value, now=None):
    """None (send now) or an aware UTC datetime at least a minute and at most a year ahead, from ISO 8601
    text (a time without an offset is UTC)."""
    if value in (None, ""):
        return None
    now = now or datetime.now(UTC)
    bad = ValidationFailed(errors.SEND_AT_INVALID, {"send_at": [errors.SEND_AT_INVALID]})
    if not isinstance(value, str):
        raise bad
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise bad from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if not now + SCHEDULE_MIN <= when <= now + SCHEDULE_MAX:
        raise bad
    return when


def cm_send_date(when):
    """Campaign Monitor's SendDate: "immediately" or "YYYY-MM-DD HH:MM" (the client's time zone, UTC)."""
    return "immediately" if when is None else when.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def cm_name(campaign):
    """The campaign's name at Campaign Monitor, unique there as Piiri's ids are."""
    return f"{campaign['name']} ({str(campaign['id'])[:8]})"


def list_fields(lists):
    """[(list name, its fields)] of a campaign's lists ({id: row} of storage.lists_of), as
    mail_templates.rules.unknown_list_fields takes them (M2: the custom merge fields each list carries)."""
    return [(row["name"], list(row["fields"] or [])) for row in lists.values()]
