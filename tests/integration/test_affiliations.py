"""C2 person-organisation links and contact photos over the real broker and database: each RPC, each
refusal (nothing written), audit records (reads published at once, writes through the outbox), domain
events, the organisation filters, get_contact's parts and merges moving links."""

import base64
import uuid

import pytest
from nameko.exceptions import RpcTimeout
from sqlalchemy import text

from conftest import make_actor
from piiri.errors import AuditUnavailable, Conflict, NotFound, PermissionDenied, ValidationFailed, coded
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

Recorder, received = event_recorder(
    "affiliation_event_recorder",
    "affiliation_added",
    "affiliation_changed",
    "affiliation_removed",
    "photo_changed",
    "photo_removed",
)
# A real 1x1 PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def contacts(run_services, rpc, admin_actor, clean_databases):
    received.clear()
    run_services(ContactsService, AuditService, Recorder)
    with rpc(admin_actor) as cluster:
        yield cluster.contacts


@pytest.fixture
def audit_trail(rpc, admin_actor):
    def trail(subject_id, action):
        with rpc(admin_actor) as cluster:
            return wait_for(
                lambda: [
                    item
                    for item in cluster.audit.events_for_subject(str(subject_id), limit=200)["items"]
                    if item["action"] == action
                ]
            )

    return trail


def person(contacts, first, last="Virtanen"):
    return contacts.create_contact({"first_name": first, "last_name": last})


def organisation(contacts, name):
    return contacts.create_contact({"kind": "organisation", "organisation_name": name})


def outbox(engines, routing_key):
    with engines["contacts"].connect() as conn:
        return (
            conn.execute(
                text("SELECT payload FROM outbox WHERE routing_key = :key ORDER BY seq"), {"key": routing_key}
            )
            .scalars()
            .all()
        )


def count_links(engines):
    with engines["contacts"].connect() as conn:
        return conn.execute(text("SELECT count(*) FROM affiliations")).scalar_one()


def test_c2_link_change_and_remove_with_audit_and_events(contacts, clean_databases):
    """C2: add (employee, primary), change role and title, a second primary unsets the first in the same
    transaction, remove; each change is an audit record and an event naming the link."""
    anna, acme, yhdistys = (
        person(contacts, "Anna"),
        organisation(contacts, "Acme Oy"),
        organisation(contacts, "Kylä ry"),
    )
    link = contacts.add_affiliation(
        anna["id"],
        {"organisation_id": acme["id"], "role": "employee", "title": " CTO ", "starts_on": "2020-01-01",
         "is_primary": True},
    )  # fmt: skip
    assert link["person_id"] == anna["id"] and link["organisation_id"] == acme["id"]
    assert (link["person_name"], link["organisation_name"]) == ("Anna Virtanen", "Acme Oy")
    assert (link["role"], link["title"], link["is_primary"], link["ended"]) == (
        "employee",
        "CTO",
        True,
        False,
    )

    board = contacts.add_affiliation(
        anna["id"], {"organisation_id": yhdistys["id"], "role": "board_member", "is_primary": True}
    )
    organisations = contacts.list_affiliations(anna["id"])
    assert [(item["organisation_name"], item["is_primary"]) for item in organisations] == [
        ("Kylä ry", True),
        ("Acme Oy", False),
    ]
    changed = contacts.update_affiliation(board["id"], {"role": "chair", "title": "Puheenjohtaja"})
    assert (changed["role"], changed["title"], changed["is_primary"]) == ("chair", "Puheenjohtaja", True)
    ended = contacts.update_affiliation(link["id"], {"ends_on": "2024-12-31"})
    assert ended["ended"] is True
    removed = contacts.remove_affiliation(board["id"])
    assert removed["id"] == board["id"]
    assert [item["id"] for item in contacts.list_affiliations(anna["id"])] == [link["id"]]

    added = outbox(clean_databases, "contact.affiliation_added")
    assert [sorted(record["subject_ids"]) for record in added] == [
        sorted([anna["id"], acme["id"]]),
        sorted([anna["id"], yhdistys["id"]]),
    ]
    changes = outbox(clean_databases, "contact.affiliation_changed")
    assert [record["fields"] for record in changes] == [["is_primary"], ["role", "title"], ["ends_on"]]
    assert (
        outbox(clean_databases, "contact.affiliation_removed")[0]["details"]["affiliation_id"] == board["id"]
    )
    wanted = {"affiliation_added": 2, "affiliation_changed": 3, "affiliation_removed": 1}
    assert wait_for(
        lambda: all(sum(1 for kind, _ in received if kind == name) >= n for name, n in wanted.items())
    )
    events = [(kind, payload) for kind, payload in received if kind.startswith("affiliation_")]
    unset = next(p for k, p in events if k == "affiliation_changed" and p["changed_fields"] == ["is_primary"])
    assert unset["affiliation"]["id"] == link["id"] and unset["affiliation"]["is_primary"] is False
    assert all(payload["schema_version"] == 1 and payload["event_id"] for _, payload in events)


