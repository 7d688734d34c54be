"""G2, issue 12 item 4: numbers derived from personal data other than a query's count are audited like
``contact.counted``: a group's member counts (the tree and one group) and the number of values each
custom field has. Each answer leaves one record by the acting user naming what was counted and the
numbers; and a count whose record cannot be delivered is not answered (fail-closed, like every read)."""

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

MANAGER = make_actor("derived-counter", permissions=(*ALL_PERMISSIONS, "groups.manage", "fields.manage"))


@pytest.fixture
def contacts(run_services, rpc, clean_databases):
    run_services(ContactsService, AuditService)
    with rpc(MANAGER) as cluster:
        yield cluster.contacts


def counted_records(engines):
    with engines["audit"].connect() as conn:
        return conn.execute(
            text(
                "SELECT actor_username, subject_ids, details FROM audit_events"
                " WHERE action = 'contact.counted' ORDER BY seq"
            )
        ).all()


def next_record(engines, seen):
    """The one ``contact.counted`` record stored after the first ``seen`` ones."""
    found = wait_for(lambda: (rows := counted_records(engines))[seen:] and rows, 10)
    assert found and len(found) == seen + 1, found
    return found[seen]


def test_issue12_item4_group_member_counts_are_audited(contacts, engines):
    group = contacts.create_group("Laskettavat")
    members = [contacts.create_contact({"first_name": "Testi", "last_name": f"L{i}"})["id"] for i in range(3)]
    contacts.add_members(group["id"], members)
    seen = len(counted_records(engines))

    # a form's group picker asks for no counts: none read, none audited (the records below are the next)
    picker = contacts.list_groups(compact=True, counts=False)["items"]
    assert [item["name"] for item in picker] == ["Laskettavat"] and "all_members" not in picker[0]
    tree = contacts.list_groups()
    record = next_record(engines, seen)
    assert record.actor_username == "derived-counter" and record.subject_ids == []
    assert record.details["counted"] == "group_members"
    assert record.details["groups"] == len(tree["items"]) == 1 and record.details["members"] == 3

    one = contacts.get_group(group["id"])
    record = next_record(engines, seen + 1)
    assert record.details["counted"] == "group_members" and record.details["group_id"] == group["id"]
    assert (
        (record.details["direct"], record.details["all"])
        == (one["direct_members"], one["all_members"])
        == (
            3,
            3,
        )
    )


def test_issue12_item4_custom_field_value_counts_are_audited(contacts, engines):
    contacts.create_custom_field({"key": "jasennumero", "label_fi": "Jäsennumero", "field_type": "text"})
    contacts.create_contact({"first_name": "Testi", "last_name": "Arvo", "custom": {"jasennumero": "17"}})
    seen = len(counted_records(engines))

    contacts.list_custom_fields()  # definitions only: nothing derived from personal data
    fields = contacts.list_custom_fields(with_counts=True)["items"]
    record = next_record(engines, seen)
    assert record.actor_username == "derived-counter"
    assert record.details["counted"] == "custom_field_values"
    assert record.details["fields"] == {"jasennumero": 1} == {f["key"]: f["value_count"] for f in fields}
