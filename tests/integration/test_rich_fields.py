"""C2 rich standard fields through the contacts service on the real broker and database: lists of
e-mails, phones and addresses kept in step with the flat fields, events, search by a secondary e-mail or
phone, tag and gender filters (list, advanced search, saved search), merging lists, duplicates by a
secondary e-mail, and bad input that changes nothing."""

import pytest

from piiri.errors import ValidationFailed
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

Recorder, received = event_recorder("c2_event_recorder", "contact_created", "contact_updated")

ANNA = {
    "first_name": "Anna",
    "middle_name": "Kaarina",
    "last_name": "Aaltonen",
    "title": "toiminnanjohtaja",
    "honorific": "tri",
    "gender": "female",
    "website": "aaltonen.example.fi",
    "tags": ["Hallitus", "lehti"],
    "emails": [
        {"address": "anna.aaltonen@example.fi", "kind": "home"},
        {"address": "anna@tyo.example.com", "kind": "work"},
    ],
    "phones": [{"number": "040 765 4321"}, {"number": "09 555 1234", "kind": "work"}],
    "addresses": [
        {"street": "Rantatie 5", "postal_code": "00150", "city": "Helsinki"},
        {"kind": "work", "street": "Työkatu 1", "postal_code": "33100", "city": "Tampere", "primary": True},
    ],
}


@pytest.fixture
def contacts(run_services, rpc, admin_actor):
    run_services(ContactsService, Recorder)
    with rpc(admin_actor) as cluster:
        yield cluster.contacts


def ids(page):
    return [item["id"] for item in page["items"]]


def test_c2_create_get_update_with_lists_and_events(contacts):
    created = contacts.create_contact(ANNA)
    assert created["email"] == "anna.aaltonen@example.fi" and created["phone"] == "+358407654321"
    assert (created["street"], created["postal_code"], created["city"]) == ("Työkatu 1", "33100", "Tampere")
    assert created["tags"] == ["hallitus", "lehti"] and created["website"] == "https://aaltonen.example.fi"
    assert [phone["number"] for phone in created["phones"]] == ["+358407654321", "+35895551234"]
    got = contacts.get_contact(created["id"])
    assert (got["middle_name"], got["title"], got["honorific"], got["gender"]) == (
        "Kaarina",
        "toiminnanjohtaja",
        "tri",
        "female",
    )
    assert got["addresses"][1]["primary"] and not got["addresses"][0]["primary"]

    # A flat legacy write replaces the primary entry, keeping its kind; null promotes the next one.
    changed = contacts.update_contact(created["id"], {"email": None, "city": "Espoo", "postal_code": "02100"})
    assert changed["email"] == "anna@tyo.example.com"
    assert changed["emails"] == [{"address": "anna@tyo.example.com", "kind": "work", "primary": True}]
    assert changed["addresses"][1] == {
        "kind": "work",
        "street": "Työkatu 1",
        "postal_code": "02100",
        "city": "Espoo",
        "country": "FI",
        "primary": True,
    }
    assert changed["version"] == created["version"] + 1

    # Sending a list replaces it; the flat field follows its primary.
    changed = contacts.update_contact(
        created["id"], {"phones": [{"number": "+358501112223", "kind": "home"}], "tags": []}
    )
    assert changed["phone"] == "+358501112223" and changed["tags"] == []

    def mine():
        return [(kind, payload) for kind, payload in received if payload["contact_id"] == created["id"]]

    assert wait_for(lambda: len(mine()) >= 3)
    events = mine()
    created_event = next(payload for kind, payload in events if kind == "contact_created")
    assert created_event["schema_version"] == 1
    assert created_event["contact"]["emails"][1]["address"] == "anna@tyo.example.com"
    assert created_event["contact"]["tags"] == ["hallitus", "lehti"]
    last = [payload for kind, payload in events if kind == "contact_updated"][-1]
    assert last["changed_fields"] == ["phone", "phones", "tags"]
    assert last["contact"]["phones"] == [{"number": "+358501112223", "kind": "home", "primary": True}]


def test_c2_bad_input_is_refused_by_entry_and_changes_nothing(contacts):
    created = contacts.create_contact(ANNA)
    with pytest.raises(ValidationFailed) as error:
        contacts.update_contact(
            created["id"],
            {
                "emails": [{"address": "a@example.fi"}, {"address": "A@example.fi"}],
                "phones": [{"number": "12"}],
                "addresses": [{"street": "Katu 1", "postal_code": "1234"}],
                "gender": "robot",
            },
        )
    details = error.value.details
    assert details == {  # every error at once (issue 13 item 9), as codes (issue 11 item 5)
        "gender": ["contact.choice"],
        "emails.1.address": ["contact.list_twice"],
        "phones.0.number": ["contact.phone_country"],
        "addresses.0.postal_code": ["contact.postal_code_finnish"],
    }
    with pytest.raises(ValidationFailed) as error:
        contacts.update_contact(
            created["id"],
            {
                "emails": [{"address": "a@example.fi"}, {"address": "A@example.fi"}],
                "phones": [{"number": "12"}],
                "addresses": [{"street": "Katu 1", "postal_code": "1234"}],
            },
        )
    assert error.value.message == "contact.invalid"
    assert error.value.details == {
        "emails.1.address": ["contact.list_twice"],
        "phones.0.number": ["contact.phone_country"],
        "addresses.0.postal_code": ["contact.postal_code_finnish"],
    }
    with pytest.raises(ValidationFailed) as error:
        contacts.create_contact({"last_name": "Zyzzyva", "emails": [{"address": "nope"}], "tags": ["x" * 41]})
    assert set(error.value.details) == {"emails.0.address", "tags"}
    assert contacts.get_contact(created["id"])["version"] == created["version"]
    assert contacts.get_contact(created["id"])["emails"] == created["emails"]
    assert ids(contacts.search_contacts("zyzzyva")) == []


