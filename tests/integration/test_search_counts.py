"""Issue 13 item 3 (C4), through the RPCs the contact list uses, over the real database: the count the list
shows (count_contacts, the same as search_summary) is the number of rows its pages give when followed to
the end, for exact, prefix, typo-tolerant, e-mail and phone queries, with and without structured filters,
for an admin and for a user limited to a data scope (C6). On an earlier main the typo-tolerant count was
made of raw trigram similarity against the whole search text while the rows were the contacts of the
nearest dictionary words: with the demo data 'virtnen' said 42 hits and listed 28."""

import dataclasses

import pytest
from sqlalchemy import select

from conftest import ALL_PERMISSIONS, make_actor
from services.audit.service import AuditService
from services.contacts.models import contacts
from services.contacts.seed import seed_contacts
from services.contacts.service import ContactsService

ADMIN = make_actor("count-admin", permissions=(*ALL_PERMISSIONS, "groups.manage"))
QUERIES = [
    "",  # the whole list
    "virtanen",  # exact
    "mäki",  # exact, accents folded
    "virt",  # prefix
    "ma",  # a short, common prefix: many pages
    "anna virtanen",  # two terms
    "virtnen",  # typo-tolerant (the issue's case)
    "korhnen",
    "aijla",
    "mati virtnen",  # typo-tolerant, two terms (scored path)
    "qxzvwk",  # nothing at all
]
FILTERS = [{}, {"kind": "person"}, {"has_phone": "true"}, {"gender": "female", "kind": "person"}]


@pytest.fixture
def world(run_services, rpc, databases, engines):
    run_services(ContactsService, AuditService)
    seed_contacts(databases["contacts"], 700, seed=13, batch=300)
    with engines["contacts"].begin() as conn:
        conn.exec_driver_sql("ANALYZE contacts, search_words")
        rows = conn.execute(select(contacts.c.id, contacts.c.email, contacts.c.phone).order_by(contacts.c.id))
        rows = rows.all()
    with rpc(ADMIN) as cluster:
        members = cluster.contacts.create_group("Jäsenet")
        board = cluster.contacts.create_group("Hallitus", parent_id=members["id"])
        cluster.contacts.add_members(members["id"], [str(row.id) for row in rows[::2]])
        cluster.contacts.add_members(board["id"], [str(row.id) for row in rows[1::7]])
    scoped = dataclasses.replace(
        make_actor("count-scoped", roles=("staff",)), scoped=True, scope_group_ids=(members["id"],)
    )
    samples = [row.email.split("@")[0][:5] + "@" for row in rows[:3] if row.email]
    samples += [row.email[:6] for row in rows[3:6] if row.email]
    samples += [row.phone[:8] for row in rows[6:12] if row.phone][:3]
    return {"actors": {"admin": ADMIN, "scoped": scoped}, "samples": samples, "group": board["id"]}


def paged_ids(cluster, q, filters, limit):
    ids, cursor, matches = [], None, set()
    while True:
        page = cluster.contacts.search_contacts(q=q, limit=limit, cursor=cursor, filters=filters)
        ids += [item["id"] for item in page["items"]]
        matches.add(page["match"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, matches


@pytest.mark.parametrize("who", ["admin", "scoped"])
def test_c4_issue13_the_count_is_the_number_of_rows_paged_through(world, rpc, who):
    queries = QUERIES + world["samples"]
    filter_sets = [*FILTERS, {"group_id": world["group"]}, {"group_id": world["group"], "kind": "person"}]
    typo_rows = 0
    with rpc(world["actors"][who], timeout=30) as cluster:
        for filters in filter_sets:
            for q in queries:
                ids, matches = paged_ids(cluster, q, filters, limit=40 if q in ("", "ma") else 6)
                assert len(ids) == len(set(ids)), (q, filters)
                count = cluster.contacts.count_contacts(q=q, filters=filters)
                assert (q, filters, count["count"], count["exact"]) == (q, filters, len(ids), True)
                assert not ids or matches == {count["match"]}, (q, filters, matches, count)
                summary = cluster.contacts.search_summary(q=q, filters=filters)
                assert summary["count"]["count"] == len(ids), (q, filters)
                typo_rows += len(ids) if count["match"] == "fuzzy" else 0
    assert typo_rows > 10, "the misspellings exercise the typo-tolerant path"


def test_c4_issue13_a_scoped_users_count_and_rows_are_those_of_the_scope(world, rpc):
    """The scope narrows both alike: the scoped user's rows are the admin's rows that are in the scope."""
    with rpc(ADMIN, timeout=30) as cluster:
        everyone, _ = paged_ids(cluster, "virtnen", {}, 5)
    with rpc(world["actors"]["scoped"], timeout=30) as cluster:
        scoped, _ = paged_ids(cluster, "virtnen", {}, 5)
        assert cluster.contacts.count_contacts(q="virtnen")["count"] == len(scoped)
    assert set(scoped) <= set(everyone) and 0 < len(scoped) < len(everyone)
