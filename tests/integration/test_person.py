"""Person details over the real broker and database: alternative names (C12), statuses (C9),
deceased (C14), couples (C10), their search filters, audit records and events."""

from datetime import timedelta

import pytest
from sqlalchemy import text

from conftest import make_actor
from piiri import clock
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

PersonEventRecorder, received = event_recorder(
    "person_event_recorder", "contact_deceased", "contact_name_added", "couple_linked"
)


BUILTIN_KINDS = """
INSERT INTO status_kinds (code, label_fi, label_en, builtin) VALUES
  ('on_leave', 'Lomalla', 'On leave', true), ('abroad', 'Ulkomailla', 'Abroad', true),
  ('parental_leave', 'Perhevapaalla', 'Parental leave', true)
ON CONFLICT DO NOTHING
"""


def seed_status_kinds(engines):
    """The built-in status kinds of migration 0002 (clean_databases empties every table)."""
    with engines["contacts"].begin() as conn:
        conn.execute(text(BUILTIN_KINDS))


@pytest.fixture
def contacts(run_services, rpc, admin_actor, clean_databases):
    received.clear()
    seed_status_kinds(clean_databases)
    run_services(ContactsService, PersonEventRecorder)
    with rpc(admin_actor) as cluster:
        yield cluster.contacts


def person(contacts, first, last, **more):
    return contacts.create_contact({"first_name": first, "last_name": last, **more})


def ids(page):
    return [item["id"] for item in page["items"]]


def outbox(engines, routing_key):
    with engines["contacts"].connect() as conn:
        return (
            conn.execute(
                text("SELECT payload FROM outbox WHERE routing_key = :key ORDER BY seq"), {"key": routing_key}
            )
            .scalars()
            .all()
        )


def test_c12_alternative_name_is_found_by_search_and_used_in_letters(contacts, clean_databases):
    """C12: a Cyrillic spelling finds the person; the chosen one is the name for letters."""
    olga = person(contacts, "Olga", "Ivanova")
    contacts.add_alt_name(
        olga["id"], {"kind": "native", "script": "Cyrl", "first_name": "Ольга", "last_name": "Иванова"}
    )
    maiden = contacts.add_alt_name(
        olga["id"], {"kind": "maiden", "last_name": "Petrova", "first_name": "Olga", "use_in_letters": True}
    )
    assert ids(contacts.search_contacts(q="Иванова")) == [olga["id"]]
    assert ids(contacts.search_contacts(q="petrova")) == [olga["id"]]
    part = contacts.get_contact(olga["id"])["person"]
    assert part["name_for_letters"] == "Olga Petrova"
    assert [name["kind"] for name in part["alternative_names"]] == ["native", "maiden"]
    # Only one name for letters: a new chosen one replaces it.
    contacts.add_alt_name(
        olga["id"],
        {
            "kind": "transliteration",
            "script": "Latn",
            "first_name": "Olga",
            "last_name": "Ivanova",
            "use_in_letters": True,
        },
    )
    names = contacts.list_alt_names(olga["id"])
    assert [name["use_in_letters"] for name in names] == [False, False, True]
    contacts.remove_alt_name(olga["id"], maiden["id"])
    assert contacts.search_contacts(q="petrova")["items"] == []
    assert wait_for(lambda: [p for k, p in received if k == "contact_name_added"] and len(received) >= 3)
    actions = [r["action"] for r in outbox(clean_databases, "contact.name_added")]
    assert actions == ["contact.name_added"] * 3


def test_c12_bad_names_are_named_and_nothing_is_written(contacts):
    """C12: no name, an unknown kind or script: a clear error per field."""
    olga = person(contacts, "Olga", "Ivanova")
    with pytest.raises(ValidationFailed) as error:
        contacts.add_alt_name(olga["id"], {"kind": "alias", "script": "Klingon"})
    assert set(error.value.details) == {"kind", "script", "last_name"}
    assert contacts.list_alt_names(olga["id"]) == []
    with pytest.raises(NotFound):
        contacts.remove_alt_name(olga["id"], "00000000-0000-0000-0000-000000000000")