def test_c2_refused_links_are_explained_and_write_nothing(contacts, clean_databases):
    """C2: kinds, self-links, duplicates, dates, unknown ids, bad input: a clear error, nothing written."""
    anna, matti, acme = person(contacts, "Anna"), person(contacts, "Matti"), organisation(contacts, "Acme Oy")
    cases = [
        (anna["id"], {"organisation_id": matti["id"], "role": "employee"}, ValidationFailed,
         {"organisation_id": [coded("err.affiliation_not_organisation", name="Matti Virtanen")]}),
        (acme["id"], {"organisation_id": acme["id"], "role": "employee"}, ValidationFailed,
         {"organisation_id": ["err.affiliation_self"]}),
        (anna["id"], {"organisation_id": acme["id"], "role": "boss"}, ValidationFailed, None),
        (anna["id"], {"organisation_id": acme["id"], "role": "member", "starts_on": "2026-02-01",
                      "ends_on": "2026-01-01"}, ValidationFailed,
         {"ends_on": ["err.person_dates"]}),
        (anna["id"], {"organisation_id": str(uuid.uuid4()), "role": "member"}, NotFound, None),
        (str(uuid.uuid4()), {"organisation_id": acme["id"], "role": "member"}, NotFound, None),
        (anna["id"], ["not", "an", "object"], ValidationFailed, {"_schema": ["contact.not_object"]}),
    ]  # fmt: skip
    for person_id, data, error_type, details in cases:
        with pytest.raises(error_type) as error:
            contacts.add_affiliation(person_id, data)
        if details is not None:
            assert error.value.details == details
    assert count_links(clean_databases) == 0

    link = contacts.add_affiliation(anna["id"], {"organisation_id": acme["id"], "role": "employee"})
    with pytest.raises(Conflict) as error:
        contacts.add_affiliation(anna["id"], {"organisation_id": acme["id"], "role": "employee"})
    assert error.value.message == "err.affiliation_duplicate"
    assert error.value.params == {"person": "Anna Virtanen", "organisation": "Acme Oy", "role": "employee"}
    other = contacts.add_affiliation(anna["id"], {"organisation_id": acme["id"], "role": "board_member"})
    with pytest.raises(Conflict) as error:
        contacts.update_affiliation(other["id"], {"role": "employee"})
    assert error.value.details == {
        "role": [{"code": "err.affiliation_duplicate", "params": {"organisation": "Acme Oy"}}]
    }
    with pytest.raises(ValidationFailed) as error:
        contacts.update_affiliation(link["id"], {"starts_on": "2026-05-01", "ends_on": "2026-04-01"})
    assert set(error.value.details) == {"ends_on"}
    contacts.update_affiliation(link["id"], {"starts_on": "2026-05-01"})
    with pytest.raises(ValidationFailed) as error:
        contacts.update_affiliation(link["id"], {"ends_on": "2026-04-01"})
    assert error.value.details == {"ends_on": ["err.person_dates"]}
    for method, args in (
        ("update_affiliation", (str(uuid.uuid4()), {"title": "x"})),
        ("update_affiliation", ("not-an-id", {"title": "x"})),
        ("remove_affiliation", (str(uuid.uuid4()),)),
    ):
        with pytest.raises(NotFound):
            getattr(contacts, method)(*args)
    assert count_links(clean_databases) == 2
    assert len(outbox(clean_databases, "contact.affiliation_added")) == 2
    # A linked contact keeps its kind (a link needs a person and an organisation).
    for contact, change in ((anna, {"kind": "organisation", "organisation_name": "Anna Oy"}),
                            (acme, {"kind": "person", "first_name": "Acme"})):  # fmt: skip
        with pytest.raises(ValidationFailed) as error:
            contacts.update_contact(contact["id"], change)
        assert list(error.value.details) == ["kind"]
        assert contacts.get_contact(contact["id"])["kind"] == contact["kind"]


