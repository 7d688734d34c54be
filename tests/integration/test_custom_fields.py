"""C3 custom fields over the real broker and database: definitions, validated values, required and
unique rules (also under concurrency), remove/restore/purge, filters in search_contacts, audit, events."""

import eventlet
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import NotFound, PermissionDenied, ValidationFailed
from services.contacts.service import ContactsService

ADMIN = make_actor("fields-admin", permissions=(*ALL_PERMISSIONS, "fields.manage"))
STAFF = make_actor("fields-staff", permissions=("contacts.view", "contacts.edit"), roles=("staff",))
KIND = {
    "key": "jasenlaji",
    "label_fi": "Jäsenlaji",
    "label_en": "Membership",
    "field_type": "choice",
    "choices": [
        {"value": "varsinainen", "label_fi": "Varsinainen", "label_en": "Full"},
        {"value": "kannatus", "label_fi": "Kannatus", "label_en": "Supporting"},
    ],
}


@pytest.fixture
def contacts(run_services, rpc):
    run_services(ContactsService)
    with rpc(ADMIN) as cluster:
        yield cluster.contacts


def outbox(engine, channel="event"):
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT routing_key, payload FROM outbox WHERE channel = :c ORDER BY seq"), {"c": channel}
        ).all()
    return [(row.routing_key, row.payload) for row in rows]


def test_c3_define_fields_and_set_validated_values(contacts, clean_databases):
    field = contacts.create_custom_field(KIND)
    contacts.create_custom_field({"key": "jasennumero", "label_fi": "Jäsennumero", "field_type": "number"})
    assert [item["key"] for item in contacts.list_custom_fields()["items"]] == ["jasenlaji", "jasennumero"]
    anna = contacts.create_contact({"last_name": "Äijälä", "custom": {"jasenlaji": "varsinainen"}})
    assert anna["custom"] == {"jasenlaji": "varsinainen"}

    # Every value is checked before anything is written; errors are keyed custom.<key>.
    with pytest.raises(ValidationFailed) as error:
        contacts.set_custom_values(anna["id"], {"jasennumero": "12", "jasenlaji": "kunnia", "nope": 1})
    assert set(error.value.details) == {"custom.jasenlaji", "custom.nope"}
    assert contacts.get_contact(anna["id"])["custom"] == {"jasenlaji": "varsinainen"}

    changed = contacts.set_custom_values(anna["id"], {"jasennumero": "1 234", "jasenlaji": None})
    assert changed["custom"] == {"jasennumero": 1234} and changed["version"] == 2
    updated = contacts.update_contact(anna["id"], {"city": "Oulu", "custom": {"jasenlaji": "kannatus"}})
    assert updated["custom"] == {"jasennumero": 1234, "jasenlaji": "kannatus"}

    events = outbox(clean_databases["contacts"])
    assert [key for key, _ in events] == [
        "custom_field_created",
        "custom_field_created",
        "contact_created",
        "contact_updated",
        "contact_updated",
    ]
    assert events[3][1]["changed_fields"] == ["custom.jasenlaji", "custom.jasennumero"]
    assert events[4][1]["changed_fields"] == ["addresses", "city", "custom.jasenlaji"]
    assert events[4][1]["custom"] == {"jasennumero": 1234, "jasenlaji": "kannatus"}
    audits = outbox(clean_databases["contacts"], "audit")
    assert audits[-1][1]["fields"] == ["addresses", "city", "custom.jasenlaji"]
    assert field["id"] == contacts.list_custom_fields()["items"][0]["id"]


def test_c3_required_fields_and_type_changes(contacts):
    field = contacts.create_custom_field({"key": "kotiseutu", "label_fi": "Kotiseutu", "field_type": "text"})
    contacts.update_custom_field(field["id"], {"required": True})
    with pytest.raises(ValidationFailed) as error:
        contacts.create_contact({"last_name": "Virtanen"})
    assert error.value.details == {"custom.kotiseutu": ["contact.required"]}
    contact = contacts.create_contact({"last_name": "Virtanen", "custom": {"kotiseutu": "Kainuu"}})
    with pytest.raises(ValidationFailed):
        contacts.set_custom_values(contact["id"], {"kotiseutu": ""})
    with pytest.raises(ValidationFailed) as error:
        contacts.update_custom_field(field["id"], {"field_type": "number"})
    assert error.value.details["field_type"] == ["cf.err_type_fixed"]
    with pytest.raises(ValidationFailed) as error:
        contacts.create_custom_field(
            {"key": "email", "label_fi": "X", "field_type": "boolean", "unique_values": True}
        )
    assert set(error.value.details) == {"key"}
    with pytest.raises(ValidationFailed) as error:
        contacts.create_custom_field({"key": "kotiseutu", "label_fi": "Toinen", "field_type": "text"})
    assert "key" in error.value.details


