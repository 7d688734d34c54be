"""The demo contact generator: deterministic, valid by the contacts contract, varied, fast."""

import re
from collections import Counter
from datetime import date

import phonenumbers
from email_validator import validate_email

from services.contacts.contract import KINDS, LANGUAGES, ContactInput, WholeContactRules
from services.contacts.demo_data import COLUMNS, ascii_fold, generate_contact_dicts, generate_contacts

ROWS = list(generate_contact_dicts(20_000, seed=11))
PERSONS = [row for row in ROWS if row["kind"] == "person"]
ORGANISATIONS = [row for row in ROWS if row["kind"] == "organisation"]
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def test_same_seed_same_rows_and_shorter_runs_are_prefixes():
    first = list(generate_contacts(5_000, seed=3))
    assert first == list(generate_contacts(5_000, seed=3))
    assert first != list(generate_contacts(5_000, seed=4))
    assert list(generate_contacts(1_234, seed=3)) == first[:1_234]
    assert list(generate_contacts(0)) == []


def test_rows_have_the_table_columns():
    row = next(generate_contacts(1))
    assert len(row) == len(COLUMNS)
    assert set(ROWS[0]) == set(COLUMNS)
    assert {row["kind"] for row in ROWS} <= set(KINDS)
    assert {row["language"] for row in ROWS} <= set(LANGUAGES)
    assert {row["country"] for row in ROWS} == {"FI"}


def test_emails_are_valid_and_unique():
    emails = [row["email"] for row in ROWS if row["email"]]
    assert len(emails) > 0.85 * len(ROWS)
    assert len(set(emails)) == len(emails)
    for email in emails[::40]:
        assert validate_email(email, check_deliverability=False).normalized == email
    safe = re.compile(r"[a-z0-9._-]+@([a-z0-9]+\.)?example\.(com|net|org)")  # RFC 2606: never a real inbox
    assert all(safe.fullmatch(email) for email in emails)


def test_phones_are_valid_e164():
    phones = [row["phone"] for row in ROWS if row["phone"]]
    assert len(phones) > 0.8 * len(ROWS)
    assert all(re.fullmatch(r"\+358\d{9}", phone) for phone in phones)
    for phone in phones[::40]:
        number = phonenumbers.parse(phone)
        assert phonenumbers.is_valid_number(number), phone
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone


def test_addresses_look_finnish():
    assert all(re.fullmatch(r"\d{5}", row["postal_code"]) for row in ROWS)
    assert all(re.fullmatch(r"\D+ \d+( [A-D] \d+| as \d+)?", row["street"]) for row in ROWS)
    cities = Counter(row["city"] for row in ROWS)
    assert cities.most_common(1)[0][0] == "Helsinki"
    assert {"Espoo", "Tampere", "Turku", "Oulu", "Vaasa", "Helsingfors", "Åbo"} <= set(cities)
    helsinki = {row["postal_code"] for row in ROWS if row["city"] == "Helsinki"}
    assert "00100" in helsinki and all(code.startswith("00") for code in helsinki)


def test_the_mix_of_people_and_organisations():
    share = Counter(row["language"] for row in PERSONS)
    assert 0.03 < len(ORGANISATIONS) / len(ROWS) < 0.07
    assert share["fi"] > share["sv"] > share["ru"] > 0
    russians = [row for row in PERSONS if row["language"] == "ru"]
    assert 0.005 < len(russians) / len(ROWS) < 0.02
    assert all(CYRILLIC.search(row["first_name"]) and CYRILLIC.search(row["last_name"]) for row in russians)
    assert not any(CYRILLIC.search(row["first_name"]) for row in PERSONS if row["language"] != "ru")
    names = " ".join(row["first_name"] + " " + row["last_name"] for row in PERSONS)
    for letter in "äöåÄÖÅ":
        assert letter in names
    assert any(row["preferred_name"] for row in PERSONS)
    assert any(" " in row["first_name"] for row in PERSONS)


def test_organisations_have_a_name_and_no_person_fields():
    assert ORGANISATIONS
    for row in ORGANISATIONS:
        assert row["organisation_name"].rsplit(" ", 1)[1] in ("ry", "Oy", "sr", "rf", "Ab")
        assert row["first_name"] is row["last_name"] is row["preferred_name"] is row["birth_date"] is None
    assert any("säätiö" in row["organisation_name"] for row in ORGANISATIONS)
    assert {row["language"] for row in ORGANISATIONS} == {"fi", "sv"}


def test_persons_are_born_1930_to_2006():
    births = [row["birth_date"] for row in PERSONS]
    assert all(date(1930, 1, 1) <= born <= date(2006, 12, 31) for born in births)
    assert min(births).year < 1935 and max(births).year > 2000


def test_every_generated_contact_passes_the_contract():
    for row in ROWS[::25]:
        data = {key: value for key, value in row.items() if value is not None}
        if "birth_date" in data:
            data["birth_date"] = data["birth_date"].isoformat()
        loaded = ContactInput().load(data)
        assert WholeContactRules().validate(loaded) == {}


def test_ascii_fold():
    assert ascii_fold("Söderström") == "soderstrom"
    assert ascii_fold("Åberg") == "aberg"
    assert ascii_fold("Иван Петров") == "ivanpetrov"
    assert ascii_fold("Фёдорова") == "fedorova"


def test_generation_streams_so_a_million_never_sits_in_memory():
    """Seeding a million contacts (C5) relies on a lazy generator; its speed is bench material, not a test."""
    contacts = generate_contacts(10**9, seed=5)
    first = next(contacts)
    assert first and next(contacts) != first
    assert sum(1 for _ in generate_contacts(1_000, seed=5)) == 1_000


def test_c2_rich_fields_are_realistic_and_the_lists_match_the_flat_columns():
    for row in ROWS:
        for name in ("emails", "phones", "addresses"):
            assert [entry["primary"] for entry in row[name]].count(True) == (1 if row[name] else 0)
        primary = {
            name: next((e for e in row[name] if e["primary"]), {})
            for name in ("emails", "phones", "addresses")
        }
        assert row["email"] == primary["emails"].get("address")
        assert row["phone"] == primary["phones"].get("number")
        address = tuple(primary["addresses"].get(key) for key in ("street", "postal_code", "city"))
        assert address == (row["street"], row["postal_code"], row["city"])
    assert sum(len(row["emails"]) > 1 for row in PERSONS) > 0.1 * len(PERSONS)
    assert sum(len(row["phones"]) > 1 for row in ROWS) > 0.08 * len(ROWS)
    assert sum(len(row["addresses"]) > 1 for row in ROWS) > 0.04 * len(ROWS)
    tags = Counter(tag for row in ROWS for tag in row["tags"])
    assert {"hallitus", "vapaaehtoinen", "lehti"} <= set(tags)
    assert any(row["middle_name"] for row in PERSONS) and any(row["honorific"] for row in PERSONS)
    assert any(row["title"] for row in PERSONS) and any(row["website"] for row in ORGANISATIONS)
    assert {row["gender"] for row in PERSONS} == {"female", "male", None}
    assert all(row["gender"] is None for row in ORGANISATIONS)
