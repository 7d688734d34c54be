"""I1 in the contacts service over the real broker and database: upsert_batch (create, duplicate matching
and update/skip, group, consents, all-or-nothing and valid rows, idempotent chunks), undo and its refusal,
audit records and events, permissions."""

import time
import uuid

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import Conflict, PermissionDenied, ValidationFailed
from services.contacts.service import ContactsService
from tests.integration.test_data_protection import outbox, seed_purposes

IMPORTER = (*ALL_PERMISSIONS, "contacts.import", "groups.manage")


@pytest.fixture
def contacts(run_services, rpc, clean_databases):
    seed_purposes(clean_databases)
    run_services(ContactsService)
    with rpc(make_actor("importer", permissions=IMPORTER)) as proxy:
        yield proxy.contacts


def rows(*values, start=2):
    return [{"row": start + i, "values": v} for i, v in enumerate(values)]


def count(engines, sql, **params):
    with engines["contacts"].connect() as conn:
        return conn.execute(text(sql), params).scalar()


def test_i1_chunk_creates_contacts_with_group_and_consents_once(contacts, clean_databases):
    group = contacts.create_group("Tuodut")
    import_id = str(uuid.uuid4())
    options = {"group_id": group["id"], "consents": [{"purpose": "newsletter", "text_version": "v1"}]}
    batch = rows(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"},
        {"first_name": "Eino", "last_name": "Leino", "phone": "040 123 4567"},
    )
    result = contacts.upsert_batch(import_id, 1, batch, options)
    assert (result["created"], result["updated"], result["replayed"]) == (2, 0, False)
    assert [r["action"] for r in result["rows"]] == ["created", "created"]
    again = contacts.upsert_batch(import_id, 1, batch, options)  # a retried chunk writes nothing twice
    assert again["replayed"] is True and again["created"] == 2
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 2
    assert count(clean_databases, "SELECT count(*) FROM memberships WHERE group_id = :g", g=group["id"]) == 2
    assert count(clean_databases, "SELECT count(*) FROM consents WHERE source = 'import'") == 2
    audit = [p for p in outbox(clean_databases, "contact.imported")]
    assert len(audit) == 1 and audit[0]["details"]["created"] == 2
    assert audit[0]["actor"]["username"] == "importer"
    assert len(outbox(clean_databases, "contacts_imported")) == 1


def test_i1_duplicates_update_fill_overwrite_and_skip(contacts, clean_databases):
    existing = contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi", "city": "Turku"}
    )
    row = {"first_name": "Aino", "last_name": "Virtanen", "email": "AINO@example.fi", "city": "Oulu"}
    row["phone"] = "0401234567"
    skipped = contacts.upsert_batch(str(uuid.uuid4()), 1, rows(row), {"on_duplicate": "skip"})
    assert skipped["skipped"] == 1 and skipped["rows"][0]["contact_id"] == existing["id"]
    filled = contacts.upsert_batch(str(uuid.uuid4()), 1, rows(row), {"on_duplicate": "update_fill"})
    assert filled["updated"] == 1
    after = contacts.get_contact(existing["id"])
    assert (after["city"], after["phone"]) == ("Turku", "+358401234567")  # only the empty field filled
    options = {"on_duplicate": "update_overwrite", "overwrite_fields": ["city"]}
    contacts.upsert_batch(str(uuid.uuid4()), 1, rows(row), options)
    assert contacts.get_contact(existing["id"])["city"] == "Oulu"
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 1
    # The contact's change history shows what the imports changed, old → new (issue 13 item 5).
    changed = count(
        clean_databases,
        "SELECT count(*) FROM contact_changes WHERE field = 'addresses' "
        "AND old_value->0->>'city' = 'Turku' AND new_value->0->>'city' = 'Oulu'",
    )
    assert (
        changed == 1
        and count(clean_databases, "SELECT count(*) FROM contact_changes WHERE field = 'phones'") == 1
    )


def test_i1_name_and_birth_date_match(contacts):
    existing = contacts.create_contact(
        {"first_name": "Äänis", "last_name": "Öljy", "birth_date": "1980-05-01"}
    )
    row = {"first_name": "äänis", "last_name": "ÖLJY", "birth_date": "1980-05-01", "city": "Vaasa"}
    result = contacts.upsert_batch(
        str(uuid.uuid4()), 1, rows(row), {"on_duplicate": "update_fill", "match_on": ["name_birth_date"]}
    )
    assert result["rows"][0] == {"row": 2, "action": "updated", "contact_id": existing["id"]}


