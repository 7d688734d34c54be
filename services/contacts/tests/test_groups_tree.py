"""Pure rules of the group tree (C7): paths, moving a subtree, cycles, names, dates, tree order."""

import uuid
from datetime import date

import pytest

from piiri.errors import ValidationFailed
from services.contacts.groups import tree


def group(name, parent=None, archived=False):
    group_id = uuid.uuid4()
    return {
        "id": group_id,
        "name": name,
        "parent_id": parent["id"] if parent else None,
        "path": tree.path_for(parent["path"] if parent else None, group_id),
        "archived_at": "2026-01-01" if archived else None,
    }


def test_c7_paths_and_ancestors():
    root = group("Hallitus")
    child = group("Työryhmä", root)
    assert child["path"] == f"/{root['id']}/{child['id']}/"
    assert tree.ancestor_ids(child["path"]) == [str(root["id"]), str(child["id"])]
    names = {str(root["id"]): "Hallitus", str(child["id"]): "Työryhmä"}
    assert tree.path_names(child["path"], names) == "Hallitus / Työryhmä"


def test_c7_moving_a_subtree_rewrites_descendant_paths():
    root, other = group("A"), group("B")
    child = group("A1", root)
    grandchild = group("A1a", child)
    new_prefix = tree.path_for(other["path"], child["id"])
    assert tree.moved_path(grandchild["path"], child["path"], new_prefix) == (
        f"/{other['id']}/{child['id']}/{grandchild['id']}/"
    )
    with pytest.raises(ValueError):
        tree.moved_path(other["path"], child["path"], new_prefix)


def test_c7_moving_under_itself_or_a_descendant_is_a_cycle():
    root = group("A")
    child = group("A1", root)
    grandchild = group("A1a", child)
    for target, code in ((root, "groups.move_under_itself"), (grandchild, "groups.move_under_subgroup")):
        with pytest.raises(ValidationFailed) as error:
            tree.check_move(root, target)
        assert error.value.message == code  # a code, worded by the gateway (issue 11 item 5)
        assert error.value.details["parent_id"][0] == {"code": code, "params": {"name": target["name"]}}
    tree.check_move(grandchild, root)  # up the tree is fine
    tree.check_move(child, None)  # to the top level
    with pytest.raises(ValidationFailed):
        tree.check_move(child, group("Arkisto", archived=True))


def test_c7_names():
    assert tree.clean_name("  Hallitus   2026 ") == "Hallitus 2026"
    for bad in ("", "   ", None, "x" * 201):
        with pytest.raises(ValidationFailed) as error:
            tree.clean_name(bad)
        assert "name" in error.value.details
    with pytest.raises(ValidationFailed):
        tree.check_unique_name("HALLITUS", ["Hallitus"])
    tree.check_unique_name("Hallitus", ["Jäsenet"])


def test_c7_dates_and_activity():
    with pytest.raises(ValidationFailed) as error:
        tree.check_dates(date(2026, 5, 1), date(2026, 4, 30))
    assert "ends_on" in error.value.details
    membership = {"starts_on": date(2026, 1, 1), "ends_on": date(2026, 6, 1)}
    assert tree.is_active(membership, date(2026, 1, 1))
    assert not tree.is_active(membership, date(2026, 6, 1))  # ends_on: the day they left
    assert tree.is_active({"starts_on": date(2026, 1, 1), "ends_on": None}, date(2030, 1, 1))


def test_c7_tree_order_depth_and_counts():
    b, a = group("b"), group("A")
    a2, a1 = group("a2", a), group("a1", a)
    rows = tree.build_tree([b, a2, a, a1], {a1["id"]: 2}, {a["id"]: 3, a1["id"]: 2})
    assert [(row["name"], row["depth"]) for row in rows] == [("A", 0), ("a1", 1), ("a2", 1), ("b", 0)]
    assert [(row["direct_members"], row["all_members"]) for row in rows] == [(0, 3), (2, 2), (0, 0), (0, 0)]


def test_c7_c5_listed_tree_rows_are_what_the_group_contract_dumps():
    """C7/C5: the tree's rows are built without the schema (fast at 10,000 groups) but are exactly
    what Group().dump gives; the compact rows of the tree page are a subset of them."""
    import uuid
    from datetime import UTC, datetime

    from services.contacts.groups.contract import Group

    when = datetime(2026, 11, 25, 12, 30, 1, 123456, tzinfo=UTC)
    item = {
        "id": uuid.uuid4(),
        "parent_id": uuid.uuid4(),
        "name": "Työryhmä",
        "description": None,
        "path": "/a/b/",
        "path_names": "Hallitus / Työryhmä",
        "archived": False,
        "archived_at": None,
        "created_at": when,
        "updated_at": when,
        "depth": 1,
        "direct_members": 3,
        "all_members": 5,
    }
    assert tree.listed(item) == Group().dump(item)
    root = {**item, "parent_id": None, "archived": True, "archived_at": when}
    assert tree.listed(root) == Group().dump(root)
    compact = tree.listed(item, tree.COMPACT_FIELDS)
    assert compact == {key: Group().dump(item)[key] for key in tree.COMPACT_FIELDS}
