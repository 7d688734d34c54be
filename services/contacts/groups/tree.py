"""Pure rules of the group tree (C7): materialised paths, moving a subtree, cycles, names and dates.

No SQL and no Nameko here: storage.py and rpc.py apply these rules.
"""

from piiri.collation import finnish_key
from piiri.errors import ValidationFailed, coded
from services.contacts.groups.contract import MAX_NAME


def path_for(parent_path, group_id):
    """The path of a group under ``parent_path`` (None for a root): '/<root>/…/<own id>/'."""
    return f"{parent_path or '/'}{group_id}/"


def ancestor_ids(path):
    """The ids on a path from the root down to the group itself."""
    return [part for part in path.split("/") if part]


def is_within(path, subtree_path):
    """Whether the group at ``path`` is the group at ``subtree_path`` or one of its descendants."""
    return path.startswith(subtree_path)


def moved_path(path, old_prefix, new_prefix):
    """A descendant's path after its subtree moved from ``old_prefix`` to ``new_prefix``."""
    if not is_within(path, old_prefix):
        raise ValueError(f"{path} is not within {old_prefix}")
    return new_prefix + path[len(old_prefix) :]


def check_move(group, new_parent):
    """Refuse moving a group under itself or its own descendant (a cycle), or under an archived group."""
    if new_parent is None:
        return
    if is_within(new_parent["path"], group["path"]):
        where = "itself" if new_parent["id"] == group["id"] else "its own subgroup"
        code = "groups.move_under_itself" if where == "itself" else "groups.move_under_subgroup"
        raise ValidationFailed(code, {"parent_id": [coded(code, name=new_parent["name"])]})
    if new_parent.get("archived_at") is not None:
        raise ValidationFailed(
            "groups.move_under_archived",
            {"parent_id": [coded("groups.group_archived", name=new_parent["name"])]},
        )


def clean_name(name):
    """A group's name trimmed, or a ValidationFailed naming the field."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed("groups.name_required", {"name": ["groups.name_required"]})
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise ValidationFailed(
            "groups.name_too_long", {"name": [coded("groups.name_too_long", max=MAX_NAME)]}
        )
    return name


def check_unique_name(name, sibling_names):
    """Sibling groups that are not archived have different names (case-insensitive)."""
    if name.casefold() in {sibling.casefold() for sibling in sibling_names}:
        raise ValidationFailed("groups.name_taken", {"name": [coded("groups.name_taken", name=name)]})


def check_dates(starts_on, ends_on):
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("groups.ends_before_start", {"ends_on": ["groups.ends_before_start"]})


def is_active(membership, on):
    """Active on day ``on``: started on or before it and not yet ended (``ends_on`` is the day it ended)."""
    ends_on = membership.get("ends_on")
    return membership["starts_on"] <= on and (ends_on is None or on < ends_on)


def path_names(path, names_by_id):
    """'Hallitus / Työryhmä' for a path, from {id: name} of its groups."""
    return " / ".join(names_by_id.get(group_id, "?") for group_id in ancestor_ids(path))


def build_tree(groups, direct_counts, total_counts):
    """Flat rows -> the tree in display order (depth-first, siblings by name) with depth and counts."""
    children = {}
    for group in groups:
        children.setdefault(group["parent_id"], []).append(group)
    ids = {group["id"] for group in groups}
    roots = [group for group in groups if group["parent_id"] is None or group["parent_id"] not in ids]
    ordered = []

    def visit(group, depth):
        ordered.append(
            {
                **group,
                "depth": depth,
                "direct_members": direct_counts.get(group["id"], 0),
                "all_members": total_counts.get(group["id"], 0),
            }
        )
        for child in sorted(children.get(group["id"], []), key=sort_key):
            visit(child, depth + 1)

    for root in sorted(roots, key=sort_key):
        visit(root, 0)
    return ordered


def sort_key(group):
    return (finnish_key(group["name"]), str(group["id"]))  # issue 13: Finnish order


LIST_FIELDS = (
    "id",
    "parent_id",
    "name",
    "description",
    "path",
    "path_names",
    "archived",
    "archived_at",
    "created_at",
    "updated_at",
    "depth",
    "direct_members",
    "all_members",
)
COMPACT_FIELDS = ("id", "parent_id", "name", "archived", "depth", "direct_members", "all_members")
COUNT_FIELDS = ("direct_members", "all_members")


MAX_DEPTH = 100


def depth_of(path):
    """0 for a top-level group ('/<id>/'), 1 for its subgroups, …"""
    return path.count("/") - 2


def clean_depth(value):
    """``max_depth`` of the tree listing: None (every level) or 0..100, else a ValidationFailed."""
    if value in (None, ""):
        return None
    try:
        depth = int(value)
    except (TypeError, ValueError):
        depth = -1
    if isinstance(value, bool) or not 0 <= depth <= MAX_DEPTH:
        raise ValidationFailed("contact.invalid", {"max_depth": [coded("err.group_depth", max=MAX_DEPTH)]})
    return depth


def listed(item, fields=LIST_FIELDS):
    """A tree row as the Group contract dumps it (ids as text, times ISO 8601), built directly: at
    10,000 groups the schema's dump would cost more than reading the tree."""
    out = {}
    for key in fields:
        value = item.get(key)
        if value is not None and key in ("id", "parent_id"):
            value = str(value)
        elif value is not None and key in ("archived_at", "created_at", "updated_at"):
            value = value.isoformat()
        out[key] = value
    return out
