"""Duplicates, comparison and merge (C11) over the real broker and database: live candidates, the
scan and review list, dismissals, comparison, merging with every link moved, redirects, audit, events."""

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

MergeEventRecorder, received = event_recorder(
    "merge_event_recorder", "contacts_merged", "duplicate_dismissed"
)


ADMIN = make_actor("merge-admin", permissions=(*ALL_PERMISSIONS, "groups.manage"))


@pytest.fixture
def contacts(run_services, rpc, clean_databases):
    received.clear()
    run_services(ContactsService, MergeEventRecorder)
    with rpc(ADMIN) as cluster:
        yield cluster.contacts


def events(event_type, matches):
    return [payload for kind, payload in received if kind == event_type and matches(payload)]


def age_contacts(engines):
    """The scan leaves out changes of the last seconds; make every contact older than that."""
    with engines["contacts"].begin() as conn:
        conn.execute(text("UPDATE contacts SET updated_at = updated_at - interval '1 minute'"))


def pair(contacts):
    one = contacts.create_contact({"first_name": "José", "last_name": "Virtanen", "email": "jose@example.fi"})
    two = contacts.create_contact(
        {"first_name": "Jose", "last_name": "Virtanen", "email": "JOSE@example.fi", "city": "Oulu"}
    )
    return one, two


def test_c11_duplicates_of_finds_same_email_and_accent_name(contacts):
    one, two = pair(contacts)
    contacts.create_contact({"first_name": "Anna", "last_name": "Muu"})
    found = contacts.duplicates_of(one["id"])
    assert [item["contact"]["id"] for item in found["items"]] == [two["id"]]
    assert found["items"][0]["score"] >= 60
    assert set(found["items"][0]["reasons"]) == {"same_email", "similar_name"}


def test_c11_candidates_with_birth_dates_are_listed_live_and_for_review(contacts, clean_databases):
    """C11: a candidate's birth date reaches the caller as an ISO date, in both lists (it once failed
    with a TypeError when a candidate had one)."""
    one = contacts.create_contact({"first_name": "Eino", "last_name": "Leino", "birth_date": "1950-07-06"})
    two = contacts.create_contact({"first_name": "Eino", "last_name": "Leino", "birth_date": "1950-07-06"})
    found = contacts.duplicates_of(one["id"])["items"]
    assert [(item["contact"]["id"], item["contact"]["birth_date"]) for item in found] == [
        (two["id"], "1950-07-06")
    ]
    age_contacts(clean_databases)
    contacts.find_duplicates(batch_size=100)
    pair_item = contacts.list_duplicate_candidates()["items"][0]
    assert pair_item["contact_a"]["birth_date"] == pair_item["contact_b"]["birth_date"] == "1950-07-06"
    assert {pair_item["contact_a"]["id"], pair_item["contact_b"]["id"]} == {one["id"], two["id"]}


def test_c11_scan_lists_pairs_and_dismiss_hides_them(contacts, clean_databases):
    one, two = pair(contacts)
    age_contacts(clean_databases)
    result = contacts.find_duplicates(batch_size=100)
    assert result["scanned"] == 2 and not result["skipped"]
    page = contacts.list_duplicate_candidates()
    assert len(page["items"]) == 1
    assert {page["items"][0]["contact_a"]["id"], page["items"][0]["contact_b"]["id"]} == {
        one["id"],
        two["id"],
    }
    assert contacts.find_duplicates(batch_size=100)["scanned"] == 0  # nothing changed since
    contacts.dismiss_duplicate([one["id"], two["id"]])
    assert contacts.list_duplicate_candidates()["items"] == []
    assert contacts.duplicates_of(one["id"])["items"] == []
    contacts.find_duplicates(batch_size=100, rescan_all=True)
    assert contacts.list_duplicate_candidates()["items"] == []
    assert wait_for(lambda: events("duplicate_dismissed", lambda p: one["id"] in p["contact_ids"]))


def test_c11_compare_flags_differences(contacts):
    one, two = pair(contacts)
    compared = contacts.compare_contacts([one["id"], two["id"]])
    assert [record["id"] for record in compared["contacts"]] == [one["id"], two["id"]]
    assert compared["differs"]["first_name"] and compared["differs"]["email"]
    assert compared["differs"]["city"] and not compared["differs"]["last_name"]
    with pytest.raises(ValidationFailed) as error:
        contacts.compare_contacts([one["id"]])
    assert "ids" in error.value.details


