"""Saved searches and result counts (C4) over the real broker and database: private and shared
searches, who may change them, validation that changes nothing, running a saved search (audited like
search_contacts), bounded counts, and the versioned events."""

import pytest
from sqlalchemy import text

from conftest import make_actor
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

STAFF = ("contacts.view", "contacts.edit", "audit.view")
MAIJA = make_actor("maija", permissions=STAFF, roles=("staff",))
PEKKA = make_actor("pekka", permissions=STAFF, roles=("staff",))
ADMIN = make_actor("ss-admin")
SavedSearchEventRecorder, received = event_recorder(
    "saved_search_event_recorder", "saved_search_created", "saved_search_changed", "saved_search_deleted"
)


@pytest.fixture
def services(run_services):
    run_services(ContactsService, AuditService)


def rows(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def add_people(rpc):
    with rpc(ADMIN) as cluster:
        ids = {}
        for first, last in (
            ("Anna", "Virtanen"),
            ("Matti", "Virtanen"),
            ("Eino", "Virtanen"),
            ("Liisa", "Aho"),
        ):
            ids[first] = cluster.contacts.create_contact({"first_name": first, "last_name": last})["id"]
        cluster.contacts.mark_deceased(ids["Eino"], {"deceased_on": "2026-01-01"})
    return ids


def test_c4_private_and_shared_searches_and_who_may_change_them(services, rpc):
    """C4: a private search is its owner's alone (NotFound for others); a shared one is listed for
    everyone; only the owner or users.manage may rename, share, change or delete it."""
    with rpc(MAIJA) as maija, rpc(PEKKA) as pekka, rpc(ADMIN) as admin:
        mine = maija.contacts.create_saved_search(
            {"name": "  Virtaset ", "query": "virtanen", "filters": {"deceased": "exclude"}}
        )
        assert (mine["name"], mine["shared"], mine["owner_name"], mine["mine"]) == (
            "Virtaset",
            False,
            "maija",
            True,
        )
        assert mine["filters"] == {"deceased": "exclude"}
        with pytest.raises(NotFound):
            pekka.contacts.get_saved_search(mine["id"])
        with pytest.raises(NotFound):
            pekka.contacts.run_saved_search(mine["id"])
        with pytest.raises(NotFound):
            admin.contacts.delete_saved_search(mine["id"])
        assert pekka.contacts.list_saved_searches()["items"] == []

        shared = maija.contacts.update_saved_search(mine["id"], {"shared": True})
        assert shared["shared"] is True
        listed = pekka.contacts.list_saved_searches()["items"]
        assert [(item["name"], item["mine"], item["can_change"]) for item in listed] == [
            ("Virtaset", False, False)
        ]
        with pytest.raises(PermissionDenied):
            pekka.contacts.update_saved_search(mine["id"], {"name": "Minun"})
        with pytest.raises(PermissionDenied):
            pekka.contacts.delete_saved_search(mine["id"])
        renamed = admin.contacts.update_saved_search(mine["id"], {"name": "Virtaset (elävät)"})
        assert renamed["name"] == "Virtaset (elävät)" and renamed["owner_name"] == "maija"

        pekkas = pekka.contacts.create_saved_search({"name": "virtaset (ELÄVÄT)", "shared": False})
        names = [item["name"] for item in maija.contacts.list_saved_searches()["items"]]
        assert names == ["Virtaset (elävät)"]  # pekka's private one is not maija's to see
        assert len(pekka.contacts.list_saved_searches()["items"]) == 2
        assert maija.contacts.delete_saved_search(mine["id"]) == {"id": mine["id"], "deleted": True}
        with pytest.raises(NotFound):
            maija.contacts.get_saved_search(mine["id"])
        with pytest.raises(NotFound):
            maija.contacts.get_saved_search("not-an-id")
        assert pekka.contacts.get_saved_search(pekkas["id"])["name"] == "virtaset (ELÄVÄT)"


def test_c4_bad_input_is_refused_naming_the_field_and_changes_nothing(services, rpc, clean_databases):
    """C4: name 1..200 and unique per owner ignoring case (409 naming name); filters must be known and
    valid; query at most 500 characters; unknown fields refused. Nothing is written."""
    engine = clean_databases["contacts"]
    with rpc(MAIJA) as maija, rpc(PEKKA) as pekka:
        first = maija.contacts.create_saved_search({"name": "Hallitus", "query": "aho"})
        with pytest.raises(Conflict) as caught:
            maija.contacts.create_saved_search({"name": "HALLITUS"})
        assert "name" in caught.value.details
        pekka.contacts.create_saved_search({"name": "hallitus"})  # another owner may use the name
        other = maija.contacts.create_saved_search({"name": "Muut"})
        with pytest.raises(Conflict):
            maija.contacts.update_saved_search(other["id"], {"name": "hallitus"})
        bad_inputs = [
            ({"name": ""}, "name"),
            ({"name": "x" * 201}, "name"),
            ({"query": "aho"}, "name"),
            ({"name": "Pitkä", "query": "a" * 501}, "query"),
            ({"name": "Tuntematon", "filters": {"no_such_filter": "1"}}, "filters"),
            ({"name": "Huono arvo", "filters": {"deceased": "maybe"}}, "filters"),
            ({"name": "Lista", "filters": ["deceased"]}, "filters"),
            ({"name": "Ylimääräinen", "colour": "red"}, "colour"),
        ]
        for data, field in bad_inputs:
            with pytest.raises(ValidationFailed) as caught:
                maija.contacts.create_saved_search(data)
            assert field in caught.value.details, (data, caught.value.details)
        with pytest.raises(ValidationFailed) as caught:
            maija.contacts.create_saved_search({"name": "Tuntematon", "filters": {"no_such_filter": "1"}})
        assert "no_such_filter" in caught.value.details["filters"]
        with pytest.raises(ValidationFailed) as caught:
            maija.contacts.update_saved_search(
                first["id"], {"filters": {"deceased": "maybe"}, "name": "Uusi"}
            )
        assert "filters" in caught.value.details
        with pytest.raises(ValidationFailed):
            maija.contacts.update_saved_search(first["id"], "rename")
        assert maija.contacts.get_saved_search(first["id"])["name"] == "Hallitus"
    assert rows(engine, "SELECT count(*) FROM saved_searches") == 3
    assert rows(engine, "SELECT count(*) FROM outbox WHERE routing_key LIKE 'saved_search%'") == 6


def test_c4_run_saved_search_is_search_contacts_with_its_q_and_filters_audited(services, rpc):
    """C4/G2: running a saved search returns the pages search_contacts returns for its q and filters,
    and each page is one audit read naming its contacts and the saved search."""
    ids = add_people(rpc)
    with rpc(MAIJA) as maija:
        search = maija.contacts.create_saved_search(
            {
                "name": "Elävät Virtaset",
                "query": "virtanen",
                "filters": {"deceased": "exclude"},
                "shared": True,
            }
        )
    with rpc(PEKKA) as pekka:
        direct = pekka.contacts.search_contacts(q="virtanen", filters={"deceased": "exclude"})
        first = pekka.contacts.run_saved_search(search["id"], limit=1)
        second = pekka.contacts.run_saved_search(search["id"], limit=1, cursor=first["next_cursor"])
        assert [item["id"] for item in direct["items"]] == [ids["Anna"], ids["Matti"]]
        assert [item["id"] for item in first["items"] + second["items"]] == [ids["Anna"], ids["Matti"]]
        assert second["next_cursor"] is None and first["saved_search_id"] == search["id"]
        with pytest.raises(ValidationFailed):
            pekka.contacts.run_saved_search(search["id"], cursor="bogus")
        assert pekka.contacts.count_contacts(q="virtanen", filters={"deceased": "exclude"}) == {
            "count": 2,
            "exact": True,
            "match": "exact",
        }
    with rpc(ADMIN) as admin:

        def saved_reads():
            return [
                event
                for event in admin.audit.events_for_subject(ids["Matti"])["items"]
                if event["action"] == "contact.listed" and event["details"].get("saved_search_id")
            ]

        trail = wait_for(saved_reads)
        assert trail and trail[0]["actor"]["username"] == "pekka"
        assert trail[0]["subject_ids"] == [ids["Matti"]]
        assert trail[0]["details"] == {
            "query": "virtanen",
            "filters": {"deceased": "exclude"},
            "saved_search_id": search["id"],
        }
        writes = wait_for(lambda: admin.audit.events_for_subject(search["id"])["items"])
        assert [(event["action"], event["details"]["name"]) for event in writes] == [
            ("saved_search.created", "Elävät Virtaset")
        ]


def test_c4_counts_match_the_list_and_stop_above_ten_thousand(services, rpc, clean_databases):
    """C4/C5: count_contacts counts what search_contacts finds (free text, filters, typo-tolerant
    fallback) exactly up to 10,000, then says "more than 10,000"; it needs contacts.view."""
    add_people(rpc)
    with rpc(PEKKA) as pekka:
        assert pekka.contacts.count_contacts(q="virtanen")["count"] == 3
        assert pekka.contacts.count_contacts(filters={"deceased": "only"})["count"] == 1
        fuzzy = pekka.contacts.search_contacts(q="virtamen")
        assert fuzzy["match"] == "fuzzy" and len(fuzzy["items"]) == 3
        assert pekka.contacts.count_contacts(q="virtamen") == {"count": 3, "exact": True, "match": "fuzzy"}
        assert pekka.contacts.count_contacts(q="zzzzqqq")["count"] == 0
        with pytest.raises(ValidationFailed) as caught:
            pekka.contacts.count_contacts(filters={"nonsense": "1"})
        assert "nonsense" in caught.value.details
    with rpc(make_actor("nobody", permissions=())) as nobody:
        with pytest.raises(PermissionDenied):
            nobody.contacts.count_contacts()
    with clean_databases["contacts"].begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contacts (kind, first_name, last_name)"
                " SELECT 'person', 'Testi', 'Massa' || n FROM generate_series(1, 10000) AS n"
            )
        )
    with rpc(PEKKA) as pekka:
        assert pekka.contacts.count_contacts() == {"count": 10001, "exact": False, "match": "exact"}
        assert pekka.contacts.count_contacts(q="massa") == {"count": 10000, "exact": True, "match": "exact"}
        summary = pekka.contacts.search_summary(q="virtanen")
        assert summary["count"]["count"] == 3 and summary["saved_searches"] == []


def test_c4_saved_search_events_are_versioned_and_hold_no_query(run_services, rpc):
    """C4/X1: saved_search_created / _changed / _deleted through the outbox, schema_version 1, without
    the query text or filter values (they may name a person)."""
    received.clear()
    run_services(SavedSearchEventRecorder)
    run_services(ContactsService, AuditService)
    with rpc(MAIJA) as maija:
        search = maija.contacts.create_saved_search({"name": "Aho", "query": "Liisa Aho"})
        maija.contacts.update_saved_search(search["id"], {"shared": True, "name": "Ahot"})
        maija.contacts.delete_saved_search(search["id"])

    def ours():
        return [(kind, payload) for kind, payload in received if payload["saved_search_id"] == search["id"]]

    assert wait_for(lambda: len(ours()) >= 3)
    events = dict(ours())
    assert set(events) == {"saved_search_created", "saved_search_changed", "saved_search_deleted"}
    assert events["saved_search_changed"]["changed_fields"] == ["name", "shared"]
    assert events["saved_search_changed"]["shared"] is True
    for payload in events.values():
        assert payload["schema_version"] == 1 and payload["owner_id"] == MAIJA.id
        assert "Liisa" not in str(payload)