def test_i1_all_or_nothing_writes_nothing_valid_rows_writes_the_valid(contacts, clean_databases):
    bad = rows({"first_name": "Hyvä"}, {"first_name": "Huono", "email": "ei-osoite"}, {"kind": "person"})
    with pytest.raises(ValidationFailed) as refused:
        contacts.upsert_batch(str(uuid.uuid4()), 1, bad, {})
    assert [int(r["row"]) for r in refused.value.details["rows"]] == [3, 4]  # errors travel as text
    assert "email" in refused.value.details["rows"][0]["errors"]
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 0
    assert count(clean_databases, "SELECT count(*) FROM contact_import_chunks") == 0
    result = contacts.upsert_batch(str(uuid.uuid4()), 1, bad, {"commit_mode": "valid_rows"})
    assert (result["created"], result["errors"]) == (1, 2)
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 1


def test_i1_undo_restores_and_deletes_and_is_refused_after_a_change(contacts, clean_databases):
    existing = contacts.create_contact({"first_name": "Aino", "last_name": "V", "email": "a@example.fi"})
    import_id = str(uuid.uuid4())
    batch = rows({"first_name": "Aino", "email": "a@example.fi", "city": "Oulu"}, {"last_name": "Uusi"})
    contacts.upsert_batch(import_id, 1, batch, {"on_duplicate": "update_fill"})
    result = contacts.undo_import(import_id)
    assert (result["deleted"], result["restored"]) == (1, 1)
    assert contacts.get_contact(existing["id"])["city"] is None
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 1
    # The history tells both: the import filled the city, the undo emptied it again (issue 13 item 5).
    cities = [
        (item["old_value"], item["new_value"])
        for item in reversed(contacts.contact_changes(existing["id"])["items"])
        if item["field"] == "addresses"
    ]
    assert [(old is None, new is None) for old, new in cities] == [(True, False), (False, True)]
    assert cities[0][1][0]["city"] == "Oulu"
    assert len(outbox(clean_databases, "import_undone")) == 1
    second = str(uuid.uuid4())
    created = contacts.upsert_batch(second, 1, rows({"last_name": "Toinen"}), {})
    changed_id = created["rows"][0]["contact_id"]
    contacts.update_contact(changed_id, {"first_name": "Muokattu"})
    with pytest.raises(Conflict) as refused:
        contacts.undo_import(second)
    assert refused.value.details["changed"][0]["contact_id"] == changed_id
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 2


def test_i1_undo_waits_for_a_chunk_being_written_and_later_chunks_are_refused(rpc, contacts, clean_databases):
    import_id = str(uuid.uuid4())
    contacts.upsert_batch(import_id, 1, rows({"last_name": "Eka"}), {})
    key = {"key": f"import:{uuid.UUID(import_id)}"}
    with clean_databases["contacts"].connect() as chunk_in_flight:  # holds the lock as a chunk does
        chunk_in_flight.execute(text("SELECT pg_advisory_xact_lock_shared(hashtextextended(:key, 0))"), key)
        with rpc(make_actor("importer", permissions=IMPORTER)) as other:
            undo = other.contacts.undo_import.call_async(import_id)
            time.sleep(0.5)
            assert count(clean_databases, "SELECT count(*) FROM contacts") == 1  # the undo waits
            chunk_in_flight.rollback()
            assert undo.result()["deleted"] == 1
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 0
    with pytest.raises(Conflict, match="contact.import_undone"):
        contacts.upsert_batch(import_id, 2, rows({"last_name": "Myöhäinen"}), {})
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 0
    assert contacts.upsert_batch(import_id, 1, rows({"last_name": "Eka"}), {})["replayed"] is True


def test_issue17_a_chunk_waits_only_for_the_chunks_it_depends_on(contacts, clean_databases):
    import_id = str(uuid.uuid4())
    free = rows({"first_name": "Kolmas", "last_name": "Vapaa", "email": "kolmas@example.fi"}, start=30)
    assert contacts.upsert_batch(import_id, 3, free, {}, after=0)["created"] == 1  # before chunks 1 and 2
    aino = {"first_name": "Aino", "last_name": "Virtanen", "email": "aino@example.fi"}
    waiting = contacts.upsert_batch.call_async(
        import_id, 2, rows({**aino, "city": "Oulu"}, start=20), {}, after=1
    )
    time.sleep(1)
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 1  # chunk 2 waits for chunk 1
    first = contacts.upsert_batch(import_id, 1, rows(aino), {})
    second = waiting.result()
    assert (first["created"], second["updated"]) == (1, 1)  # chunk 2 saw the contact chunk 1 created
    assert second["rows"][0]["contact_id"] == first["rows"][0]["contact_id"]
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 2
    with pytest.raises(ValidationFailed):
        contacts.upsert_batch(import_id, 4, rows(aino, start=40), {}, after=-1)
    with pytest.raises(ValidationFailed):  # the range the error names: 0..chunk_no - 1
        contacts.upsert_batch(import_id, 4, rows(aino, start=40), {}, after=4)