def test_c11_merge_moves_links_and_redirects(contacts, clean_databases):
    one, two = pair(contacts)
    red = contacts.create_group("Punainen")
    blue = contacts.create_group("Sininen")
    contacts.add_members(red["id"], [one["id"]])
    contacts.add_members(blue["id"], [two["id"]])
    contacts.add_members(red["id"], [two["id"]])  # both active in red: one membership is kept
    contacts.add_alt_name(two["id"], {"kind": "nickname", "first_name": "Jussi"})
    result = contacts.merge_contacts(one["id"], [two["id"]], {"first_name": two["id"], "city": two["id"]})
    assert result["contact"]["first_name"] == "Jose" and result["contact"]["city"] == "Oulu"
    assert set(result["changed_fields"]) == {"first_name", "city", "addresses"}  # C2: the list follows city
    merged = contacts.get_contact(two["id"])
    assert merged["id"] == one["id"] and merged["redirected_from"] == two["id"]
    assert contacts.contact_exists(two["id"])
    groups = [item["group_name"] for item in merged["groups"] if item["active"]]
    assert sorted(groups) == ["Punainen", "Sininen"]
    names = {(name["kind"], name["first_name"]) for name in merged["person"]["alternative_names"]}
    assert ("nickname", "Jussi") in names and ("former", "José") in names
    assert contacts.search_contacts("Jussi")["items"][0]["id"] == one["id"]
    event = wait_for(lambda: events("contacts_merged", lambda p: p["survivor_id"] == one["id"]))[0]
    assert event["survivor_id"] == one["id"] and event["merged_ids"] == [two["id"]]
    assert event["fields_from"] == {"first_name": two["id"], "city": two["id"]}
    with clean_databases["contacts"].connect() as conn:
        audit = conn.execute(
            text("SELECT payload FROM outbox WHERE routing_key = 'contact.merged'")
        ).scalar_one()
    assert set(audit["subject_ids"]) == {one["id"], two["id"]}
    # A later merge into another survivor re-points the old redirect too.
    third = contacts.create_contact({"first_name": "J.", "last_name": "Virtanen"})
    contacts.merge_contacts(third["id"], [one["id"]])
    assert contacts.get_contact(two["id"])["id"] == third["id"]


def test_c11_bad_merges_change_nothing(contacts):
    one, two = pair(contacts)
    with pytest.raises(ValidationFailed) as error:
        contacts.merge_contacts(one["id"], [one["id"]])
    assert "merged_ids" in error.value.details
    with pytest.raises(ValidationFailed) as error:
        contacts.merge_contacts(one["id"], [])
    assert "merged_ids" in error.value.details
    with pytest.raises(ValidationFailed) as error:
        contacts.merge_contacts(
            one["id"], [two["id"]], {"first_name": "00000000-0000-0000-0000-000000000000"}
        )
    assert "chosen.first_name" in error.value.details
    with pytest.raises(ValidationFailed) as error:
        contacts.merge_contacts(one["id"], [two["id"]], {"nonsense": two["id"]})
    assert "chosen.nonsense" in error.value.details
    with pytest.raises(NotFound):
        contacts.merge_contacts(one["id"], ["00000000-0000-0000-0000-000000000000"])
    assert contacts.get_contact(two["id"])["id"] == two["id"]
    assert contacts.get_contact(one["id"])["first_name"] == "José"


def test_c11_couples_conflict_and_pair_couple(contacts):
    one, two = pair(contacts)
    a = contacts.create_contact({"first_name": "Aino", "last_name": "A"})
    b = contacts.create_contact({"first_name": "Bea", "last_name": "B"})
    contacts.link_couple({"contact_ids": [one["id"], a["id"]]})
    contacts.link_couple({"contact_ids": [two["id"], b["id"]]})
    with pytest.raises(Conflict):
        contacts.merge_contacts(one["id"], [two["id"]])
    assert contacts.get_contact(two["id"])["id"] == two["id"]


def test_c11_merge_needs_delete_permission(contacts, rpc):
    one, two = pair(contacts)
    with rpc(make_actor("staffer", ("contacts.view", "contacts.edit"), roles=("staff",))) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.contacts.merge_contacts(one["id"], [two["id"]])