def test_c2_permissions_are_checked_in_the_service(contacts, rpc):
    """C2: reading needs contacts.view, changing needs contacts.edit."""
    anna, acme = person(contacts, "Anna"), organisation(contacts, "Acme Oy")
    link = contacts.add_affiliation(anna["id"], {"organisation_id": acme["id"], "role": "employee"})
    viewer = make_actor("viewer", permissions=("contacts.view",), roles=("viewer",))
    nobody = make_actor("nobody", permissions=(), roles=())
    with rpc(viewer) as cluster:
        assert cluster.contacts.list_organisation_people(acme["id"])["items"][0]["id"] == link["id"]
        for method, args in (
            ("add_affiliation", (anna["id"], {"organisation_id": acme["id"], "role": "member"})),
            ("update_affiliation", (link["id"], {"title": "x"})),
            ("remove_affiliation", (link["id"],)),
            ("set_photo", (anna["id"], "image/png", base64.b64encode(PNG).decode())),
            ("remove_photo", (anna["id"],)),
        ):
            with pytest.raises(PermissionDenied):
                getattr(cluster.contacts, method)(*args)
    with rpc(nobody) as cluster:
        for method in ("list_organisation_people", "list_affiliations", "get_photo"):
            with pytest.raises(PermissionDenied):
                getattr(cluster.contacts, method)(acme["id"])


def test_c2_organisation_people_are_paged_filtered_and_audited(contacts, audit_trail):
    """C2: an organisation's people in name order by keyset cursor, by role, with or without ended
    links; each page is one audited read listing the organisation and the page's people."""
    acme = organisation(contacts, "Acme Oy")
    people = [person(contacts, first, "Aalto") for first in ("Eino", "Aino", "Cecilia", "Bertta", "Daniel")]
    for index, someone in enumerate(people):
        contacts.add_affiliation(
            someone["id"],
            {"organisation_id": acme["id"], "role": "board_member" if index % 2 else "employee",
             **({"ends_on": "2020-12-31"} if someone["first_name"] == "Daniel" else {})},
        )  # fmt: skip
    first = contacts.list_organisation_people(acme["id"], limit=2)
    assert [item["person_name"] for item in first["items"]] == ["Aino Aalto", "Bertta Aalto"]
    second = contacts.list_organisation_people(acme["id"], limit=2, cursor=first["next_cursor"])
    assert [item["person_name"] for item in second["items"]] == ["Cecilia Aalto", "Eino Aalto"]
    assert second["next_cursor"] is None
    everyone = contacts.list_organisation_people(acme["id"], include_ended=True)
    assert [item["person_name"] for item in everyone["items"]][3:] == ["Daniel Aalto", "Eino Aalto"]
    board = contacts.list_organisation_people(acme["id"], role="board_member")
    assert [item["person_name"] for item in board["items"]] == ["Aino Aalto", "Bertta Aalto"]
    with pytest.raises(ValidationFailed) as error:
        contacts.list_organisation_people(acme["id"], limit=2, cursor=first["next_cursor"], role="chair")
    assert "cursor" in error.value.details
    with pytest.raises(ValidationFailed) as error:
        contacts.list_organisation_people(acme["id"], limit=0, role="boss")
    assert set(error.value.details) == {"limit", "role"}
    with pytest.raises(ValidationFailed) as error:
        contacts.list_organisation_people(people[0]["id"])
    assert error.value.details == {
        "organisation_id": [
            {"code": "err.affiliation_not_organisation", "params": {"name": people[0]["display_name"]}}
        ]
    }
    with pytest.raises(NotFound):
        contacts.list_organisation_people(str(uuid.uuid4()))

    [read] = [
        item
        for item in audit_trail(acme["id"], "contact.affiliations_listed")
        if item["details"]["role"] == "board_member"
    ]
    assert read["subject_ids"] == [acme["id"], people[1]["id"], people[3]["id"]]
    assert read["fields"] == ["affiliations"]


