"""Issue 13 item 3 (C4): sorted lists of contacts are in Finnish collation: Å, Ä, Ö after Z, V and W
apart; keyset paging follows the same order page by page, through the RPCs the UI uses."""

import pytest

from conftest import ALL_PERMISSIONS, make_actor
from services.audit.service import AuditService
from services.contacts.service import ContactsService

ADMIN = make_actor("fi-admin", permissions=(*ALL_PERMISSIONS, "groups.manage"))
EXPECTED = ["Aalto", "Virtanen", "Wahlroos", "Zetterberg", "Åberg", "Ärling", "Öhman"]
CITIES = {"Aalto": "Äänekoski", "Virtanen": "Vaasa", "Zetterberg": "Åbo", "Öhman": "Oulu"}


@pytest.fixture
def people(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        return {
            name: cluster.contacts.create_contact(
                {"first_name": "Kim", "last_name": name, **({"city": CITIES[name]} if name in CITIES else {})}
            )["id"]
            for name in reversed(EXPECTED)
        }


def paged(call, **kwargs):
    names, cursor = [], None
    while True:
        page = call(limit=2, cursor=cursor, **kwargs)
        names += [item["display_name"].split()[-1] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return names


def test_c4_issue13_contact_list_and_search_in_finnish_order(people, rpc):
    with rpc(ADMIN) as cluster:
        assert paged(cluster.contacts.search_contacts) == EXPECTED
        assert paged(cluster.contacts.search_contacts, q="kim") == EXPECTED
        expression = {"filter": "kind", "value": "person"}
        advanced = cluster.contacts.search_contacts_advanced
        assert paged(advanced, expression=expression, sort="name") == EXPECTED
        assert paged(advanced, expression=expression, sort="name", direction="desc") == EXPECTED[::-1]


def test_c4_issue13_group_members_and_group_tree_in_finnish_order(people, rpc):
    with rpc(ADMIN) as cluster:
        group = cluster.contacts.create_group("Jäsenet")
        cluster.contacts.add_members(group["id"], list(people.values()))
        members = paged(cluster.contacts.members, group_id=group["id"])
        assert members == EXPECTED
        for name in ("Örebro", "Zürich", "Åland", "Aura", "Wien", "Vantaa"):
            cluster.contacts.create_group(name)
        roots = [item["name"] for item in cluster.contacts.list_groups()["items"] if item["depth"] == 0]
        assert roots == ["Aura", "Jäsenet", "Vantaa", "Wien", "Zürich", "Åland", "Örebro"]
