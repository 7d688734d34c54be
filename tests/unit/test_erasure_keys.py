"""G4, issue 19: the digests an erasure request carries find the person's values in rows and texts that
name no contact id, without the values travelling (piiri/erasure_keys.py)."""

import json

from piiri.erasure_keys import Matcher, match_keys

CONFIG = {"CONTEXT_KEYS": "key-one"}


def keys(config=CONFIG):
    return match_keys(
        ["Maija.Zyxw@Example.fi"],
        ["+358401234567"],
        ["Maija Zyxwvirtanen", "Mia Zyxwvirtanen"],
        ["zyxwvirtanen"],
        config,
    )


def test_g4_issue19_the_request_carries_digests_not_values():
    carried = json.dumps(keys()).lower()
    for value in ("maija", "zyxw", "example", "401234567", "mia"):
        assert value not in carried
    assert len(keys()["names"]) == 2 and len(keys()["emails"]) == 1 and len(keys()["phones"]) == 1


def test_g4_issue19_a_row_holds_the_person_by_email_phone_or_a_whole_name():
    matcher = Matcher(keys(), CONFIG)
    assert matcher.matches(["Liisa", "Aho", "maija.zyxw@example.FI"])  # e-mail, any case
    assert matcher.matches(["Liisa", "040 123 4567"])  # the phone written the Finnish way
    assert matcher.matches({"Etunimi": "Maija", "Sukunimi": "Zyxwvirtanen"})  # a whole name in cells
    assert matcher.matches(["Zyxwvirtanen Mia", None, 3])  # or in one cell, any order
    assert not matcher.matches(["Maija", "Aho", "maija.aho@example.fi", "040 765 4321"])  # a first name
    assert not matcher.matches(["Zyxwvirtanen"])  # the surname alone is not the whole name
    assert not Matcher({}, CONFIG)  # an old request without digests matches nothing


def test_g4_issue19_texts_lose_the_persons_values_and_own_words():
    matcher = Matcher(keys(), CONFIG)
    assert matcher.redacted("jasenet Zyxwvirtanen.csv") == "jasenet [erased].csv"  # their own word
    assert matcher.redacted("Maija Zyxwvirtanen, Aho") == "[erased] [erased], Aho"  # a whole name
    assert matcher.redacted("Maija Aho") == "Maija Aho"
    error = {"message": "Rivi 3: maija.zyxw@example.fi / +358 40 123 4567", "headers": ["Zyxwvirtanen"]}
    assert matcher.redacted_value(error) == {
        "message": "Rivi 3: [erased] / [erased]",
        "headers": ["[erased]"],
    }


def test_g4_issue19_a_rotated_key_still_matches():
    made_with_old = keys({"CONTEXT_KEYS": "old-key"})
    assert Matcher(made_with_old, {"CONTEXT_KEYS": "new-key,old-key"}).matches(["040-1234567"])
    assert not Matcher(made_with_old, {"CONTEXT_KEYS": "new-key"}).matches(["040-1234567"])
