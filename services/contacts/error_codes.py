"""The contacts service's validation errors as codes (issue 11 item 5): its validators (the contract's
marshmallow schemas, piiri.email_phone, the list rules) word their findings in English for the API
description and the logs; ``invalid(details)`` turns each finding into a stable code with its values
(``contact.too_long`` with ``max``) before the error leaves the service, and the gateway words the codes
in the user's language. A finding no pattern knows is passed on as it is.
"""

import re
from collections.abc import Mapping
from typing import Any

from piiri.errors import ValidationFailed, coded

INVALID = "contact.invalid"

# (the start of a validator's message, its code); named groups become the code's params
SENTENCE_CODES = (
    (r"^Not a valid e-mail address", "contact.email_invalid"),
    (r"^Not a phone number", "contact.phone_invalid"),
    (r"^Not a valid phone number", "contact.phone_country"),
    (r"^Birth date must be between", "contact.birth_date_range"),
    (r"^Not a valid date", "contact.date_invalid"),
    (r"^An organisation needs a name", "contact.organisation_name_required"),
    (r"^A person needs a first or a last name", "contact.person_name_required"),
    (r"^A Finnish postal code", "contact.postal_code_finnish"),
    (r"^Longer than maximum length (?P<max>\d+)", "contact.too_long"),
    (r"^Must be one of", "contact.choice"),
    (r"^(Field may not be null|Missing data for required field)", "contact.required"),
    (r"^String does not match expected pattern", "contact.country_code"),
    (r"^The same .* is given twice", "contact.list_twice"),
    (r"^Only one .* can be primary", "contact.one_primary"),
    (r"^Give a street, postal code or city", "contact.address_empty"),
    (r"^Not a web address", "contact.website_invalid"),
    (r"^A tag has at most (?P<max>\d+) characters", "contact.tag_too_long"),
    (r"^At most (?P<max>\d+) tags", "contact.too_many_tags"),
    (r"^Use a two-letter country code", "contact.country_code"),
)
_COMPILED = tuple((re.compile(pattern), code) for pattern, code in SENTENCE_CODES)


def code_of(message: Any) -> Any:
    """A validator's message as its code (``{"code", "params"}`` when it has values); else as it is."""
    if not isinstance(message, str):
        return message
    for pattern, code in _COMPILED:
        match = pattern.match(message)
        if match:
            values = {name: value for name, value in match.groupdict().items() if value is not None}
            return coded(code, **values) if values else code
    return message


def coded_details(details: Mapping[str, Any]) -> dict[str, Any]:
    """{field: [message]} (nested dicts of marshmallow too) with every known message as its code."""
    result: dict[str, Any] = {}
    for name, messages in details.items():
        if isinstance(messages, Mapping):
            result[name] = coded_details(messages)
        elif isinstance(messages, list | tuple):
            result[name] = [code_of(message) for message in messages]
        else:
            result[name] = code_of(messages)
    return result


def invalid(details: Mapping[str, Any]) -> ValidationFailed:
    """The error of input that breaks the rules: ``contact.invalid`` with each field's codes."""
    return ValidationFailed(INVALID, coded_details(details))
