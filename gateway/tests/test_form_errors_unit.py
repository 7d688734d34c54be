"""Issue 13 item 9 without a browser: a refused submit's messages keep their fields (the error summary's
links), a password change names every problem at once, and the summary renders each field's message as a
link to it."""

from gateway.accounts import new_password_errors
from gateway.i18n import Translator
from gateway.web_helpers import FieldMessage, detail_messages, environment, exc_messages, field_errors
from piiri.errors import ValidationFailed, coded


def test_issue13_item9_messages_keep_their_fields_in_the_readers_language():
    t = Translator("en")
    details = {
        "_schema": ["contact.not_object"],
        "email": ["contact.email_invalid"],
        "emails.0.address": [coded("contact.too_long", max=5)],
        "bogus": {"size": ["contact.number_invalid"]},
    }
    messages = detail_messages(details, t)
    assert [message.field for message in messages] == [None, "email", "emails.0.address", "bogus"]
    assert all(isinstance(message, FieldMessage) for message in messages)
    assert "name@example.fi" in messages[1]  # the message says what would do
    by_field, general = field_errors(details, t)
    assert list(by_field) == ["email", "emails.0.address"] and by_field["email"][0].field == "email"
    assert [message.field for message in general] == [None, "bogus"]
    refused = ValidationFailed("contact.invalid")
    assert exc_messages(refused, t) == [t.service_message("contact.invalid")]


def test_issue13_item9_a_password_change_names_every_problem_at_once():
    assert new_password_errors("lyhyt", "toinen", "maija") == {
        "new_password": [coded("acc.err.too_short", n=12)],
        "new_password_again": ["acc.err.mismatch"],
    }
    assert new_password_errors("kuusi kuusta kuusessa", "kuusi kuusta kuusessa", "maija") == {}


def test_issue13_item9_the_error_summary_links_each_field_and_lists_the_rest():
    env = environment()
    t = Translator("fi")
    messages = [
        FieldMessage("Yleinen virhe."),
        FieldMessage("Anna nimi.", "name"),
        FieldMessage("Rooli: Ei tällaista.", "role", bare="Ei tällaista."),
        "Tavallinen teksti.",
    ]
    html = env.from_string(
        '{% from "_forms.html" import error_summary with context %}'
        '{{ error_summary(messages, "x-errors", ids={"name": "new-name"}) }}'
    ).render(t=t, messages=messages)
    assert 'id="x-errors"' in html and "data-error-summary" in html and 'role="alert"' in html
    assert '<a href="#new-name" data-field="name">Anna nimi.</a>' in html
    assert 'href="#field-role" data-field="role" data-bare="Ei tällaista."' in html
    assert "<li>Yleinen virhe.</li>" in html and "<li>Tavallinen teksti.</li>" in html
    assert t("form.summary_title") in html
    assert (
        env.from_string('{% from "_forms.html" import error_summary with context %}{{ error_summary([]) }}')
        .render(t=t)
        .strip()
        == ""
    )
