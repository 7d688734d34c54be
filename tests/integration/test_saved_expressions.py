"""Saved advanced searches (C4) and filters on unknown custom fields (C3/C4) over the real broker and
database: an AND/OR/NOT expression is saved, validated like the search validates it (nothing stored
when it is bad), listed, run (the advanced search's audited page), edited, shared and deleted; a
``custom.<key>`` of no active field is a clear error in lists, expressions and saved searches."""

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import NotFound, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

STAFF = ("contacts.view", "contacts.edit", "audit.view")
MAIJA = make_actor("maija-x", permissions=STAFF, roles=("staff",))
PEKKA = make_actor("pekka-x", permissions=STAFF, roles=("staff",))
ADMIN = make_actor("sx-admin", permissions=(*ALL_PERMISSIONS, "fields.manage"))
EXPRESSION = {
    "and": [
        {"text": "virtanen"},
        {
            "or": [
                {"filter": "city", "value": "Turku"},
                {"filter": "custom.jasenlaji", "value": "varsinainen"},
            ]
        },
        {"not": {"filter": "deceased", "value": "only"}},
    ]
}


@pytest.fixture
def services(run_services):
    run_services(ContactsService, AuditService)


def stored_searches(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM saved_searches")).scalar_one()


def add_people(rpc):
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        contacts.create_custom_field(
            {
                "key": "jasenlaji",
                "label_fi": "Jäsenlaji",
                "field_type": "choice",
                "choices": [{"value": "varsinainen"}, {"value": "kannatus"}],
            }
        )
        ids = {
            "anna": contacts.create_contact({"first_name": "Anna", "last_name": "Virtanen", "city": "Turku"}),
            "eino": contacts.create_contact(
                {"first_name": "Eino", "last_name": "Virtanen", "custom": {"jasenlaji": "varsinainen"}}
            ),
            "matti": contacts.create_contact(
                {"first_name": "Matti", "last_name": "Virtanen", "city": "Oulu"}
            ),
            "liisa": contacts.create_contact({"first_name": "Liisa", "last_name": "Aho", "city": "Turku"}),
        }
        ids = {name: contact["id"] for name, contact in ids.items()}
        contacts.mark_deceased(ids["eino"], {"deceased_on": "2026-01-01"})
        contacts.create_contact(
            {"first_name": "Olli", "last_name": "Virtanen", "custom": {"jasenlaji": "varsinainen"}}
        )
    return ids


def test_c4_save_list_run_edit_and_delete_an_advanced_search(services, rpc, clean_databases):
    """C4/G2: a saved expression runs as the advanced search runs it (same rows, sort, paging) and
    each page is one contact.listed read naming the saved search; it can be shared, edited, deleted."""
    ids = add_people(rpc)
    with rpc(MAIJA) as maija:
        saved = maija.contacts.create_saved_search({"name": "Virtaset OR", "expression": EXPRESSION})
        assert saved["expression"] == EXPRESSION and saved["query"] == "" and saved["filters"] == {}
        listed = maija.contacts.list_saved_searches()["items"]
        assert [(item["name"], item["expression"]) for item in listed] == [("Virtaset OR", EXPRESSION)]

        direct = maija.contacts.search_contacts_advanced(EXPRESSION)
        run = maija.contacts.run_saved_search(saved["id"])
        assert [item["id"] for item in run["items"]] == [item["id"] for item in direct["items"]]
        assert len(run["items"]) == 2  # Anna (Turku) and Olli (varsinainen); Eino is deceased
        assert ids["anna"] in [item["id"] for item in run["items"]]
        first = maija.contacts.run_saved_search(saved["id"], limit=1, sort="name", direction="desc")
        second = maija.contacts.run_saved_search(
            saved["id"], limit=1, cursor=first["next_cursor"], sort="name", direction="desc"
        )
        assert [item["id"] for item in first["items"] + second["items"]] == [
            item["id"] for item in reversed(direct["items"])
        ]
        with pytest.raises(ValidationFailed):  # a cursor of another sort
            maija.contacts.run_saved_search(saved["id"], cursor=first["next_cursor"])

        with pytest.raises(NotFound):  # private: others do not find it
            with rpc(PEKKA) as pekka:
                pekka.contacts.run_saved_search(saved["id"])
        maija.contacts.update_saved_search(saved["id"], {"shared": True})
        narrower = {"and": [{"text": "virtanen"}, {"filter": "city", "value": "Turku"}]}
        changed = maija.contacts.update_saved_search(saved["id"], {"expression": narrower})
        assert changed["expression"] == narrower
    with rpc(PEKKA) as pekka:
        page = pekka.contacts.run_saved_search(saved["id"])
        assert [item["id"] for item in page["items"]] == [ids["anna"]]
    with rpc(ADMIN) as admin:

        def saved_reads():
            return [
                event
                for event in admin.audit.events_for_subject(ids["anna"])["items"]
                if event["action"] == "contact.listed" and event["details"].get("saved_search_id")
            ]

        assert wait_for(lambda: len(saved_reads()) >= 3)  # maija's first run and page 2, pekka's run
        (latest,) = [event for event in saved_reads() if event["actor"]["username"] == "pekka-x"]
        assert latest["subject_ids"] == [ids["anna"]]
        assert latest["details"]["saved_search_id"] == saved["id"]
        assert latest["details"]["expression"] == narrower
    with rpc(MAIJA) as maija:
        maija.contacts.delete_saved_search(saved["id"])
        assert maija.contacts.list_saved_searches()["items"] == []


def test_c4_bad_expression_is_refused_naming_the_node_and_nothing_is_stored(services, rpc, clean_databases):
    """C4: the saved expression is validated by the search's own compiler: errors name the node,
    nothing is stored; query/filters and an expression together are refused too."""
    engine = clean_databases["contacts"]
    add_people(rpc)
    with rpc(MAIJA) as maija:
        bad = {"and": [{"text": "virtanen"}, {"filter": "no_such_filter", "value": "x"}]}
        with pytest.raises(ValidationFailed) as error:
            maija.contacts.create_saved_search({"name": "Huono", "expression": bad})
        assert error.value.details == {"expression.and[1].filter": ["contact.unknown_filter"]}
        with pytest.raises(ValidationFailed) as error:
            maija.contacts.create_saved_search(
                {"name": "Huono", "expression": {"and": [{"filter": "age_min", "value": "vanha"}]}}
            )
        assert "expression.and[0].value" in error.value.details
        with pytest.raises(ValidationFailed) as error:
            maija.contacts.create_saved_search(
                {"name": "Molemmat", "query": "virtanen", "expression": {"text": "aho"}}
            )
        assert "expression" in error.value.details
        assert stored_searches(engine) == 0
        simple = maija.contacts.create_saved_search({"name": "Yksinkertainen", "query": "aho"})
        with pytest.raises(ValidationFailed):
            maija.contacts.update_saved_search(simple["id"], {"expression": {"text": "aho"}})
        assert maija.contacts.get_saved_search(simple["id"])["expression"] is None


def test_c3_c4_unknown_or_removed_custom_field_key_is_a_clear_error(services, rpc, clean_databases):
    """C3/C4: custom.<key> of an unknown or removed field is "No custom field 'x'." in list filters,
    advanced expressions (at the node) and saved searches (nothing stored), not silently no matches."""
    engine = clean_databases["contacts"]
    add_people(rpc)
    with rpc(ADMIN) as admin:
        contacts = admin.contacts
        with pytest.raises(ValidationFailed) as error:
            contacts.search_contacts(filters={"custom.x": "1"})
        assert error.value.message == "No custom field 'x'."
        assert error.value.details == {"custom.x": ["No custom field 'x'."]}
        with pytest.raises(ValidationFailed) as error:
            contacts.count_contacts(filters={"custom.x__gte": "1"})
        assert error.value.details == {"custom.x__gte": ["No custom field 'x'."]}
        expression = {"or": [{"text": "aho"}, {"not": {"filter": "custom.x", "value": "1"}}]}
        for call in (contacts.search_contacts_advanced, contacts.count_contacts_advanced):
            with pytest.raises(ValidationFailed) as error:
                call(expression)
            assert error.value.message == "No custom field 'x'."
            assert error.value.details == {"expression.or[1].not.filter": ["No custom field 'x'."]}
        with pytest.raises(ValidationFailed) as error:
            contacts.create_saved_search({"name": "X", "filters": {"custom.x": "1"}})
        assert error.value.details == {"filters": {"custom.x": ["No custom field 'x'."]}}
        with pytest.raises(ValidationFailed) as error:
            contacts.create_saved_search({"name": "X", "expression": expression})
        assert error.value.details == {"expression.or[1].not.filter": ["No custom field 'x'."]}
        assert stored_searches(engine) == 0

        # A removed field is no field for the search either.
        assert contacts.search_contacts(filters={"custom.jasenlaji": "varsinainen"})["items"]
        field = next(item for item in contacts.list_custom_fields()["items"] if item["key"] == "jasenlaji")
        contacts.remove_custom_field(field["id"])
        with pytest.raises(ValidationFailed) as error:
            contacts.search_contacts(filters={"custom.jasenlaji": "varsinainen"})
        assert error.value.message == "No custom field 'jasenlaji'."