def test_c9_statuses_are_active_by_dates_and_filter_lists(contacts):
    """C9: a status is active between its dates; lists can include or leave out such people."""
    anna, eero, liisa = (person(contacts, name, "Virtanen") for name in ("Anna", "Eero", "Liisa"))
    leave = contacts.add_status(
        anna["id"],
        {
            "kind": "on_leave",
            "starts_on": str(clock.today() - timedelta(days=3)),
            "ends_on": str(clock.today()),
        },
    )
    contacts.add_status(eero["id"], {"kind": "abroad", "starts_on": str(clock.today() + timedelta(days=1))})
    contacts.add_status(
        liisa["id"],
        {
            "kind": "abroad",
            "starts_on": "2020-01-01",
            "ends_on": str(clock.today() - timedelta(days=1)),
            "note": "Ended",
        },
    )
    assert leave["active"] is True
    page = contacts.search_contacts(q="virtanen")
    assert {item["display_name"]: item["active_statuses"] for item in page["items"]} == {
        "Anna Virtanen": ["on_leave"],
        "Eero Virtanen": [],
        "Liisa Virtanen": [],
    }
    assert ids(contacts.search_contacts(q="virtanen", filters={"with_active_status": "any"})) == [anna["id"]]
    assert ids(contacts.search_contacts(q="virtanen", filters={"exclude_active_status": "on_leave"})) == [
        eero["id"],
        liisa["id"],
    ]
    assert ids(contacts.search_contacts(filters={"with_active_status": "abroad"})) == []
    # End it before today: it is no longer active; the people are back in the list.
    contacts.update_status(
        anna["id"],
        leave["id"],
        {
            "starts_on": str(clock.today() - timedelta(days=3)),
            "ends_on": str(clock.today() - timedelta(days=1)),
        },
    )
    assert len(ids(contacts.search_contacts(q="virtanen", filters={"exclude_active_status": "any"}))) == 3
    with pytest.raises(ValidationFailed) as error:
        contacts.update_status(anna["id"], leave["id"], {"ends_on": str(clock.today() - timedelta(days=30))})
    assert "ends_on" in error.value.details
    with pytest.raises(ValidationFailed) as error:
        contacts.add_status(anna["id"], {"kind": "retired", "starts_on": "2026-01-01"})
    assert error.value.details == {"kind": [{"code": "au.err_no_status_kind", "params": {"kind": "retired"}}]}
    with pytest.raises(ValidationFailed) as error:
        contacts.search_contacts(filters={"with_active_status": "Bad Kind!"})
    assert "with_active_status" in error.value.details
    contacts.remove_status(anna["id"], leave["id"])
    assert contacts.list_statuses(anna["id"]) == []


def test_c9_admins_add_custom_status_kinds(contacts, rpc):
    """C9: admins add kinds (code, fi and en labels); staff cannot; codes are unique."""
    kind = contacts.add_status_kind(
        {"code": "sabbatical", "label_fi": "Vuorotteluvapaalla", "label_en": "Sabbatical"}
    )
    assert kind == {
        "code": "sabbatical",
        "label_fi": "Vuorotteluvapaalla",
        "label_en": "Sabbatical",
        "builtin": False,
    }
    assert "sabbatical" in [k["code"] for k in contacts.list_status_kinds()]
    with pytest.raises(Conflict):
        contacts.add_status_kind({"code": "sabbatical", "label_fi": "x", "label_en": "x"})
    with pytest.raises(ValidationFailed) as error:
        contacts.add_status_kind({"code": "Not OK", "label_fi": "", "label_en": "x"})
    assert set(error.value.details) == {"code", "label_fi"}
    staff = make_actor("staff", permissions=("contacts.view", "contacts.edit"), roles=("staff",))
    with rpc(staff) as cluster, pytest.raises(PermissionDenied):
        cluster.contacts.add_status_kind({"code": "other_kind", "label_fi": "a", "label_en": "b"})


