"""E-mail and phone checks shared by the services, with fast paths for the common cases.

Generic and pure, so they live in the kit: the contacts contract publishes them (its schemas check
every address and number) and the imports service reads cells with them, neither importing the other
(issue 11 item 1).

``check_email_address`` accepts a plain ASCII address by one regular expression and leaves anything
else to email-validator; ``normalise_phone`` turns a Finnish mobile or fixed-line number written in a
common way into E.164 with phonenumbers' own patterns and leaves anything else to phonenumbers. Both
give the same answers as the libraries (tests/unit/test_email_phone.py), about 20 times
faster: an import writes thousands of contacts a second and checks each address twice (the import
worker reading the cell, the contacts service taking the row).
"""

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from marshmallow import ValidationError

# A plain address email-validator is known to accept; anything else goes through it.
SIMPLE_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
SPECIAL_USE_TLDS = ("arpa", "invalid", "local", "localhost", "onion", "test", "internal", "home", "lan")
MAX_LOCAL_PART, MAX_ADDRESS = 64, 254

# the codes (piiri.errors) of the findings: the contact fields these checks serve
EMAIL_INVALID = "contact.email_invalid"
PHONE_INVALID = "contact.phone_invalid"
PHONE_COUNTRY = "contact.phone_country"


def simple_email(value: str) -> bool:
    """True when ``value`` is a plain address that email-validator accepts as it is."""
    if len(value) > MAX_ADDRESS or not SIMPLE_EMAIL.match(value):
        return False
    local, domain = value.rsplit("@", 1)
    if len(local) > MAX_LOCAL_PART or "--" in domain:  # long local parts, R-LDH and Punycode labels
        return False
    return domain.rsplit(".", 1)[1].casefold() not in SPECIAL_USE_TLDS


def check_email_address(value: str) -> None:
    """A ValidationError unless ``value`` is a well-formed e-mail address (no DNS lookup)."""
    if simple_email(value):
        return
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(EMAIL_INVALID) from None


def _finnish_patterns() -> tuple[re.Pattern[str], list[re.Pattern[str]]]:
    """phonenumbers' own patterns of valid Finnish fixed-line and mobile numbers (national part)."""
    from phonenumbers.data import region_FI

    metadata = region_FI.PHONE_METADATA_FI
    general_desc, mobile, fixed_line = metadata.general_desc, metadata.mobile, metadata.fixed_line
    if general_desc is None or mobile is None or fixed_line is None:
        raise RuntimeError("phonenumbers has no patterns for Finnish numbers")
    general = re.compile(f"(?:{general_desc.national_number_pattern})")
    types = [re.compile(f"(?:{desc.national_number_pattern})") for desc in (mobile, fixed_line)]
    return general, types


FINNISH_GENERAL, FINNISH_NUMBER = _finnish_patterns()
PHONE_TEXT = re.compile(r"^(\+358|00358|0)\s*(\(?[1-9][\d\s\-()/.]*)$")
PHONE_SEPARATORS = re.compile(r"[\s\-()/.]")


def finnish_phone(value: str) -> str | None:
    """The E.164 form of a Finnish mobile or fixed-line number in a common format ('040 123 4567',
    '+358 40 1234567', '(09) 123 4567'), or None to leave it to phonenumbers. Accepts only numbers
    phonenumbers itself finds valid (its patterns)."""
    match = PHONE_TEXT.match(value)
    if not match:
        return None
    national = PHONE_SEPARATORS.sub("", match.group(2))
    if not national.isdigit() or not FINNISH_GENERAL.fullmatch(national):
        return None
    for pattern in FINNISH_NUMBER:
        if pattern.fullmatch(national):
            return "+358" + national
    return None


def normalise_phone(value: str, region: str = "FI") -> str:
    """Any way people write a phone number -> E.164 ('+358401234567'), or a ValidationError."""
    if region == "FI" or value.startswith(("+358", "00358")):
        fast = finnish_phone(value)
        if fast is not None:
            return fast
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_INVALID) from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(PHONE_COUNTRY)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