def test_c3_unique_values_hold_under_concurrent_writes(contacts, rpc):
    contacts.create_custom_field(
        {"key": "jasentunnus", "label_fi": "Jäsentunnus", "field_type": "text", "unique_values": True}
    )
    ids = [contacts.create_contact({"last_name": f"Testi{n}"})["id"] for n in range(6)]

    def claim(contact_id):
        with rpc(ADMIN) as cluster:
            try:
                cluster.contacts.set_custom_values(contact_id, {"jasentunnus": "ÄB-1"})
                return "ok"
            except ValidationFailed as exc:
                return exc.details["custom.jasentunnus"][0]

    pool = eventlet.GreenPool()
    results = list(pool.imap(claim, ids))
    assert results.count("ok") == 1, results
    # Case- and accent-insensitive: 'ab-1' is the same value.
    with pytest.raises(ValidationFailed, match="custom"):
        contacts.set_custom_values(ids[results.index("ok") - 1], {"jasentunnus": "ab-1"})


def test_c3_remove_restore_and_purge_keep_data_until_purged(contacts, clean_databases):
    field = contacts.create_custom_field(KIND)
    contact = contacts.create_contact({"last_name": "Laine", "custom": {"jasenlaji": "kannatus"}})
    with pytest.raises(ValidationFailed):
        contacts.purge_custom_field(field["id"])
    contacts.remove_custom_field(field["id"])
    assert contacts.get_contact(contact["id"])["custom"] == {}
    assert contacts.list_custom_fields()["items"] == []
    assert contacts.list_custom_fields(include_removed=True)["items"][0]["removed_at"]
    contacts.restore_custom_field(field["id"])
    assert contacts.get_contact(contact["id"])["custom"] == {"jasenlaji": "kannatus"}
    contacts.remove_custom_field(field["id"])
    assert contacts.purge_custom_field(field["id"])["values_deleted"] == 1
    with pytest.raises(NotFound):
        contacts.restore_custom_field(field["id"])
    audits = [payload for _, payload in outbox(clean_databases["contacts"], "audit")]
    purged = next(a for a in audits if a["action"] == "custom_field.purged")
    assert purged["details"]["values_deleted"] == 1
    erased = next(a for a in audits if a["action"] == "contact.custom_values_purged")
    assert erased["subject_ids"] == [contact["id"]] and erased["fields"] == ["custom.jasenlaji"]


def test_c3_definitions_need_fields_manage(run_services, rpc):
    run_services(ContactsService)
    with rpc(STAFF) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.contacts.create_custom_field(KIND)
        assert cluster.contacts.list_custom_fields() == {"items": []}


def test_c3_filters_find_contacts_by_custom_values(contacts):
    contacts.create_custom_field(KIND)
    contacts.create_custom_field({"key": "liittynyt", "label_fi": "Liittynyt", "field_type": "date"})
    contacts.create_custom_field({"key": "maksu", "label_fi": "Maksu", "field_type": "number"})
    contacts.create_custom_field({"key": "harrastus", "label_fi": "Harrastus", "field_type": "text"})
    contacts.create_custom_field(
        {
            "key": "soittimet",
            "label_fi": "Soittimet",
            "field_type": "multi_choice",
            "choices": [{"value": "viulu"}, {"value": "piano"}],
        }
    )
    a = contacts.create_contact(
        {
            "last_name": "Aalto",
            "custom": {
                "jasenlaji": "varsinainen",
                "liittynyt": "1.2.2020",
                "maksu": 25.5,
                "harrastus": "Kuorolaulu ja hiihto",
                "soittimet": ["viulu", "piano"],
            },
        }
    )
    b = contacts.create_contact(
        {"last_name": "Berg", "custom": {"jasenlaji": "kannatus", "liittynyt": "2023-06-01", "maksu": 10}}
    )

    def found(**filters):
        return [item["id"] for item in contacts.search_contacts(filters=filters)["items"]]

    assert found(**{"custom.jasenlaji": "VARSINAINEN"}) == [a["id"]]
    assert found(**{"custom.liittynyt__gte": "1.1.2021"}) == [b["id"]]
    assert found(**{"custom.maksu__gte": "20,5"}) == [a["id"]]
    assert found(**{"custom.maksu__lte": "25.5"}) == [a["id"], b["id"]]
    assert found(**{"custom.maksu": "10"}) == [b["id"]]
    assert found(**{"custom.soittimet": "piano"}) == [a["id"]]
    assert found(custom_text="kuorolaulu") == [a["id"]]
    assert found(custom_text="hiihto KUORO") == [a["id"]]
    with pytest.raises(ValidationFailed) as error:  # C3/C4: not silently "no matches"
        found(**{"custom.unknown_key": "x"})
    assert error.value.message == "No custom field 'unknown_key'."
    assert error.value.details == {"custom.unknown_key": ["No custom field 'unknown_key'."]}
    with pytest.raises(ValidationFailed) as error:
        found(**{"custom.maksu__between": "1"})
    assert "custom.maksu__between" in error.value.details
    with pytest.raises(ValidationFailed):
        found(**{"custom.maksu__gte": "paljon"})
