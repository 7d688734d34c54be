"""Issue 13 item 5 over the real broker and database: a contact's field changes keep their old and new
values, read only by those who may read the audit trail (an audited read), in the person's access report,
and gone with the person when they are erased (G3, G4: test_gdpr_erasure.py)."""

import pytest
from sqlalchemy import text

from conftest import make_actor
from piiri.errors import NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

EDITOR = make_actor("editor", permissions=("contacts.view", "contacts.edit", "audit.view"))
OFFICER = make_actor(
    "officer",
    permissions=(
        "contacts.view",
        "contacts.edit",
        "contacts.delete",
        "audit.view",
        "gdpr.officer",
        "fields.manage",
    ),
)


@pytest.fixture
def cluster(run_services, rpc, clean_databases):
    run_services(ContactsService, AuditService, extra_config={"OUTBOX_KEEP_SECONDS": 0})
    with rpc(OFFICER) as proxy:
        yield proxy


def history_rows(engines, contact_id):
    with engines["contacts"].connect() as conn:
        return conn.execute(
            text("SELECT field, old_value, new_value FROM contact_changes WHERE contact_id = :id"),
            {"id": contact_id},
        ).all()


def test_issue13_5_a_change_keeps_old_and_new_values_and_reading_them_is_audited(
    cluster, rpc, clean_databases
):
    with rpc(EDITOR) as editor:
        anna = editor.contacts.create_contact(
            {"first_name": "Anna", "last_name": "Aalto", "city": "Oulu", "email": "anna@example.fi"}
        )
        editor.contacts.update_contact(anna["id"], {"city": "Turku", "email": None, "middle_name": "Maria"})
        editor.contacts.update_contact(anna["id"], {"city": "Turku"})  # no change: nothing recorded
        changes = editor.contacts.contact_changes(anna["id"])["items"]

    by_field = {item["field"]: item for item in changes}
    assert set(by_field) == {"addresses", "emails", "middle_name"}  # a flat field's list tells its change
    address = by_field["addresses"]
    assert (address["old_value"][0]["city"], address["new_value"][0]["city"]) == ("Oulu", "Turku")
    assert by_field["middle_name"]["old_value"] is None and by_field["middle_name"]["new_value"] == "Maria"
    assert by_field["emails"]["old_value"][0]["address"] == "anna@example.fi"
    assert by_field["emails"]["new_value"] is None
    assert all(item["actor_username"] == "editor" and item["changed_at"] for item in changes)
    assert len(history_rows(clean_databases, anna["id"])) == len(changes)  # the second save added none

    # Reading the history is itself recorded, naming the contact and the fields shown.
    trail = wait_for(
        lambda: [
            event
            for event in cluster.audit.events_for_subject(anna["id"])["items"]
            if event["action"] == "contact.changes_viewed"
        ]
    )
    assert trail[0]["actor"]["username"] == "editor" and "addresses" in trail[0]["fields"]


def test_issue13_5_the_history_is_for_audit_readers_only_and_refuses_bad_input(cluster, rpc):
    anna = cluster.contacts.create_contact({"first_name": "Anna", "last_name": "Aalto"})
    with rpc(make_actor("clerk", permissions=("contacts.view", "contacts.edit"))) as clerk:
        with pytest.raises(PermissionDenied):
            clerk.contacts.contact_changes(anna["id"])
    with pytest.raises(NotFound):
        cluster.contacts.contact_changes("00000000-0000-4000-8000-000000000000")
    for limit in (0, 201, "5", True):
        with pytest.raises(ValidationFailed) as refused:
            cluster.contacts.contact_changes(anna["id"], limit)
        assert "limit" in refused.value.details


def test_g3_the_history_is_in_the_access_report(cluster):
    anna = cluster.contacts.create_contact({"first_name": "Anna", "last_name": "Aalto", "city": "Oulu"})
    cluster.contacts.update_contact(anna["id"], {"city": "Kemi"})
    report = cluster.contacts.personal_data(anna["id"])
    (change,) = report["sections"]["field_changes"]  # the city and its address entry: one change
    assert change["field"] == "addresses"  # erasure empties it: tests/integration/test_gdpr_erasure.py
    assert (change["old_value"][0]["city"], change["new_value"][0]["city"]) == ("Oulu", "Kemi")


def test_issue13_5_custom_values_and_merges_are_in_the_history_too(cluster, clean_databases):
    """Custom values changed with the contact or alone are recorded as custom.<key>; a merge records what
    the survivor took and keeps the merged contact's history on the survivor."""
    contacts = cluster.contacts
    contacts.create_custom_field({"key": "seura", "label_fi": "Seura", "field_type": "text"})
    anna = contacts.create_contact({"first_name": "Anna", "last_name": "Aalto", "custom": {"seura": "HIFK"}})
    contacts.update_contact(anna["id"], {"custom": {"seura": "Jokerit"}, "city": "Oulu"})
    contacts.set_custom_values(anna["id"], {"seura": None})
    contacts.set_custom_values(anna["id"], {"seura": None})  # no change: nothing recorded
    custom = [
        (item["old_value"], item["new_value"])
        for item in reversed(contacts.contact_changes(anna["id"])["items"])
        if item["field"] == "custom.seura"
    ]
    assert custom == [("HIFK", "Jokerit"), ("Jokerit", None)]

    copy = contacts.create_contact({"first_name": "Anna", "last_name": "Aalto", "email": "anna@example.fi"})
    contacts.update_contact(copy["id"], {"custom": {"seura": "Kärpät"}})
    contacts.merge_contacts(anna["id"], [copy["id"]], {"email": copy["id"], "custom.seura": copy["id"]})
    fields = [item["field"] for item in contacts.contact_changes(anna["id"])["items"]]
    assert fields.count("custom.seura") == 4  # Anna's two, the copy's one (moved), the merge's one
    newest = contacts.contact_changes(anna["id"])["items"][:3]
    by_field = {item["field"]: item for item in newest}
    assert by_field["custom.seura"]["old_value"] is None and by_field["custom.seura"]["new_value"] == "Kärpät"
    assert by_field["emails"]["new_value"][0]["address"] == "anna@example.fi"
    assert history_rows(clean_databases, copy["id"]) == []  # nothing left under the merged id
