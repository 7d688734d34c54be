"""The fast paths of the e-mail and phone checks give the libraries' answers (C2, I1)."""

import random

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from marshmallow import ValidationError

from piiri import email_phone


def library_phone(text):
    number = phonenumbers.parse(text, "FI")
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_c2_fast_finnish_phone_path_agrees_with_phonenumbers():
    rng = random.Random(11)
    checked = 0
    for _ in range(20000):
        prefix = rng.choice(["0", "+358", "00358", "+358 ", "0 "])
        digits = str(rng.randrange(10 ** rng.randrange(3, 11)))
        text = prefix + digits[:2] + rng.choice(["", " ", "-"]) + digits[2:]
        fast = email_phone.finnish_phone(text)
        if fast is None:
            continue
        checked += 1
        assert fast == library_phone(text), f"the fast path accepted {text}; phonenumbers says otherwise"
    assert checked > 3000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358401234567", "+358401234567"),
        ("(09) 123 4567", "+35891234567"),
        ("+46 8 123 456 78", "+46812345678"),  # not Finnish: phonenumbers
    ],
)
def test_c2_phones_normalise_to_e164(text, expected):
    assert email_phone.normalise_phone(text) == expected


@pytest.mark.parametrize("text", ["12", "+358 12", "040 12", "+46 1"])
def test_c2_invalid_phones_are_refused(text):
    with pytest.raises(ValidationError):
        email_phone.normalise_phone(text)


def test_c2_every_address_the_fast_path_takes_email_validator_takes():
    rng = random.Random(5)
    alphabet = "abcdefghijklmnopqrstuvwxyzABC0123456789.-_+'"
    taken = 0
    for _ in range(5000):
        local = "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 70)))
        labels = rng.randrange(1, 4)
        domain = ".".join(
            "".join(rng.choice("abcxyz0-9") for _ in range(rng.randrange(1, 12))) for _ in range(labels)
        )
        text = f"{local}@{domain}.{rng.choice(['fi', 'com', 'test', 'x', 'museum', 'local'])}"
        if not email_phone.simple_email(text):
            continue
        taken += 1
        try:
            validate_email(text, check_deliverability=False)
        except EmailNotValidError as exc:
            pytest.fail(f"the fast path took {text!r}; email-validator refuses it: {exc}")
    assert taken > 300


@pytest.mark.parametrize("text", ["a@b", "a..b@example.fi", "a@example.test", "a@-example.fi", "a@ab--c.fi"])
def test_c2_the_fast_path_leaves_bad_addresses_to_email_validator(text):
    assert not email_phone.simple_email(text)
    with pytest.raises(ValidationError):
        email_phone.check_email_address(text)


@pytest.mark.parametrize("text", [f"{'a' * 65}@example.fi", "ä@example.fi", "a@xn--mnchen-3ya.de"])
def test_c2_unusual_good_addresses_go_through_email_validator(text):
    assert not email_phone.simple_email(text)
    email_phone.check_email_address(text)
