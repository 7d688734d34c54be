"""Groups over the real broker and database (C7): tree, moves, archive, bulk memberships, members
including subgroups with paging, events and audit; bad input changes nothing."""

import uuid

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import event_recorder, wait_for

MANAGER = make_actor("group-manager", permissions=(*ALL_PERMISSIONS, "groups.manage"))
GroupEventRecorder, received = event_recorder(
    "group_event_recorder", "member_joined", "member_left", "group_changed"
)


@pytest.fixture
def contacts(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(MANAGER) as cluster:
        yield cluster.contacts


def people(contacts, *names):
    return [contacts.create_contact({"first_name": "Testi", "last_name": name})["id"] for name in names]


def count(engine, sql):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def test_c7_tree_move_and_members_including_subgroups(contacts):
    """C7: a tree of any depth; members including subgroups; moving a subtree rewrites every path."""
    board = contacts.create_group("Hallitus")
    team = contacts.create_group("Työryhmä", parent_id=board["id"])
    sub = contacts.create_group("Alaryhmä", parent_id=team["id"])
    other = contacts.create_group("Jäsenet")
    assert sub["path"] == f"/{board['id']}/{team['id']}/{sub['id']}/"
    assert sub["path_names"] == "Hallitus / Työryhmä / Alaryhmä"
    anna, bertta, cecilia = people(contacts, "Aalto", "Bäck", "Ceder")
    contacts.add_members(board["id"], [anna])
    contacts.add_members(sub["id"], [bertta, anna], role="puheenjohtaja")
    contacts.add_members(other["id"], [cecilia])

    def names(group_id, **kwargs):
        return [item["display_name"] for item in contacts.members(group_id, **kwargs)["items"]]

    assert names(board["id"]) == ["Testi Aalto", "Testi Bäck"]
    assert names(board["id"], include_subgroups=False) == ["Testi Aalto"]
    page = contacts.members(sub["id"])["items"]
    assert [(item["direct"], item["role"]) for item in page] == [(True, "puheenjohtaja")] * 2

    tree = {item["name"]: item for item in contacts.list_groups()["items"]}
    assert list(tree) == ["Hallitus", "Työryhmä", "Alaryhmä", "Jäsenet"]
    assert [tree[name]["depth"] for name in tree] == [0, 1, 2, 0]
    assert (tree["Hallitus"]["direct_members"], tree["Hallitus"]["all_members"]) == (1, 2)
    assert (tree["Työryhmä"]["direct_members"], tree["Työryhmä"]["all_members"]) == (0, 2)

    moved = contacts.move_group(team["id"], other["id"])
    assert moved["path"] == f"/{other['id']}/{team['id']}/"
    assert contacts.get_group(sub["id"])["path"] == f"/{other['id']}/{team['id']}/{sub['id']}/"
    assert names(board["id"]) == ["Testi Aalto"]
    assert names(other["id"]) == ["Testi Aalto", "Testi Bäck", "Testi Ceder"]
    assert contacts.move_group(team["id"], None)["path"] == f"/{team['id']}/"


def test_c7_circular_move_is_refused_and_changes_nothing(contacts, clean_databases):
    """C7: moving a group under itself or its descendant is a clear error naming parent_id."""
    board = contacts.create_group("Hallitus")
    team = contacts.create_group("Työryhmä", parent_id=board["id"])
    sub = contacts.create_group("Alaryhmä", parent_id=team["id"])
    before = count(clean_databases["contacts"], "SELECT count(*) FROM outbox")
    for target, code in (
        (board["id"], "groups.move_under_itself"),
        (sub["id"], "groups.move_under_subgroup"),
    ):
        with pytest.raises(ValidationFailed) as error:
            contacts.move_group(board["id"], target)
        assert error.value.message == code and error.value.details["parent_id"][0]["code"] == code
    with pytest.raises(NotFound):
        contacts.move_group(board["id"], str(uuid.uuid4()))
    assert contacts.get_group(sub["id"])["path"] == f"/{board['id']}/{team['id']}/{sub['id']}/"
    assert count(clean_databases["contacts"], "SELECT count(*) FROM outbox") == before


def test_c7_names_are_checked(contacts):
    """C7: names are required, at most 200 characters and unique among siblings (case-insensitive)."""
    board = contacts.create_group("Hallitus")
    for bad, field in (("  ", "name"), ("x" * 201, "name"), ("hallitus", "name")):
        with pytest.raises(ValidationFailed) as error:
            contacts.create_group(bad)
        assert field in error.value.details
    contacts.create_group("Hallitus", parent_id=board["id"])  # same name at another level is fine
    other = contacts.create_group("Muut")
    with pytest.raises(ValidationFailed):
        contacts.update_group(other["id"], {"name": "HALLITUS"})
    renamed = contacts.update_group(other["id"], {"name": "Muut jäsenet", "description": "x"})
    assert renamed["name"] == "Muut jäsenet"


def test_c7_archive_hides_the_subtree_and_keeps_memberships(contacts):
    """C7: archiving archives the subtree; archived groups are hidden by default; memberships stay."""
    board = contacts.create_group("Hallitus")
    team = contacts.create_group("Työryhmä", parent_id=board["id"])
    (anna,) = people(contacts, "Aalto")
    contacts.add_members(team["id"], [anna])
    contacts.archive_group(board["id"])
    assert contacts.list_groups()["items"] == []
    archived = contacts.list_groups(include_archived=True)["items"]
    assert [(item["name"], item["archived"]) for item in archived] == [("Hallitus", True), ("Työryhmä", True)]
    assert [item["id"] for item in contacts.members(board["id"])["items"]] == [anna]
    with pytest.raises(ValidationFailed):
        contacts.add_members(team["id"], [anna])
    with pytest.raises(ValidationFailed):
        contacts.archive_group(team["id"], archived=False)  # its parent is still archived
    contacts.archive_group(board["id"], archived=False)
    assert len(contacts.list_groups()["items"]) == 2


def test_c7_bulk_add_validates_every_id_and_skips_members(contacts, clean_databases):
    """C7: bulk add of a selection: unknown ids -> NotFound listing them and nothing written."""
    group = contacts.create_group("Kuoro")
    ids = people(contacts, "Aalto", "Bäck")
    unknown = str(uuid.uuid4())
    with pytest.raises(NotFound) as error:
        contacts.add_members(group["id"], [*ids, unknown])
    assert error.value.details["contact_ids"] == [unknown]
    with pytest.raises(ValidationFailed) as error:
        contacts.add_members(group["id"], [ids[0], "not-an-id"])
    assert "contact_ids" in error.value.details
    with pytest.raises(ValidationFailed) as error:
        contacts.add_members(group["id"], ids, starts_on="2026-05-01", ends_on="2026-04-01")
    assert "ends_on" in error.value.details
    with pytest.raises(ValidationFailed):
        contacts.add_members(group["id"], [str(uuid.uuid4()) for _ in range(10_001)])
    assert count(clean_databases["contacts"], "SELECT count(*) FROM memberships") == 0

    first = contacts.add_members(group["id"], [ids[0]])
    result = contacts.add_members(group["id"], ids, role="basso")
    assert (result["added"], result["skipped"]) == ([ids[1]], [ids[0]])

    removed = contacts.end_memberships(group["id"], [*ids, unknown])
    assert sorted(removed["ended"]) == sorted(ids) and removed["skipped"] == [unknown]
    assert contacts.members(group["id"])["items"] == []
    assert first["added"] == [ids[0]]
    history = contacts.get_contact(ids[1])["groups"]
    assert [(item["group_name"], item["role"], item["active"]) for item in history] == [
        ("Kuoro", "basso", False)
    ]


def test_c7_members_paging_and_one_audit_read_per_page(contacts, rpc):
    """C7/C5: keyset paging over members; each page is one audit read naming every contact shown."""
    group = contacts.create_group("Iso ryhmä")
    child = contacts.create_group("Pieni", parent_id=group["id"])
    ids = people(contacts, *(f"Jäsen{index:02d}" for index in range(7)))
    contacts.add_members(group["id"], ids[:4])
    contacts.add_members(child["id"], ids[2:])
    seen, cursor = [], None
    while True:
        page = contacts.members(group["id"], limit=3, cursor=cursor)
        seen.extend(item["id"] for item in page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ids
    with pytest.raises(ValidationFailed):
        contacts.members(group["id"], cursor="bogus")
    with rpc(MANAGER) as cluster:
        trail = wait_for(
            lambda: [
                event
                for event in cluster.audit.events_for_subject(ids[6])["items"]
                if event["action"] == "group.members_listed"
            ]
        )
    assert trail and set(trail[-1]["subject_ids"]) == {ids[6]}
    assert trail[-1]["details"]["group_id"] == group["id"]


def test_c7_membership_and_group_events_through_the_outbox(run_services, rpc):
    """C7 (for C8): member_joined, member_left and group_changed are published, versioned."""
    received.clear()
    run_services(GroupEventRecorder)
    run_services(ContactsService, AuditService)
    with rpc(MANAGER) as cluster:
        group = cluster.contacts.create_group("Tapahtumat")
        (anna,) = [cluster.contacts.create_contact({"first_name": "Anna", "last_name": "Aalto"})["id"]]
        cluster.contacts.add_members(group["id"], [anna], role="jäsen", starts_on="2026-01-01")
        cluster.contacts.end_memberships(group["id"], [anna], ends_on="2026-11-01")
        cluster.contacts.update_group(group["id"], {"name": "Tapahtumaryhmä"})

    def ours():
        return [(kind, payload) for kind, payload in received if payload["group_id"] == group["id"]]

    assert wait_for(lambda: len(ours()) >= 3)
    events = dict(ours())
    assert events["member_joined"]["contact_id"] == anna
    assert (events["member_joined"]["role"], events["member_joined"]["starts_on"]) == ("jäsen", "2026-01-01")
    assert events["member_left"]["ends_on"] == "2026-11-01"
    assert events["group_changed"]["schema_version"] == 1
    assert events["group_changed"]["change"] == "updated"


def test_c7_permissions(run_services, rpc):
    """C7/C6: staff may add and remove members but not create, move or archive groups."""
    run_services(ContactsService, AuditService)
    with rpc(MANAGER) as cluster:
        group = cluster.contacts.create_group("Hallitus")
        anna = cluster.contacts.create_contact({"first_name": "Anna", "last_name": "Aalto"})["id"]
    staff = make_actor("staffer", permissions=("contacts.view", "contacts.edit"), roles=("staff",))
    with rpc(staff) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.contacts.create_group("Oma")
        with pytest.raises(PermissionDenied):
            cluster.contacts.archive_group(group["id"])
        assert cluster.contacts.add_members(group["id"], [anna])["added"] == [anna]
    with rpc(make_actor("viewer", permissions=("contacts.view",))) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.contacts.add_members(group["id"], [anna])
        assert cluster.contacts.list_groups()["items"][0]["direct_members"] == 1


def test_c7_search_filters_group_id_and_direct_group_id(contacts):
    """C7/C4: search_contacts(filters={"group_id": …}) lists members including subgroups, with paging."""
    board = contacts.create_group("Hallitus")
    team = contacts.create_group("Työryhmä", parent_id=board["id"])
    anna, bertta, _ = people(contacts, "Aalto", "Bäck", "Ceder")
    contacts.add_members(board["id"], [anna])
    contacts.add_members(team["id"], [bertta])

    def ids(q="", **filters):
        return [item["id"] for item in contacts.search_contacts(q, filters=filters)["items"]]

    assert ids(group_id=board["id"]) == [anna, bertta]
    assert ids(direct_group_id=board["id"]) == [anna]
    assert ids("bäck", group_id=board["id"]) == [bertta]
    page = contacts.search_contacts("", limit=1, filters={"group_id": board["id"]})
    assert [item["id"] for item in page["items"]] == [anna]
    following = contacts.search_contacts("", cursor=page["next_cursor"], filters={"group_id": board["id"]})
    assert [item["id"] for item in following["items"]] == [bertta]
    with pytest.raises(ValidationFailed) as error:
        contacts.search_contacts("", filters={"group_id": "nope"})
    assert "group_id" in error.value.details