def test_i1_import_needs_contacts_import_and_edit_for_updates(rpc, contacts):
    with rpc(make_actor("viewer", permissions=ALL_PERMISSIONS)) as proxy:
        with pytest.raises(PermissionDenied):
            proxy.contacts.upsert_batch(str(uuid.uuid4()), 1, rows({"last_name": "X"}), {})
    with rpc(make_actor("only-import", permissions=("contacts.view", "contacts.import"))) as proxy:
        proxy.contacts.upsert_batch(str(uuid.uuid4()), 1, rows({"last_name": "X"}), {})
        with pytest.raises(PermissionDenied):
            proxy.contacts.upsert_batch(
                str(uuid.uuid4()), 1, rows({"last_name": "X"}), {"on_duplicate": "update_fill"}
            )


def test_i1_bad_options_are_refused_clearly(contacts):
    with pytest.raises(ValidationFailed) as refused:
        contacts.upsert_batch(str(uuid.uuid4()), 1, [], {"on_duplicate": "merge"})
    assert "on_duplicate" in refused.value.details
    with pytest.raises(ValidationFailed) as refused:
        contacts.upsert_batch(str(uuid.uuid4()), 1, [], {"consents": [{"purpose": "nope"}]})
    assert "nope" in refused.value.message


def test_c6_i1_scoped_importer_new_contacts_join_scope_and_updates_match_only_in_scope(rpc, contacts):
    """C6: a scoped importer's new contacts join their scope group; an out-of-scope contact is not matched
    (the row creates a new contact instead of updating someone the importer cannot see)."""
    from piiri.context import Actor

    scope = contacts.create_group("Piiri A")
    outside = contacts.create_contact(
        {"first_name": "Ulko", "last_name": "Puolinen", "email": "ulko@example.fi"}
    )
    inside = contacts.create_contact(
        {"first_name": "Sisä", "last_name": "Puolinen", "email": "sisa@example.fi"}
    )
    contacts.add_members(scope["id"], [inside["id"]])
    scoped = Actor(
        id="s", username="scoped-importer", permissions=IMPORTER, scoped=True, scope_group_ids=(scope["id"],)
    )
    with rpc(scoped) as proxy:
        result = proxy.contacts.upsert_batch(
            str(uuid.uuid4()),
            1,
            rows(
                {"first_name": "Sisä", "email": "sisa@example.fi", "city": "Kemi"},
                {"first_name": "Ulko", "email": "ulko@example.fi", "city": "Kemi"},
            ),
            {"on_duplicate": "update_fill"},
        )
        assert [r["action"] for r in result["rows"]] == ["updated", "created"]
        new_id = result["rows"][1]["contact_id"]
        assert new_id != outside["id"]
        assert proxy.contacts.get_contact(new_id)["city"] == "Kemi"  # visible: it joined the scope group
    assert contacts.get_contact(outside["id"])["city"] is None


def test_i1_a_chunk_of_5000_rows_is_one_transaction(contacts, clean_databases):
    """The largest chunk the RPC takes (the API batch's limit) fits PostgreSQL's parameter limit."""
    batch = rows(*({"first_name": "Iso", "last_name": f"Erä{i}"} for i in range(5000)))
    result = contacts.upsert_batch(str(uuid.uuid4()), 1, batch, {})
    assert result["created"] == 5000
    assert count(clean_databases, "SELECT count(*) FROM contact_import_changes") == 5000


def test_issue13_7_a_row_repeating_a_row_that_matched_an_existing_contact_updates_that_contact(
    contacts, clean_databases
):
    """Row 3 shares only its phone with row 2, which matched an existing contact by e-mail: row 3 is
    the same person, so it fills in that contact too (it once failed on a missing created contact)."""
    existing = contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "a@example.fi"}
    )
    batch = rows(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "a@example.fi", "phone": "0401234567"},
        {"first_name": "Aino", "last_name": "Virtanen", "phone": "0401234567", "city": "Oulu"},
    )
    result = contacts.upsert_batch(str(uuid.uuid4()), 1, batch, {})
    assert [r["action"] for r in result["rows"]] == ["updated", "updated"]
    assert {r["contact_id"] for r in result["rows"]} == {existing["id"]}
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 1
    assert contacts.get_contact(existing["id"])["city"] == "Oulu"


def test_issue13_7_match_import_rows_matches_as_the_commit_without_writing(contacts, clean_databases):
    existing = contacts.create_contact(
        {"first_name": "Aino", "last_name": "Virtanen", "email": "a@example.fi"}
    )
    batch = rows(
        {"first_name": "Aino", "email": "A@example.fi"},
        {"first_name": "Eino", "email": "e@example.fi"},
        {"first_name": "Eino", "email": "ei-osoite"},
    )
    found = contacts.match_import_rows(batch, {}, names=True)["rows"]
    assert found[0]["contact_id"] == existing["id"] and found[0]["name"] == "Aino Virtanen"
    assert found[1]["contact_id"] is None and found[1]["keys"] == ["email:e@example.fi"]
    assert found[2]["invalid"] is True
    assert count(clean_databases, "SELECT count(*) FROM contacts") == 1
