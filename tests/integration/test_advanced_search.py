"""Advanced search (C4) over the real broker and database: AND/OR/NOT expressions with the new
filters, every sort with nulls last and keyset paging, cursors refused for another sort, bounded
counts, validation naming the node, and one audit read per page naming its contacts."""

import pytest
from sqlalchemy import text

from conftest import make_actor
from piiri.errors import ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

ADMIN = make_actor("as-admin")
PEOPLE = (
    # first, last, city, birth_date, email
    ("Anna", "Aalto", "Helsinki", "1980-05-01", "anna@example.fi"),
    ("Bertta", "Berg", "Espoo", "1975-02-10", None),
    ("Cecilia", "Castrén", "Tampere", "1990-07-07", "cecilia@example.fi"),
    ("Daniel", "Dahl", "HELSINKI", None, "daniel@example.fi"),
    ("Eero", "Eskola", "Espoo", "2001-12-24", None),
    ("Fanni", "Forsman", None, "1965-03-03", "fanni@example.fi"),
)


@pytest.fixture
def services(run_services):
    run_services(ContactsService, AuditService)


@pytest.fixture
def people(services, rpc, engines):
    ids = {}
    with rpc(ADMIN) as cluster:
        for first, last, city, born, email in PEOPLE:
            data = {"first_name": first, "last_name": last, "city": city, "birth_date": born, "email": email}
            data = {key: value for key, value in data.items() if value is not None}
            ids[first] = cluster.contacts.create_contact(data)["id"]
        cluster.contacts.mark_deceased(ids["Bertta"], {"deceased_on": "2026-01-01"})
        cluster.contacts.create_contact(
            {"kind": "organisation", "organisation_name": "Oy Helsinki Ab", "city": "Helsinki"}
        )
    with engines["contacts"].begin() as conn:  # creation days, for created_from/created_to
        conn.execute(text("UPDATE contacts SET created_at = '2026-01-15 12:00+02' WHERE first_name = 'Anna'"))
    return ids


def names(page):
    return [item["display_name"] for item in page["items"]]


def test_c4_and_or_not_with_sort_by_birth_date_nulls_last(people, rpc):
    """C4: (city = Helsinki OR city = Espoo) AND NOT deceased=only, kind person, by birth date."""
    expression = {
        "and": [
            {"or": [{"filter": "city", "value": "helsinki"}, {"filter": "city", "value": "espoo"}]},
            {"not": {"filter": "deceased", "value": "only"}},
            {"filter": "kind", "value": "person"},
        ]
    }
    with rpc(ADMIN) as cluster:
        page = cluster.contacts.search_contacts_advanced(expression, sort="birth_date")
        assert names(page) == ["Anna Aalto", "Eero Eskola", "Daniel Dahl"]
        page = cluster.contacts.search_contacts_advanced(expression, sort="birth_date", direction="desc")
        assert names(page) == ["Eero Eskola", "Anna Aalto", "Daniel Dahl"]
        assert cluster.contacts.count_contacts_advanced(expression) == {"count": 3, "exact": True}


def test_c4_new_filters(people, rpc):
    """C4: age range, born range, has_email, created dates, kind and city, and free text leaves."""
    with rpc(ADMIN) as cluster:

        def found(expression):
            return names(cluster.contacts.search_contacts_advanced(expression, limit=50))

        assert found(
            {"and": [{"filter": "age_min", "value": "40"}, {"filter": "age_max", "value": "50"}]}
        ) == ["Anna Aalto"]
        assert found(
            {
                "and": [
                    {"filter": "born_from", "value": "1.1.1970"},
                    {"filter": "born_to", "value": "1990-07-07"},
                ]
            }
        ) == [
            "Anna Aalto",
            "Bertta Berg",
            "Cecilia Castrén",
        ]
        assert found({"filter": "has_email", "value": "false"}) == [
            "Bertta Berg",
            "Eero Eskola",
            "Oy Helsinki Ab",
        ]
        assert found({"filter": "created_to", "value": "15.1.2026"}) == ["Anna Aalto"]
        assert "Anna Aalto" not in found({"filter": "created_from", "value": "2026-01-16"})
        assert found({"filter": "updated_from", "value": "2000-01-01"})[:1] == ["Anna Aalto"]
        assert found({"filter": "kind", "value": "organisation"}) == ["Oy Helsinki Ab"]
        assert found({"or": [{"text": "castren"}, {"text": "forsman"}]}) == [
            "Cecilia Castrén",
            "Fanni Forsman",
        ]
        assert found({"and": [{"text": "helsinki"}, {"not": {"filter": "kind", "value": "person"}}]}) == [
            "Oy Helsinki Ab"
        ]


