"""The fast path of ContactInput.load gives the schema's answer or leaves the input to it (I1, C2)."""

import random
from datetime import date

import pytest
from marshmallow import ValidationError

from services.contacts.contract import ContactInput
from services.contacts.input_fast_path import load_plain

SCHEMA = ContactInput()

BASE = {
    "kind": "person",
    "first_name": "Aino",
    "last_name": "Virtanen",
    "middle_name": "Tapio",
    "preferred_name": "Aino",
    "email": "aino.virtanen@example.fi",
    "phone": "+358401234567",
    "street": "Kuja 1",
    "postal_code": "00100",
    "city": "Helsinki",
    "country": "FI",
    "birth_date": "1950-01-31",
    "language": "fi",
    "gender": "female",
    "title": "Asiantuntija",
    "honorific": "tri",
    "website": "https://piiri.example.fi",
    "tags": ["tuonti", "bench"],
    "notes": "Rivi 1",
    "emails": [
        {"address": "aino.virtanen@example.fi", "kind": "home", "primary": True},
        {"address": "tyo@example.org", "kind": "work", "primary": False},
    ],
    "phones": [{"number": "+358401234567", "kind": "mobile", "primary": True}, {"number": "050 123 4567"}],
    "addresses": [{"kind": "home", "street": "Kuja 1", "postal_code": "00100", "city": "Helsinki"}],
    "custom": {"jasenlaji": "full", "maksu": 15.5},
}

ODD_VALUES = [
    None, "", "   ", " Aino ", "x" * 61, "x" * 101, "x" * 201, "x" * 301, "y" * 10001, 5, 1.5, True, [], {},
    ["a"], {"a": 1}, "person", "organisation", "robot", "fi", "FI", " se ", "fin", "ß", "sv", "xx",
    "1950-01-01", "1950-1-1", "19500101", "1879-12-31", "2999-01-01", "2020-02-30", "1950-01-01T00:00:00",
    "aino@example.fi", "AINO@Example.FI", "a@b", "a..b@example.fi", "a@ab--c.fi", "ä@example.fi",
    "a@example.test", "+358401234567", "040 123 4567", "12", "+46 8 123 456 78", "example.fi",
    "http://a.fi", "https://a-.fi", "ftp://a.fi", "https://a.fi/polku/sivu.html", "https://a.fi/?q=1",
    "female", "male", "other", "muu",
]  # fmt: skip
ODD_TAGS = [["Hallitus", "hallitus"], [" kaksi  sanaa "], [""], ["t" * 41], [f"t{i}" for i in range(31)], [1]]
ODD_ENTRIES = {
    "emails": [
        [{"address": "a@example.fi"}], [{"address": None}], [{"address": " a@example.fi ", "kind": "work"}],
        [{"address": "a@example.fi", "primary": "true"}], [{"address": "a@example.fi", "kind": None}],
        [{"address": "a@example.fi", "extra": 1}], [{"address": "bad"}], ["a@example.fi"],
        [{"address": f"a{i}@example.fi"} for i in range(21)], [{"address": "a@example.fi", "kind": "mobile"}],
    ],
    "phones": [
        [{"number": "040 123 4567"}], [{"number": ""}], [{"number": "1" * 41}],
        [{"number": "x", "kind": "fax"}], [{"number": "040", "kind": "pager"}],
        [{"number": "040", "primary": 1}],
    ],
    "addresses": [
        [{"street": "Kuja 2"}], [{"street": "", "city": " Oulu "}], [{"country": "se", "city": "Visby"}],
        [{"country": "SWE"}], [{"postal_code": "1" * 21}], [{"kind": "summer"}], [{"street": None}],
        [{"kind": "work", "country": None}],
    ],
}  # fmt: skip
ODD_KEYS = ["id", "display_name", "foo", "version"]


def schema_load(raw):
    try:
        return SCHEMA.load(raw)
    except ValidationError:
        return "refused"


def variants(count, seed):
    rng = random.Random(seed)
    keys = list(BASE)
    for _ in range(count):
        raw = {key: value for key, value in BASE.items() if rng.random() < 0.7}
        for _ in range(rng.randrange(0, 4)):
            key = rng.choice(keys + ODD_KEYS)
            if key in ODD_ENTRIES and rng.random() < 0.7:
                raw[key] = rng.choice(ODD_ENTRIES[key])
            elif key == "tags" and rng.random() < 0.7:
                raw[key] = rng.choice(ODD_TAGS)
            else:
                raw[key] = rng.choice(ODD_VALUES)
        yield raw


def test_i1_the_fast_path_agrees_with_the_schema_on_thousands_of_inputs():
    taken = refused_by_schema = 0
    for raw in variants(6000, seed=7):
        fast = load_plain(raw)
        expected = schema_load(raw)
        if expected == "refused":
            refused_by_schema += 1
            assert fast is None, f"the fast path took {raw!r}; the schema refuses it"
        elif fast is not None:
            taken += 1
            assert fast == expected, raw
    assert taken > 1000 and refused_by_schema > 1000  # both sides were really exercised


def test_i1_a_plain_import_row_takes_the_fast_path():
    loaded = load_plain(BASE)
    assert loaded == SCHEMA.load(BASE)
    assert loaded["birth_date"] == date(1950, 1, 31) and loaded["phones"][1]["kind"] == "mobile"


@pytest.mark.parametrize(
    "raw",
    [
        {"first_name": 5},
        {"kind": None},
        {"unknown": "x"},
        {"website": "example.fi"},  # the schema adds https://
        {"emails": [{"address": "a@example.fi", "primary": "true"}]},  # the schema reads 'true'
        {"birth_date": "1950-1-1"},
        "not an object",
    ],
)
def test_i1_input_needing_repair_or_refusal_goes_to_the_schema(raw):
    assert load_plain(raw) is None
