"""Issue 13 item 5: a contact's field changes in words on its page: labels, old → new, empty said so."""

from gateway.contacts.history import change_rows, value_text
from gateway.i18n import Translator


def test_values_read_as_words_in_the_readers_language():
    fi, en = Translator("fi"), Translator("en")
    assert value_text("kind", "organisation", fi) == "Yhteisö"
    assert value_text("gender", "female", en) == "female"
    assert value_text("birth_date", "1980-05-17", fi) == "17.5.1980"
    assert value_text("middle_name", None, fi) == "(tyhjä)" and value_text("tags", [], en) == "(empty)"
    emails = [{"address": "a@example.fi", "kind": "home"}, {"address": "b@example.fi", "kind": "work"}]
    assert value_text("emails", emails, fi) == "a@example.fi, b@example.fi"
    assert value_text("phones", [{"number": "+358401234567"}], fi) == "+358 40 1234567"
    address = [{"street": "Kauppakatu 1", "postal_code": "90100", "city": "Oulu", "kind": "home"}]
    assert value_text("addresses", address, fi) == "Kauppakatu 1, 90100 Oulu"


def test_a_change_row_names_the_field_who_and_old_to_new():
    item = {
        "changed_at": "2026-12-07T01:58:00+00:00",
        "actor_username": "maija",
        "field": "middle_name",
        "old_value": None,
        "new_value": "Maria",
    }
    (row,) = change_rows([item], Translator("sv"))
    assert row == {
        "when": item["changed_at"],
        "who": "maija",
        "field": "Mellannamn",
        "change": "(tomt) → Maria",
    }


def test_a_custom_fields_change_is_named_and_worded_by_its_definition():
    """custom.<key>: the field's label and values in the reader's language (choices, yes/no, dates)."""
    fields = {
        "jasenlaji": {
            "key": "jasenlaji",
            "label_fi": "Jäsenlaji",
            "label_en": "Member type",
            "field_type": "choice",
            "choices": [{"value": "varsinainen", "label_fi": "Varsinainen", "label_en": "Full"}],
        },
        "lupa": {"key": "lupa", "label_fi": "Kuvauslupa", "field_type": "boolean", "choices": []},
    }
    items = [
        {"changed_at": "x", "field": "custom.jasenlaji", "old_value": None, "new_value": "varsinainen"},
        {"changed_at": "x", "field": "custom.lupa", "old_value": True, "new_value": False},
        {"changed_at": "x", "field": "custom.poistettu", "old_value": "a", "new_value": "b"},
    ]
    en = change_rows(items, Translator("en"), fields)
    assert [(row["field"], row["change"]) for row in en] == [
        ("Member type", "(empty) → Full"),
        ("Kuvauslupa", "Yes → No"),  # no English label: the Finnish one
        ("custom.poistettu", "a → b"),  # a field removed since: its key
    ]
    sv = change_rows(items[1:2], Translator("sv"), fields)
    assert sv[0]["change"] == "Ja → Nej"