def test_c14_deceased_is_marked_filtered_unmarked_and_published(contacts, clean_databases):
    """C14: mark with a date (event contact_deceased), † data in lists, filter, unmark with its own audit."""
    matti, anna = (
        person(contacts, "Matti", "Korhonen", birth_date="1940-02-01"),
        person(contacts, "Anna", "Korhonen"),
    )
    answer = contacts.mark_deceased(matti["id"], {"deceased_on": "2026-10-01"})
    assert answer == {"contact_id": matti["id"], "deceased_on": "2026-10-01"}
    assert contacts.get_contact(matti["id"])["deceased_on"] == "2026-10-01"
    page = contacts.search_contacts(q="korhonen")
    assert {item["display_name"]: item["deceased_on"] for item in page["items"]} == {
        "Anna Korhonen": None,
        "Matti Korhonen": "2026-10-01",
    }
    assert ids(contacts.search_contacts(q="korhonen", filters={"deceased": "exclude"})) == [anna["id"]]
    assert ids(contacts.search_contacts(q="korhonen", filters={"deceased": "only"})) == [matti["id"]]
    assert len(ids(contacts.search_contacts(q="korhonen", filters={"deceased": "include"}))) == 2
    with pytest.raises(ValidationFailed) as error:
        contacts.search_contacts(filters={"deceased": "maybe"})
    assert "deceased" in error.value.details
    for who, bad in ((anna, "2099-01-01"), (anna, "not a date"), (matti, "1930-01-01")):
        with pytest.raises(ValidationFailed) as error:
            contacts.mark_deceased(who["id"], {"deceased_on": bad})
        assert "deceased_on" in error.value.details
    assert contacts.get_contact(anna["id"])["deceased_on"] is None
    assert wait_for(lambda: [p for k, p in received if k == "contact_deceased"])
    event = next(p for k, p in received if k == "contact_deceased")
    assert (event["contact_id"], event["deceased_on"], event["schema_version"]) == (
        matti["id"],
        "2026-10-01",
        1,
    )
    contacts.unmark_deceased(matti["id"])
    assert contacts.get_contact(matti["id"])["deceased_on"] is None
    audit = outbox(clean_databases, "contact.unmarked_deceased")
    assert audit[0]["details"] == {"previous_deceased_on": "2026-10-01"}
    assert outbox(clean_databases, "contact_deceased_unmarked")[0]["deceased_on"] == "2026-10-01"


def test_c10_couples_link_unlink_and_one_per_couple(contacts, clean_databases):
    """C10: two persons as a couple with an address name; clear errors; one_per_couple filter."""
    anna, matti = (
        person(contacts, "Anna", "Virtanen"),
        person(contacts, "Matti", "Virtanen", preferred_name="Masa"),
    )
    liisa = person(contacts, "Liisa", "Korhonen")
    firm = contacts.create_contact({"kind": "organisation", "organisation_name": "Virtanen Oy"})
    couple = contacts.link_couple({"contact_ids": [anna["id"], matti["id"]]})
    first_id = min(anna["id"], matti["id"])
    given = ("Anna", "Masa") if first_id == anna["id"] else ("Masa", "Anna")
    assert couple["address_name"] == {
        "fi": f"{given[0]} ja {given[1]} Virtanen",
        "en": f"{given[0]} and {given[1]} Virtanen",
    }
    part = contacts.get_contact(anna["id"])["person"]["couple"]
    assert part["partner"]["display_name"] == "Masa Virtanen"
    assert part["id"] == couple["id"] and part["any_deceased"] is False
    kept = ids(contacts.search_contacts(q="virtanen", filters={"one_per_couple": "true"}))
    assert set(kept) == {min(anna["id"], matti["id"]), firm["id"]}
    with pytest.raises(Conflict) as error:
        contacts.link_couple({"contact_ids": [anna["id"], liisa["id"]]})
    assert error.value.details["contact_ids"][0] == {
        "code": "err.person_in_couple",
        "params": {"name": "Anna Virtanen"},
    }
    with pytest.raises(ValidationFailed) as error:
        contacts.link_couple({"contact_ids": [liisa["id"], liisa["id"]]})
    assert error.value.details == {"contact_ids": ["err.person_self_couple"]}
    with pytest.raises(ValidationFailed) as error:
        contacts.link_couple({"contact_ids": [liisa["id"], firm["id"]]})
    assert error.value.details["contact_ids"][0]["code"] == "err.person_couple_organisation"
    with pytest.raises(ValidationFailed):
        contacts.link_couple({"contact_ids": [liisa["id"]]})
    assert wait_for(lambda: [p for k, p in received if k == "couple_linked"])
    contacts.unlink_couple(couple["id"])
    assert contacts.get_contact(anna["id"])["person"]["couple"] is None
    with pytest.raises(NotFound):
        contacts.unlink_couple(couple["id"])
    # A deceased person may be linked: the couple is flagged.
    contacts.mark_deceased(liisa["id"], {"deceased_on": "2026-01-01"})
    flagged = contacts.link_couple({"contact_ids": [liisa["id"], matti["id"]]})
    assert flagged["any_deceased"] is True
    assert flagged["address_name"] == {
        "fi": "Liisa Korhonen ja Masa Virtanen",
        "en": "Liisa Korhonen and Masa Virtanen",
    } or flagged["address_name"] == {
        "fi": "Masa Virtanen ja Liisa Korhonen",
        "en": "Masa Virtanen and Liisa Korhonen",
    }
    audits = outbox(clean_databases, "contact.couple_linked")
    assert sorted(audits[0]["subject_ids"]) == sorted([anna["id"], matti["id"]])
