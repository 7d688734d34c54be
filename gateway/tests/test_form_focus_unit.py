"""Issue 13 item 9: a form shown again with several errors marks every invalid field and puts the focus
(``autofocus``, no script) on the first of them in the order of the page, once."""

import re

import pytest

from gateway.tests.test_web_unit import CONTACT, page_context
from gateway.web_helpers import contact_form_values, render_html


def focused(html):
    """The ids of the elements with autofocus."""
    return re.findall(r'id="([^"]+)"[^>]*?\bautofocus\b', html, re.S)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_contact_form_focuses_its_first_invalid_field(language):
    errors = {
        "emails.0.address": ["contact.email_invalid"],
        "last_name": ["contact.person_name_required"],
        "addresses.0.postal_code": ["contact.postal_code_finnish"],
        "birth_date": ["contact.date_invalid"],
    }
    html = render_html(
        "contact_form.html",
        language,
        **page_context(),
        values=contact_form_values(CONTACT),
        contact_id=CONTACT["id"],
        title_name="Eino",
        errors=errors,
        general_errors=[],
    )
    assert html.count('aria-invalid="true"') == 4
    assert focused(html) == ["field-last_name"]  # the names come first on the page


def test_the_birthday_settings_focus_their_first_invalid_field():
    html = render_html(
        "birthdays/settings.html",
        "fi",
        **page_context(),
        settings={"important_filters": {}, "round_ages": [50], "horizon_days": 30},
        form={"round_ages": "x", "horizon_days": "0"},
        errors={"horizon_days": ["b"], "round_ages": ["a"]},
        groups=[],
        saved_searches=[],
        saved=False,
    )
    assert html.count('aria-invalid="true"') == 2 and focused(html) == ["round-ages"]


def test_a_form_without_errors_takes_no_focus():
    html = render_html(
        "contact_form.html",
        "fi",
        **page_context(),
        values=contact_form_values(CONTACT),
        contact_id=CONTACT["id"],
        title_name="Eino",
        errors={},
        general_errors=[],
    )
    assert "autofocus" not in html