def test_c2_get_contact_shows_organisations_and_people(contacts, audit_trail):
    """C2: a person's record lists their organisations; an organisation's record counts its people and
    shows the first page; the read is one audited contact.viewed naming the parts."""
    anna, acme = person(contacts, "Anna"), organisation(contacts, "Acme Oy")
    contacts.add_affiliation(
        anna["id"], {"organisation_id": acme["id"], "role": "chair", "title": "PJ", "is_primary": True}
    )
    part = contacts.get_contact(anna["id"])["affiliations"]
    assert part["people"] is None
    [link] = part["organisations"]
    assert (link["organisation_name"], link["role"], link["title"], link["is_primary"]) == (
        "Acme Oy", "chair", "PJ", True,
    )  # fmt: skip
    org_part = contacts.get_contact(acme["id"])["affiliations"]
    assert org_part["organisations"] == [] and org_part["people"]["count"] == 1
    assert org_part["people"]["items"][0]["person_name"] == "Anna Virtanen"
    # Each read names the contact and the other contacts its part shows.
    reads = wait_for(
        lambda: (
            len(audit_trail(acme["id"], "contact.viewed")) == 2 and audit_trail(acme["id"], "contact.viewed")
        )
    )
    assert sorted(read["subject_ids"] for read in reads) == sorted(
        [[acme["id"], anna["id"]], [anna["id"], acme["id"]]]
    )
    assert all({"affiliations", "photo"} <= set(read["fields"]) for read in reads)


