"""Stored member counts of groups (C7, C5): group_member_counts stays exact through every way
memberships change (add, end, future dates, bulk, move, merge-style re-pointing, contact delete,
concurrent writers) and when the day rolls forward; the tree and a group's page read it."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from piiri.errors import ValidationFailed
from services.audit.service import AuditService
from services.contacts.groups import storage
from services.contacts.service import ContactsService

MANAGER = make_actor("count-manager", permissions=(*ALL_PERMISSIONS, "groups.manage"))


@pytest.fixture
def contacts(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(MANAGER) as cluster:
        yield cluster.contacts


def people(contacts, count):
    return [
        contacts.create_contact({"first_name": "Testi", "last_name": f"L{i}"})["id"] for i in range(count)
    ]


def stored(engine):
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT group_id, direct_members, all_members FROM group_member_counts"))
        return {
            str(row.group_id): (row.direct_members, row.all_members)
            for row in rows
            if row.direct_members or row.all_members
        }


def live(engine, on):
    """The counts as the tree used to count them on every view: the reference."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        direct, total = storage.member_counts(session, on)
    keys = set(direct) | set(total)
    counts = {str(key): (direct.get(key, 0), total.get(key, 0)) for key in keys}
    return {key: value for key, value in counts.items() if value != (0, 0)}