def test_c2_search_finds_secondary_email_and_phone_middle_name_and_tags(contacts):
    anna = contacts.create_contact(ANNA)
    other = contacts.create_contact(
        {"first_name": "Pekka", "last_name": "Puu", "email": "pekka@example.fi", "phone": "0401112223"}
    )
    assert ids(contacts.search_contacts("anna@tyo.example.com")) == [anna["id"]]  # secondary e-mail
    assert ids(contacts.search_contacts("ANNA@TYO")) == [anna["id"]]  # a prefix of it
    assert ids(contacts.search_contacts("09 555 1234")) == [anna["id"]]  # secondary phone
    assert ids(contacts.search_contacts("+358 9 555")) == [anna["id"]]
    assert ids(contacts.search_contacts("040 765 4321")) == [anna["id"]]  # primary, as before
    assert ids(contacts.search_contacts("pekka@")) == [other["id"]]
    assert ids(contacts.search_contacts("kaarina")) == [anna["id"]]  # middle name
    assert ids(contacts.search_contacts("hallitus")) == [anna["id"]]  # tag, by free text
    assert ids(contacts.search_contacts("tyo.example")) == [anna["id"]]


def test_c2_tag_gender_phone_and_address_filters(contacts, rpc, admin_actor):
    anna = contacts.create_contact(ANNA)
    board = contacts.create_contact(
        {"first_name": "Eero", "last_name": "Aho", "gender": "male", "tags": ["hallitus"]}
    )
    plain = contacts.create_contact({"first_name": "Aino", "last_name": "Aho", "city": "Oulu"})
    assert set(ids(contacts.search_contacts(filters={"tag": "Hallitus"}))) == {anna["id"], board["id"]}
    assert ids(contacts.search_contacts(filters={"tag": "hallitus,lehti"})) == [anna["id"]]  # has both
    assert ids(contacts.search_contacts("aho", filters={"tag": "hallitus"})) == [board["id"]]
    assert ids(contacts.search_contacts(filters={"gender": "male"})) == [board["id"]]
    assert set(ids(contacts.search_contacts(filters={"gender": "unset"}))) == {plain["id"]}
    assert ids(contacts.search_contacts(filters={"has_phone": "true"})) == [anna["id"]]
    assert set(ids(contacts.search_contacts(filters={"has_address": "true"}))) == {anna["id"], plain["id"]}
    assert ids(contacts.search_contacts(filters={"address_kind": "work"})) == [anna["id"]]
    with pytest.raises(ValidationFailed) as error:
        contacts.search_contacts(filters={"gender": "robot"})
    assert "gender" in error.value.details

    # Advanced search expressions and saved searches take the same filters (C4).
    expression = {
        "and": [{"filter": "tag", "value": "hallitus"}, {"not": {"filter": "gender", "value": "female"}}]
    }
    assert ids(contacts.search_contacts_advanced(expression)) == [board["id"]]
    saved = contacts.create_saved_search({"name": "Hallitus", "filters": {"tag": "hallitus"}})
    assert set(ids(contacts.run_saved_search(saved["id"]))) == {anna["id"], board["id"]}


def test_c2_merge_combines_lists_and_tags(contacts):
    survivor = contacts.create_contact(
        {
            "first_name": "Anna",
            "last_name": "Aaltonen",
            "email": "anna.aaltonen@example.fi",
            "tags": ["lehti"],
        }
    )
    other = contacts.create_contact({**ANNA, "emails": ANNA["emails"][::-1]})
    result = contacts.merge_contacts(survivor["id"], [other["id"]], {"title": other["id"]})
    merged = result["contact"]
    assert merged["email"] == "anna.aaltonen@example.fi"  # the survivor's primary stays
    assert [(entry["address"], entry["primary"]) for entry in merged["emails"]] == [
        ("anna.aaltonen@example.fi", True),
        ("anna@tyo.example.com", False),
    ]
    assert [phone["number"] for phone in merged["phones"]] == ["+358407654321", "+35895551234"]
    assert merged["phone"] == "+358407654321" and merged["city"] == "Tampere"
    assert merged["tags"] == ["lehti", "hallitus"] and merged["title"] == "toiminnanjohtaja"
    assert {"emails", "phones", "addresses", "tags", "title"} <= set(result["changed_fields"])
    with pytest.raises(ValidationFailed) as error:
        contacts.merge_contacts(
            survivor["id"], [contacts.create_contact({"last_name": "Z"})["id"]], {"emails": survivor["id"]}
        )
    assert "chosen.emails" in error.value.details


def test_c2_a_shared_secondary_email_makes_a_duplicate(contacts):
    anna = contacts.create_contact(ANNA)
    work_only = contacts.create_contact(
        {"first_name": "A.", "last_name": "Aaltonen-Virta", "email": "anna@tyo.example.com"}
    )
    assert [item["contact"]["id"] for item in contacts.duplicates_of(work_only["id"])["items"]] == [
        anna["id"]
    ]
    found = contacts.duplicates_of(anna["id"])["items"]
    assert [item["contact"]["id"] for item in found] == [work_only["id"]]
    assert "same_email" in found[0]["reasons"]