def test_c2_organisation_filter_in_lists_advanced_and_saved_searches(contacts, engines):
    """C2: organisation_id (optionally with organisation_role) lists the people linked now; merged-away
    organisation ids resolve; the query uses the affiliations_organisation index."""
    acme, other = organisation(contacts, "Acme Oy"), organisation(contacts, "Muu Oy")
    anna, matti, liisa = (person(contacts, name) for name in ("Anna", "Matti", "Liisa"))
    contacts.add_affiliation(anna["id"], {"organisation_id": acme["id"], "role": "board_member"})
    contacts.add_affiliation(matti["id"], {"organisation_id": acme["id"], "role": "employee"})
    contacts.add_affiliation(matti["id"], {"organisation_id": other["id"], "role": "board_member"})
    contacts.add_affiliation(
        liisa["id"], {"organisation_id": acme["id"], "role": "employee", "ends_on": "2020-01-01"}
    )

    def names(page):
        return sorted(item["display_name"] for item in page["items"])

    assert names(contacts.search_contacts(filters={"organisation_id": acme["id"]})) == [
        "Anna Virtanen",
        "Matti Virtanen",
    ]
    both = {"organisation_id": acme["id"], "organisation_role": "board_member"}
    assert names(contacts.search_contacts(filters=both)) == ["Anna Virtanen"]
    assert names(contacts.search_contacts(filters={"organisation_role": "board_member"})) == [
        "Anna Virtanen",
        "Matti Virtanen",
    ]
    expression = {"and": [{"filter": "organisation_id", "value": f"{acme['id']}:employee"}]}
    advanced = contacts.search_contacts_advanced(expression)
    assert names(advanced) == ["Matti Virtanen"]
    saved = contacts.create_saved_search({"name": "Acme board", "filters": both})
    assert names(contacts.run_saved_search(saved["id"])) == ["Anna Virtanen"]
    with pytest.raises(ValidationFailed) as error:
        contacts.search_contacts(filters={"organisation_id": acme["id"], "organisation_role": "boss"})
    assert "organisation_role" in error.value.details

    with engines["contacts"].begin() as conn:  # SET LOCAL: the pooled connection must not keep it
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            conn.execute(
                text(
                    "EXPLAIN SELECT id FROM contacts WHERE id IN (SELECT person_id FROM affiliations"
                    " WHERE organisation_id = :org)"
                ),
                {"org": acme["id"]},
            ).scalars()
        )
    assert "affiliations_organisation" in plan


def test_c2_merge_moves_links_on_both_sides(contacts, clean_databases):
    """C2 + C11: a merged person's links move to the survivor (a duplicate is dropped, one primary
    stays); a merged organisation's people move to the surviving organisation; self-links vanish."""
    anna, anna2 = person(contacts, "Anna"), person(contacts, "Anna")
    acme, acme2, club = (organisation(contacts, name) for name in ("Acme Oy", "Acme", "Kerho ry"))
    matti = person(contacts, "Matti")
    contacts.add_affiliation(
        anna["id"], {"organisation_id": acme["id"], "role": "employee", "is_primary": True}
    )
    contacts.add_affiliation(anna2["id"], {"organisation_id": acme["id"], "role": "employee"})
    contacts.add_affiliation(
        anna2["id"], {"organisation_id": club["id"], "role": "chair", "is_primary": True}
    )
    contacts.add_affiliation(matti["id"], {"organisation_id": acme2["id"], "role": "volunteer"})
    contacts.set_photo(anna2["id"], "image/png", base64.b64encode(PNG).decode())

    contacts.merge_contacts(anna["id"], [anna2["id"]])
    links = contacts.list_affiliations(anna["id"])
    assert [(item["organisation_name"], item["role"], item["is_primary"]) for item in links] == [
        ("Acme Oy", "employee", True),
        ("Kerho ry", "chair", False),
    ]
    assert contacts.get_photo(anna["id"])["content_type"] == "image/png"

    contacts.merge_contacts(acme["id"], [acme2["id"]])
    people = contacts.list_organisation_people(acme["id"])["items"]
    assert sorted((item["person_name"], item["role"]) for item in people) == [
        ("Anna Virtanen", "employee"),
        ("Matti Virtanen", "volunteer"),
    ]
    # A merged-away organisation id still finds its people (through the survivor).
    assert len(contacts.list_organisation_people(acme2["id"])["items"]) == 2
    assert len(contacts.search_contacts(filters={"organisation_id": acme2["id"]})["items"]) == 2
    assert count_links(clean_databases) == 3


