"""Pure rules of mailing lists (M1): checking a list's input into values, with errors as codes."""

from marshmallow import ValidationError

from piiri.errors import Conflict, ValidationFailed
from services.contacts.mailing_audience.contract import CUSTOM_PREFIX, MAIL_FIELDS
from services.mailing.contract import NAME_MAX, MailingListInput, errors

FIELD_CODES = {
    "name": errors.LIST_NAME_REQUIRED,
    "purpose": errors.PURPOSE_INVALID,
    "source_kind": errors.SOURCE_KIND_INVALID,
    "source_id": errors.SOURCE_ID_INVALID,
    "include_subgroups": errors.LIST_INVALID,
    "fields": errors.FIELDS_INVALID,
}
MAX_FIELDS = 50


def checked_input(data, partial=False):
    """The list's values; ValidationFailed(mailing.list_invalid) with a code per bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed(errors.LIST_INVALID, {"_schema": [errors.NOT_AN_OBJECT]})
    try:
        values = MailingListInput(partial=partial).load(data)
        problems = {}
    except ValidationError as exc:
        values = {}
        problems = {name: [FIELD_CODES.get(name, errors.LIST_INVALID)] for name in exc.normalized_messages()}
        if isinstance(data.get("name"), str):
            values["name"] = data["name"]
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
        if not values["name"]:
            problems["name"] = [errors.LIST_NAME_REQUIRED]
        elif len(values["name"]) > NAME_MAX:
            problems["name"] = [{"code": errors.LIST_NAME_TOO_LONG, "params": {"max": NAME_MAX}}]
    if "fields" in values:
        bad = [
            name
            for name in values["fields"]
            if not (
                name in MAIL_FIELDS
                or (name.startswith(CUSTOM_PREFIX) and 0 < len(name) - len(CUSTOM_PREFIX) <= 100)
            )
        ]
        if bad:
            problems["fields"] = [
                {"code": errors.FIELD_UNKNOWN, "params": {"field": name[:100]}} for name in bad
            ]
        elif len(values["fields"]) > MAX_FIELDS:
            problems["fields"] = [{"code": errors.FIELDS_INVALID, "params": {"max": MAX_FIELDS}}]
        values["fields"] = list(dict.fromkeys(values["fields"]))
    if "source_id" in values:
        values["source_id"] = str(values["source_id"])
    if problems:
        raise ValidationFailed(errors.LIST_INVALID, problems)
    return values


def remade_webhook_url(base, mailing_list):
    """The URL of a webhook made anew after Campaign Monitor lost the list's one; without the gateway's
    public address (MAILING_WEBHOOK_BASE_URL) none can be made, and saying so beats clearing the alert of a
    list nothing would then tell about unsubscribes."""
    if not base:
        raise Conflict(errors.WEBHOOK_NO_ADDRESS)
    return webhook_url(base, mailing_list)


def webhook_url(base, mailing_list):
    """The URL Campaign Monitor posts the list's Deactivate events to: the gateway's address ``base`` and
    the list's id and secret (an unknown secret is answered 403)."""
    return f"{base.rstrip('/')}/api/v1/mailing/webhooks/{mailing_list['id']}/{mailing_list['webhook_secret']}"
