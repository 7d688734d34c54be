"""M3: the pure rules of subscription forms: a confirmation link's code (only its digest kept), its
expiry and single use, the resend window and the rate limits, a submission's and a form's checks, the
consent text of a language, and the confirmation mail's words and link."""

from datetime import UTC, datetime, timedelta

import pytest

from piiri.errors import ValidationFailed
from services.mailing.contract import subscriptions as contract
from services.mailing.subscriptions import rules

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
SETTINGS = rules.settings_from({})


def row(status="pending", expires_in=timedelta(hours=1)):
    return {"status": status, "expires_at": NOW + expires_in}


def test_m3_a_link_is_pending_until_it_expires_and_single_use_after_confirming():
    assert rules.link_state(row(), NOW) == contract.PENDING
    assert rules.link_state(row(expires_in=timedelta(0)), NOW) == contract.EXPIRED
    assert rules.link_state(row(expires_in=-timedelta(seconds=1)), NOW) == contract.EXPIRED
    # once confirmed, the same link only says so (even after its time)
    assert rules.link_state(row("confirmed", -timedelta(days=9)), NOW) == contract.ALREADY_CONFIRMED
    assert rules.link_state(None, NOW) == contract.EXPIRED  # unknown, replaced or purged


def test_m3_a_code_is_long_random_and_only_its_digest_is_stored():
    first, second = rules.new_code(), rules.new_code()
    assert first != second and len(first) >= 40
    assert rules.code_hash(first) == rules.code_hash(first) != rules.code_hash(second)
    assert first not in rules.code_hash(first)


def test_m3_expiry_and_windows_come_from_the_configuration():
    assert SETTINGS.expiry == timedelta(hours=48) and SETTINGS.resend == timedelta(minutes=10)
    custom = rules.settings_from({"SUBSCRIBE_EXPIRY_HOURS": "2", "SUBSCRIBE_RESEND_MINUTES": 1})
    assert custom.expiry == timedelta(hours=2) and custom.resend == timedelta(minutes=1)
    assert rules.settings_from({"SUBSCRIBE_EXPIRY_HOURS": "nonsense"}).expiry == timedelta(hours=48)


def test_m3_the_same_address_is_not_mailed_again_within_the_resend_window():
    assert rules.resend_too_soon(NOW - timedelta(minutes=9), NOW, SETTINGS)
    assert not rules.resend_too_soon(NOW - timedelta(minutes=10), NOW, SETTINGS)
    assert not rules.resend_too_soon(None, NOW, SETTINGS)


def test_m3_rate_limits_count_keyed_digests_never_values():
    assert rules.over_limit(30, SETTINGS.ip_per_hour) and not rules.over_limit(29, SETTINGS.ip_per_hour)
    assert not rules.over_limit(10_000, 0)  # 0 switches a limit off
    one = rules.digest({"CONTEXT_KEYS": "a"}, "email", "maija@example.fi")
    assert one != rules.digest({"CONTEXT_KEYS": "b"}, "email", "maija@example.fi")
    assert "maija" not in one and one == rules.digest({"CONTEXT_KEYS": "a"}, "email", "maija@example.fi")
    assert rules.normal_email(" Maija@Example.FI ") == "maija@example.fi"


def test_m3_a_submission_needs_a_working_address_and_short_names():
    values = rules.checked_submission({"email": " maija@example.fi ", "first_name": " Maija  Liisa "})
    assert values == {
        "email": "maija@example.fi",
        "first_name": "Maija Liisa",
        "last_name": "",
        "language": "fi",
    }
    with pytest.raises(ValidationFailed) as bad:
        rules.checked_submission({"email": "maija", "last_name": "x" * 101})
    assert bad.value.details == {"email": [contract.EMAIL_INVALID], "last_name": [contract.NAME_TOO_LONG]}
    assert rules.checked_submission({"email": "a@example.fi", "website": "x"})["email"] == "a@example.fi"
    with pytest.raises(ValidationFailed):
        rules.checked_submission(["not", "an", "object"])


def test_m3_form_settings_need_a_consent_text_in_some_language():
    assert rules.checked_form({"enabled": True}) == {"enabled": True}
    texts = rules.checked_form({"consent_texts": {"fi": " Haluan. ", "en": ""}})["consent_texts"]
    assert texts == {"fi": "Haluan.", "sv": "", "en": ""}
    with pytest.raises(ValidationFailed) as empty:
        rules.checked_form({"consent_texts": {"fi": " ", "sv": ""}})
    assert empty.value.details == {"consent_texts": [contract.CONSENT_TEXT_REQUIRED]}
    with pytest.raises(ValidationFailed) as long:
        rules.checked_form({"consent_texts": {"fi": "x" * 2001}})
    assert "consent_texts.fi" in long.value.details


def test_m3_the_consent_text_in_the_readers_language_else_finnish_then_english():
    texts = {"fi": "Suomeksi", "sv": "", "en": "In English"}
    assert rules.in_language(texts, "sv") == "Suomeksi" and rules.in_language(texts, "en") == "In English"
    assert rules.in_language({"en": "Only"}, "fi") == "Only"
    assert "Uutiskirje" in rules.default_texts("Uutiskirje")["sv"]


def test_m3_the_confirmation_mail_in_the_subscribers_language_with_the_link():
    link = rules.confirm_link("https://piiri.example/", "tok", "code", "sv")
    assert link == "https://piiri.example/subscribe/tok/confirm/code?lang=sv"
    subject, body = rules.confirmation_mail("sv", "Nyheter", link, NOW + timedelta(hours=48), "Förening rf")
    assert subject == "Bekräfta din prenumeration: Nyheter"
    assert link in body and "09.12.2026 12:00 UTC" in body and body.rstrip().endswith("Förening rf")
    assert rules.confirmation_mail("xx", "L", link, NOW, "")[0] == "Vahvista tilauksesi: L"
    assert rules.consent_note("Nyheter") == "subscription form Nyheter"