def test_c4_every_sort_pages_with_keyset_cursors(people, rpc):
    """C4: each sort pages by cursor through every match exactly once, nulls last; a cursor is refused
    with another sort."""
    everyone = {"filter": "deceased", "value": "include"}
    with rpc(ADMIN) as cluster:
        for sort in ("name", "created_at", "updated_at", "birth_date", "city"):
            for direction in ("asc", "desc"):
                whole = names(
                    cluster.contacts.search_contacts_advanced(
                        everyone, sort=sort, direction=direction, limit=50
                    )
                )
                paged, cursor = [], None
                while True:
                    page = cluster.contacts.search_contacts_advanced(
                        everyone, sort=sort, direction=direction, limit=2, cursor=cursor
                    )
                    paged += names(page)
                    cursor = page["next_cursor"]
                    if not cursor:
                        break
                assert paged == whole and len(whole) == 7, (sort, direction)
        by_city = names(cluster.contacts.search_contacts_advanced(everyone, sort="city", limit=50))
        assert by_city[-1] == "Fanni Forsman"  # no city: last
        assert sorted(by_city[:2]) == ["Bertta Berg", "Eero Eskola"]  # espoo; ties in id order
        page = cluster.contacts.search_contacts_advanced(everyone, sort="name", limit=2)
        with pytest.raises(ValidationFailed) as caught:
            cluster.contacts.search_contacts_advanced(
                everyone, sort="city", limit=2, cursor=page["next_cursor"]
            )
        assert "cursor" in caught.value.details
        with pytest.raises(ValidationFailed) as caught:
            cluster.contacts.search_contacts_advanced(everyone, cursor="bm90LWEtY3Vyc29y")
        assert caught.value.details == {"cursor": ["contact.cursor_invalid"]}


def test_c4_bad_expressions_name_the_node(people, rpc):
    with rpc(ADMIN) as cluster:
        bad = {
            "and": [{"filter": "city", "value": "x"}, {"text": "a"}, {"filter": "shoe_size", "value": "42"}]
        }
        with pytest.raises(ValidationFailed) as caught:
            cluster.contacts.search_contacts_advanced(bad)
        assert caught.value.details == {"expression.and[2].filter": ["contact.unknown_filter"]}
        with pytest.raises(ValidationFailed) as caught:
            cluster.contacts.count_contacts_advanced({"or": [{"filter": "born_from", "value": "eilen"}]})
        assert "expression.or[0].value" in caught.value.details
        with pytest.raises(ValidationFailed) as caught:
            cluster.contacts.search_contacts_advanced({"text": "a"}, sort="shoe_size")
        assert "sort" in caught.value.details


def test_c4_each_page_is_audited_as_one_read(people, rpc):
    expression = {"filter": "city", "value": "Espoo"}
    with rpc(ADMIN) as cluster:
        page = cluster.contacts.search_contacts_advanced(expression, sort="birth_date")
        ids = [item["id"] for item in page["items"]]
        assert len(ids) == 2

        def reads():
            return [
                event
                for event in cluster.audit.events_for_subject(people["Eero"])["items"]
                if event["action"] == "contact.listed"
            ]

        trail = wait_for(reads)
        assert sorted(trail[0]["subject_ids"]) == sorted(ids)
        assert trail[0]["details"] == {"expression": expression, "sort": "birth_date", "direction": "asc"}