def test_c2_photo_round_trip_audited_and_published(contacts, clean_databases, audit_trail):
    """C2: set (type from the bytes), get (an audited read), replace, remove; refusals change nothing."""
    anna = person(contacts, "Anna")
    info = contacts.set_photo(anna["id"], "image/jpeg", base64.b64encode(PNG).decode())
    assert (info["content_type"], info["size"]) == ("image/png", len(PNG))
    photo = contacts.get_photo(anna["id"])
    assert base64.b64decode(photo["data_base64"]) == PNG and photo["content_type"] == "image/png"
    assert contacts.get_contact(anna["id"])["photo"]["size"] == len(PNG)
    [viewed] = audit_trail(anna["id"], "contact.photo_viewed")
    assert viewed["fields"] == ["photo"] and viewed["subject_ids"] == [anna["id"]]

    bad = [
        ("image/png", "!!! not base64", "err.photo_base64"),
        ("image/png", "", "err.photo_empty"),
        ("image/gif", base64.b64encode(b"GIF89a" + b"\0" * 30).decode(), "err.photo_type"),
        ("image/png", base64.b64encode(PNG + b"\0" * (2 * 1024 * 1024)).decode(), "err.photo_too_big"),
    ]
    for declared, data, code in bad:
        with pytest.raises(ValidationFailed) as error:
            contacts.set_photo(anna["id"], declared, data)
        found = error.value.details["photo"][0]
        assert (found["code"] if isinstance(found, dict) else found) == code
    assert contacts.get_photo(anna["id"])["size"] == len(PNG)
    with pytest.raises(NotFound):
        contacts.set_photo(str(uuid.uuid4()), "image/png", base64.b64encode(PNG).decode())

    assert contacts.remove_photo(anna["id"]) == {"contact_id": anna["id"], "removed": True}
    with pytest.raises(NotFound) as error:
        contacts.get_photo(anna["id"])
    assert error.value.message == "Anna Virtanen has no photo."
    with pytest.raises(NotFound):
        contacts.remove_photo(anna["id"])
    assert contacts.get_contact(anna["id"])["photo"] is None
    assert [record["details"]["size"] for record in outbox(clean_databases, "contact.photo_changed")] == [
        len(PNG)
    ]
    assert outbox(clean_databases, "contact.photo_removed")[0]["subject_ids"] == [anna["id"]]
    assert wait_for(lambda: {"photo_changed", "photo_removed"} <= {kind for kind, _ in received})
    changed = next(payload for kind, payload in received if kind == "photo_changed")
    assert changed == {**changed, "contact_id": anna["id"], "content_type": "image/png", "size": len(PNG)}
    assert "data" not in changed and "data_base64" not in changed


def test_c2_photo_and_people_reads_fail_without_the_audit_path(contacts, broken_audit_path):
    """G2 for C2: with audit records refused by the broker, photo and people reads are refused."""
    anna, acme = person(contacts, "Anna"), organisation(contacts, "Acme Oy")
    contacts.set_photo(anna["id"], "image/png", base64.b64encode(PNG).decode())
    for method, argument in (("get_photo", anna["id"]), ("list_organisation_people", acme["id"])):
        with pytest.raises(AuditUnavailable):
            getattr(contacts, method)(argument)


def test_c2_lists_and_searches_never_read_the_photo_table(contacts, engines, rpc, admin_actor):
    """C2: with contact_photos locked against every reader, lists and searches still answer at once
    (a query touching the table would wait for the lock), while get_photo has to wait."""
    anna = person(contacts, "Anna")
    contacts.set_photo(anna["id"], "image/png", base64.b64encode(PNG).decode())
    with engines["contacts"].connect() as conn, conn.begin():
        conn.execute(text("LOCK TABLE contact_photos IN ACCESS EXCLUSIVE MODE"))
        with rpc(admin_actor, timeout=5) as cluster:
            assert [item["id"] for item in cluster.contacts.search_contacts(q="anna")["items"]] == [
                anna["id"]
            ]
            assert len(cluster.contacts.search_contacts()["items"]) == 1
            assert len(cluster.contacts.search_contacts_advanced({"text": "virtanen"})["items"]) == 1
            assert cluster.contacts.search_summary(q="anna")
        with rpc(admin_actor, timeout=2) as cluster, pytest.raises(RpcTimeout):
            cluster.contacts.get_photo(anna["id"])  # the control: this one does read the table
