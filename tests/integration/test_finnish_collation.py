"""Issue 13 item 3 (C4): sorted lists of contacts are in Finnish collation: Å, Ä, Ö after Z, V and W
apart; keyset paging follows the same order page by page, through the RPCs the UI uses. So are the other
lists sorted by a name: advanced search by city, a group's subgroups, a contact's groups, saved searches;
and the collation is made where PostgreSQL lacks it (piiri.collation.ensure_finnish_collation)."""

import psycopg
import pytest
from sqlalchemy import Text, column, select, values
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from conftest import ALL_PERMISSIONS, make_actor
from piiri.collation import FALLBACKS, FINNISH, ensure_finnish_collation, finnish, finnish_key
from services.audit.service import AuditService
from services.contacts.service import ContactsService

ADMIN = make_actor("fi-admin", permissions=(*ALL_PERMISSIONS, "groups.manage"))
EXPECTED = ["Aalto", "Virtanen", "Wahlroos", "Zetterberg", "Åberg", "Ärling", "Öhman"]
CITIES = {"Aalto": "Äänekoski", "Virtanen": "Vaasa", "Zetterberg": "Åbo", "Öhman": "Oulu"}
ISSUE_ORDER = ["Aalto", "Zetterberg", "Åberg", "Ärlig", "Öhman"]  # the issue's example


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


def test_c4_issue13_the_issues_names_in_finnish_order(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        for name in ("Öhman", "Åberg", "Ärlig", "Zetterberg", "Aalto"):
            cluster.contacts.create_contact({"first_name": "Iso", "last_name": name})
        assert paged(cluster.contacts.search_contacts) == ISSUE_ORDER
        assert paged(cluster.contacts.search_contacts, q="iso") == ISSUE_ORDER


def test_c4_issue13_advanced_search_by_city_in_finnish_order_page_by_page(people, rpc):
    """Sorted by city (was piiri_norm(city): Åbo among the A's), nulls last, keyset pages of two."""
    with rpc(ADMIN) as cluster:
        advanced = cluster.contacts.search_contacts_advanced
        expression = {"filter": "kind", "value": "person"}
        by_city = paged(advanced, expression=expression, sort="city")
        assert by_city[:4] == ["Öhman", "Virtanen", "Zetterberg", "Aalto"]  # Oulu, Vaasa, Åbo, Äänekoski
        assert set(by_city[4:]) == {"Wahlroos", "Åberg", "Ärling"}  # no city: last
        descending = paged(advanced, expression=expression, sort="city", direction="desc")
        assert descending[:4] == ["Aalto", "Zetterberg", "Virtanen", "Öhman"]


def test_c4_issue13_subgroups_a_contacts_groups_and_saved_searches_in_finnish_order(people, rpc):
    names = ["Örebro", "Zürich", "Åland", "Aura", "Wien", "Vantaa", "Ähtäri"]
    expected = ["Aura", "Vantaa", "Wien", "Zürich", "Åland", "Ähtäri", "Örebro"]
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        parent = contacts.create_group("Alueet")
        for name in names:
            group = contacts.create_group(name, parent_id=parent["id"])
            contacts.add_members(group["id"], [people["Aalto"]])
            contacts.create_saved_search({"name": name, "query": "kim"})
        assert [child["name"] for child in contacts.get_group(parent["id"])["children"]] == expected
        groups = contacts.get_contact(people["Aalto"])["groups"]
        assert [group["group_name"] for group in groups] == expected
        assert [item["name"] for item in contacts.list_saved_searches()["items"]] == expected


def test_c4_issue13_the_collation_sorts_as_finnish_key_does(engines):
    """The SQL order (the collation) and the Python one (piiri.collation.finnish_key, the group tree)."""
    words = [
        "öljy",
        "Öhman",
        "Zürich",
        "zeta",
        "Åberg",
        "ärlig",
        "Ähtäri",
        "Vaasa",
        "Wahlroos",
        "aalto",
        "Émile",
    ]
    with Session(engines["contacts"]) as session:
        rows = session.execute(
            select(column("w"))
            .select_from(values(column("w", Text), name="t").data([(w,) for w in words]))
            .order_by(finnish(column("w")))
        )
        assert list(rows.scalars()) == sorted(words, key=finnish_key)


class FakeConnection:
    """A psycopg connection of a server that has no "fi-x-icu" and refuses the definitions in ``refused``."""

    def __init__(self, refused):
        self.refused, self.created = refused, []

    def execute(self, sql, params=None):
        if sql.startswith("SELECT"):
            return self
        if any(definition in sql for definition in self.refused):
            raise psycopg.errors.FeatureNotSupported("not here")
        self.created.append(sql)
        return self

    def fetchone(self):
        return None


@pytest.mark.parametrize("missing", range(len(FALLBACKS)))
def test_c4_issue13_a_missing_collation_is_made_from_the_best_that_the_server_has(missing):
    connection = FakeConnection(FALLBACKS[:missing])
    assert ensure_finnish_collation(connection) == FALLBACKS[missing]
    assert connection.created == [f'CREATE COLLATION IF NOT EXISTS public."{FINNISH}" {FALLBACKS[missing]}']


def test_c4_issue13_ensure_finnish_collation_on_a_database_that_has_it(databases):
    conninfo = (
        make_url(databases["contacts"]).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        assert ensure_finnish_collation(conn) is None
        assert conn.execute(
            "SELECT count(*) FROM pg_collation WHERE collname = %s AND collprovider = 'i'", (FINNISH,)
        ).fetchone() == (1,)


def test_c4_issue13_users_and_user_groups_in_finnish_order(clean_databases):
    """The gateway's lists of staff accounts and user groups (access administration) too."""
    from sqlalchemy import insert

    from gateway.access_admin import list_user_groups, list_users
    from gateway.models import user_groups, users

    names = ["örjan", "åke", "zeta", "Ärla", "aino", "väinö", "wilma"]
    with Session(clean_databases["gateway"]) as session:
        for name in names:
            session.execute(insert(users).values(username=name, password_hash="x", role="staff"))
            session.execute(insert(user_groups).values(name=name.capitalize()))
        session.commit()
        assert [row["username"] for row in list_users(session)] == sorted(names, key=finnish_key)
        assert [row["name"] for row in list_user_groups(session)] == sorted(
            (name.capitalize() for name in names), key=finnish_key
        )
