"""Pure rules of the Campaign Monitor sync (M1): which Campaign Monitor custom field a contact field
becomes, a contact's subscriber row with its values checked against Campaign Monitor's limits (never
truncated: a value over a limit is a row problem naming the contact and the field), import batches, and
the backoff between retries."""

from datetime import date

from services.mailing.contract import CM_DATE_MAX, CM_DATE_MIN, CM_IMPORT_MAX, CM_VALUE_MAX, errors

CUSTOM_PREFIX = "custom."
DATE_FIELDS = ("birth_date",)
# Contact custom field types -> Campaign Monitor data types (the rest are Text).
CM_TYPES = {"date": "Date", "number": "Number"}
# Opens and clicks are tracked only for contacts who consented to tracking (M4: the audience's
# ``consent_to_track``, a given consent for the purpose email_tracking); everyone else is "No".
CONSENT_TO_TRACK = {True: "Yes", False: "No"}


class RowProblem(Exception):
    """A contact's row cannot be sent as it is: ``code`` (mailing.*) and ``params`` naming the field."""

    def __init__(self, code, params):
        super().__init__(code)
        self.code = code
        self.params = params


def cm_field_name(field):
    """Campaign Monitor's name of a list field: ``first_name``; ``custom.member_no`` -> ``member_no``."""
    return field[len(CUSTOM_PREFIX) :] if field.startswith(CUSTOM_PREFIX) else field


def cm_data_type(field, custom_types):
    """Campaign Monitor's data type of a list field; ``custom_types`` {key: field_type} of custom fields."""
    if field in DATE_FIELDS:
        return "Date"
    if field.startswith(CUSTOM_PREFIX):
        return CM_TYPES.get(custom_types.get(cm_field_name(field)), "Text")
    return "Text"


def value_text(value):
    """A contact's field value as the text Campaign Monitor gets (and a campaign preview merges): a
    list's items joined with ", ", a boolean true or false, anything else as str."""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cm_value(field, data_type, value):
    """A field's value as Campaign Monitor takes it; RowProblem if it is over a limit."""
    if value is None or value == "" or value == []:
        return None
    if data_type == "Date":
        text = value.isoformat() if isinstance(value, date) else str(value)[:10]
        if not CM_DATE_MIN <= text <= CM_DATE_MAX:
            raise RowProblem(
                errors.DATE_OUT_OF_RANGE, {"field": field, "min": CM_DATE_MIN, "max": CM_DATE_MAX}
            )
        return text.replace("-", "/")
    text = value_text(value)
    if len(text) > CM_VALUE_MAX:
        raise RowProblem(errors.VALUE_TOO_LONG, {"field": field, "max": CM_VALUE_MAX, "length": len(text)})
    return text


def subscriber_row(member, fields, cm_types):
    """The import row of a mailable contact (``member`` from contacts.mailing_audience); ``cm_types``
    {field: Campaign Monitor data type}. RowProblem names the first field over a limit."""
    values = []
    for field in fields:
        raw = (
            member.get("custom", {}).get(cm_field_name(field))
            if field.startswith(CUSTOM_PREFIX)
            else member.get(field)
        )
        value = cm_value(field, cm_types[field], raw)
        values.append(
            {
                "Key": f"[{cm_field_name(field)}]",
                "Value": value,
                **({} if value is not None else {"Clear": True}),
            }
        )
    name = member.get("display_name") or ""
    if len(name) > CM_VALUE_MAX:
        raise RowProblem(
            errors.VALUE_TOO_LONG, {"field": "display_name", "max": CM_VALUE_MAX, "length": len(name)}
        )
    return {
        "EmailAddress": member["email"],
        "Name": name,
        "CustomFields": values,
        "ConsentToTrack": CONSENT_TO_TRACK[bool(member.get("consent_to_track"))],
    }


def batches(rows, size=CM_IMPORT_MAX):
    """The rows in import calls of at most ``size`` (Campaign Monitor refuses more than 1,000: code 209)."""
    size = min(size, CM_IMPORT_MAX)
    return [rows[start : start + size] for start in range(0, len(rows), size)]


def backoff(attempt, first=0.5, most=30.0):
    """Seconds to wait before retry ``attempt`` (1, 2, …): doubling from ``first`` up to ``most``."""
    return min(first * 2 ** (attempt - 1), most)
