"""C3 custom fields in the web UI, no browser: form reading, definition forms, words in both languages."""

import re
from pathlib import Path

from werkzeug.datastructures import MultiDict

from gateway.custom_fields import web as web_custom_fields
from gateway.i18n import Translator, messages
from gateway.web_helpers import contact_form_data, field_errors

TEMPLATES = Path(web_custom_fields.__file__).parent / "templates" / "custom_fields"


def test_c3_the_contact_form_reads_custom_inputs_by_type():
    form = MultiDict(
        [
            ("last_name", "Virtanen"),
            ("custom.jasenlaji", "kannatus"),
            ("custom.soittimet[]", ""),
            ("custom.soittimet[]", "viulu"),
            ("custom.soittimet[]", "piano"),
            ("custom.aktiivi", "false"),
            ("custom.aktiivi", "true"),
            ("custom.tyhja[]", ""),
        ]
    )
    data = contact_form_data(form)
    assert data["custom"] == {
        "jasenlaji": "kannatus",
        "soittimet": ["viulu", "piano"],
        "aktiivi": "true",
        "tyhja": [],
    }


def test_c3_custom_errors_stay_beside_their_inputs():
    by_field, general = field_errors({"custom.jasenlaji": ["contact.required"]}, Translator("fi"))
    assert by_field == {"custom.jasenlaji": ["Pakollinen tieto."]} and general == []


def test_c3_definition_form_parses_flags_and_choice_lines():
    form = MultiDict(
        [("key", " jasenlaji "), ("label_fi", "Jäsenlaji"), ("field_type", "choice"), ("required", "on")]
        + [("choices", "a | A fi | A en\nb"), ("position", "")]
    )
    data = web_custom_fields.definition_form_data(form)
    assert data["key"] == "jasenlaji" and data["required"] and not data["unique_values"]
    assert data["choices"] == [{"value": "a", "label_fi": "A fi", "label_en": "A en"}, {"value": "b"}]
    assert "position" not in data


def test_c3_every_word_the_templates_use_exists_in_both_languages():
    used = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""t\(["'](cf\.[a-z_.]+[a-z])["']""", template.read_text()))
    used |= {f"cf.type.{name}" for name in ("text", "number", "date", "choice", "multi_choice", "boolean")}
    used |= {"cf.confirm_remove", "cf.confirm_purge", "cf.remove", "cf.purge", "cf.nav"}
    assert used <= set(messages("fi")) and used <= set(messages("en")), sorted(used - set(messages("fi")))


def test_c3_a_form_without_custom_inputs_sends_no_custom_values():
    assert "custom" not in contact_form_data(MultiDict([("last_name", "Virtanen")]))