def counted_on(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT counted_on FROM group_member_counts_day")).scalar()


def tree_counts(contacts):
    return {
        item["name"]: (item["direct_members"], item["all_members"])
        for item in contacts.list_groups(include_archived=True)["items"]
    }


def test_c7_c5_stored_counts_follow_every_membership_change(contacts, clean_databases):
    """C7/C5: direct and distinct including-subgroups counts are exact after adds, overlapping
    subgroups, future and ended memberships, bulk removal, moves, archive, re-pointing and deletes."""
    engine = clean_databases["contacts"]
    today = clock.today()
    root = contacts.create_group("Liitto")
    left = contacts.create_group("Vasen", parent_id=root["id"])
    right = contacts.create_group("Oikea", parent_id=root["id"])
    leaf = contacts.create_group("Lehti", parent_id=left["id"])
    other = contacts.create_group("Muut")
    a, b, c, d, e = people(contacts, 5)

    contacts.add_members(root["id"], [a])
    contacts.add_members(left["id"], [a, b])
    contacts.add_members(leaf["id"], [b, c])
    contacts.add_members(right["id"], [c, d])
    contacts.add_members(right["id"], [e], starts_on=(today + timedelta(days=3)).isoformat())
    assert tree_counts(contacts) == {
        "Liitto": (1, 4),  # a, b, c, d; e only starts in three days
        "Vasen": (2, 3),
        "Lehti": (2, 2),
        "Oikea": (2, 2),
        "Muut": (0, 0),
    }
    assert stored(engine) == live(engine, today)
    assert counted_on(engine) == today

    contacts.end_memberships(leaf["id"], [b, c])
    contacts.end_memberships(right["id"], [d])
    assert tree_counts(contacts)["Liitto"] == (1, 3)  # a, b (Vasen), c (Oikea)
    assert tree_counts(contacts)["Lehti"] == (0, 0)
    assert stored(engine) == live(engine, today)

    contacts.move_group(left["id"], other["id"])
    counts = tree_counts(contacts)
    assert counts["Liitto"] == (1, 2)  # a (direct), c (Oikea)
    assert counts["Muut"] == (0, 2)  # a, b under Vasen
    assert stored(engine) == live(engine, today)

    contacts.archive_group(other["id"])  # archiving keeps memberships and counts
    assert tree_counts(contacts)["Muut"] == (0, 2)

    with engine.begin() as conn:  # a merge re-points memberships to the survivor: one statement
        conn.execute(
            text("UPDATE memberships SET contact_id = :to WHERE contact_id = :from"), {"to": a, "from": c}
        )
    assert stored(engine) == live(engine, today)
    assert tree_counts(contacts)["Liitto"] == (1, 1)  # only a now, directly and through Oikea

    contacts.delete_contact(b)
    assert stored(engine) == live(engine, today)
    assert contacts.get_group(other["id"])["all_members"] == 1
    assert contacts.get_group(root["id"])["direct_members"] == 1


def test_c7_c5_tree_to_a_depth_tells_what_is_below(contacts, clean_databases):
    """C7/C5: max_depth lists only the top levels (the tree page at 10,000 groups), each group at the
    limit saying how many subgroups it has; its counts still include the whole subtree."""
    root = contacts.create_group("Ylin")
    middle = contacts.create_group("Keski", parent_id=root["id"])
    deep = contacts.create_group("Syvä", parent_id=middle["id"])
    contacts.create_group("Syvä 2", parent_id=middle["id"])
    (person,) = people(contacts, 1)
    contacts.add_members(deep["id"], [person])
    top = contacts.list_groups(max_depth=1, compact=True)["items"]
    assert [(item["name"], item["depth"], item["more_subgroups"]) for item in top] == [
        ("Ylin", 0, 0),
        ("Keski", 1, 2),
    ]
    assert set(top[0]) == {*storage_tree_fields(), "more_subgroups"}
    assert (top[0]["all_members"], top[1]["all_members"]) == (1, 1)
    assert [item["name"] for item in contacts.list_groups(max_depth=0)["items"]] == ["Ylin"]
    assert len(contacts.list_groups()["items"]) == 4
    for bad in (-1, "deep", 101):
        with pytest.raises(ValidationFailed) as error:
            contacts.list_groups(max_depth=bad)
        assert "max_depth" in error.value.details


def storage_tree_fields():
    from services.contacts.groups.tree import COMPACT_FIELDS

    return COMPACT_FIELDS


def test_c7_c5_counts_roll_forward_to_a_new_day(contacts, clean_databases):
    """C7/C5: memberships that start or end between the counted day and today change the counts
    when the tree is next read (the day is rolled forward, re-counting only those people)."""
    engine = clean_databases["contacts"]
    today = clock.today()
    root = contacts.create_group("Seura")
    sub = contacts.create_group("Jaosto", parent_id=root["id"])
    a, b, c = people(contacts, 3)
    contacts.add_members(root["id"], [a], starts_on=(today - timedelta(days=20)).isoformat())
    contacts.add_members(
        sub["id"],
        [b],
        starts_on=(today - timedelta(days=20)).isoformat(),
        ends_on=(today - timedelta(days=5)).isoformat(),
    )
    contacts.add_members(sub["id"], [c], starts_on=(today - timedelta(days=3)).isoformat())
    # The counts as they were ten days ago: a and b active, c not yet.
    with engine.begin() as conn:
        conn.execute(text("SELECT piiri_group_counts_rebuild(:day)"), {"day": today - timedelta(days=10)})
    assert stored(engine) == {root["id"]: (1, 2), sub["id"]: (1, 1)}

    assert tree_counts(contacts) == {"Seura": (1, 2), "Jaosto": (1, 1)}  # a; c (b ended)
    assert counted_on(engine) == today
    assert stored(engine) == live(engine, today)


def test_c7_c5_another_day_is_counted_live(contacts, clean_databases):
    """C7: ``on`` another day than today still gives that day's exact counts (not the stored ones)."""
    today = clock.today()
    root = contacts.create_group("Kerho")
    (a,) = people(contacts, 1)
    contacts.add_members(root["id"], [a], starts_on=(today + timedelta(days=7)).isoformat())
    assert contacts.get_group(root["id"])["direct_members"] == 0
    later = contacts.get_group(root["id"], on=(today + timedelta(days=8)).isoformat())
    assert (later["direct_members"], later["all_members"]) == (1, 1)
    tree = contacts.list_groups(on=(today + timedelta(days=8)).isoformat())["items"]
    assert (tree[0]["direct_members"], tree[0]["all_members"]) == (1, 1)
    assert counted_on(clean_databases["contacts"]) == today  # the stored counts stay today's
    assert contacts.list_groups()["items"][0]["direct_members"] == 0


def test_c7_c5_concurrent_writers_count_a_person_once(contacts, clean_databases):
    """C7: two transactions adding the same person to two subgroups at once: the parent counts the
    person once (the second waits for the first, then sees its row)."""
    engine = clean_databases["contacts"]
    root = contacts.create_group("Juuri")
    one = contacts.create_group("Yksi", parent_id=root["id"])
    two = contacts.create_group("Kaksi", parent_id=root["id"])
    (person,) = people(contacts, 1)
    contacts.list_groups()  # the counted day exists
    insert = text("INSERT INTO memberships (group_id, contact_id) VALUES (:g, :c)")
    first = engine.connect()
    first.begin()
    first.execute(insert, {"g": one["id"], "c": person})
    done = threading.Event()

    def second():
        with engine.begin() as conn:
            conn.execute(insert, {"g": two["id"], "c": person})
        done.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not done.wait(1.0)  # waits for the first transaction's lock on the person
    first.commit()
    first.close()
    thread.join(10)
    assert done.is_set()
    assert stored(engine)[root["id"]] == (0, 1)
    assert stored(engine) == live(engine, clock.today())
