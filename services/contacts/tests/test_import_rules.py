"""I1 import rules, pure: which contact a row matches, and what fill / overwrite updates write."""

from datetime import date

from services.contacts.imports import rules


def test_i1_row_keys_cover_every_email_phone_and_name_with_birth_date():
    keys = rules.row_keys(
        {
            "first_name": "Äänis",
            "last_name": "Öljy",
            "birth_date": date(1980, 5, 1),
            "email": "A@Example.fi",  # after rich_fields.resolve the flat e-mail is the list's primary
            "emails": [
                {"address": "A@Example.fi", "kind": "home", "primary": True},
                {"address": "b@example.fi", "kind": "work", "primary": False},
            ],
            "phone": "+358401234567",
        }
    )
    assert keys["email"] == {"a@example.fi", "b@example.fi"}
    assert keys["phone"] == {"+358401234567"}
    assert keys["name_birth_date"] == {("aanis oljy", "1980-05-01")}
    assert rules.row_keys({"first_name": "Ei", "last_name": "Syntymäaikaa"})["name_birth_date"] == set()


def test_i1_choose_match_takes_the_first_kind_that_matches_and_refuses_ambiguity():
    assert rules.choose_match({"email": {"a"}, "phone": {"b"}}, ["email", "phone"]) == "a"
    assert rules.choose_match({"email": set(), "phone": {"b"}}, ["email", "phone"]) == "b"
    assert rules.choose_match({"email": {"a", "c"}}, ["email", "phone"]) == rules.AMBIGUOUS
    assert rules.choose_match({}, ["email"]) is None


def test_i1_fill_writes_only_empty_fields_and_overwrite_only_the_chosen_ones():
    address = {
        "kind": "home",
        "street": None,
        "postal_code": None,
        "city": "Turku",
        "country": "FI",
        "primary": True,
    }
    current = {"first_name": "Aino", "city": "Turku", "country": "FI", "addresses": [address], "phone": None}
    current.update(phones=[], emails=[], title=None)
    row = {"first_name": "Aino", "city": "Oulu", "phone": "+358401234567", "title": "Tri", "country": "FI"}
    assert rules.update_changes(current, row, "update_fill", []) == {"phone": "+358401234567", "title": "Tri"}
    overwrite = rules.update_changes(current, row, "update_overwrite", ["city"])
    assert overwrite == {"city": "Oulu", "phone": "+358401234567", "title": "Tri"}
    assert rules.update_changes(current, row, "update_overwrite", [])["city"] == "Oulu"


def test_i1_custom_changes_and_before_image():
    assert rules.custom_changes({"laji": "full"}, {"laji": "support", "uusi": 1}, "update_fill", []) == {
        "uusi": 1
    }
    image = rules.before_image({"birth_date": date(1980, 1, 2), "city": None}, ["birth_date", "city"])
    assert image == {"birth_date": "1980-01-02", "city": None}
