"""RPC methods of groups and memberships (C7), a feature of ContactsService: validate, apply tree rules,
audit.

Permissions: ``groups.manage`` to create, rename, move and archive groups; ``contacts.edit`` to add and
remove members; ``contacts.view`` to read groups and members.
"""

import uuid
from datetime import date

from marshmallow import ValidationError
from nameko.rpc import rpc
from sqlalchemy import and_

from piiri import clock
from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed, coded
from services.contacts import scopes
from services.contacts.advanced_search import storage as advanced_storage
from services.contacts.advanced_search.rules import checked_sort
from services.contacts.automations import storage as automation_storage
from services.contacts.contract import SUMMARY_FIELDS
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_derived
from services.contacts.groups import memberships, storage, tree
from services.contacts.groups.contract import (
    Group,
    GroupInput,
    MemberPage,
    MembershipChange,
    MembersInput,
    RemoveMembersInput,
    SearchMembersInput,
    SearchRemoveInput,
)
from services.contacts.search import clamp_limit, decode_cursor, encode_cursor
from services.contacts.validation.contract import invalid

MANAGE = "groups.manage"
GROUP = Group()
CHANGE = MembershipChange()


def loaded(schema, data):
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None


def group_event(group, change, changed_fields, subtree_ids=()):
    return {
        "group_id": str(group["id"]),
        "change": change,
        "changed_fields": sorted(changed_fields),
        "subtree_ids": [str(group_id) for group_id in subtree_ids] or [str(group["id"])],
        "group": GROUP.dump(
            {
                key: group[key]
                for key in ("id", "parent_id", "name", "description", "path", "archived", "archived_at")
            }
        ),
    }


class GroupsRpc(ContactsCore):
    """Groups and subgroups, memberships, members including subgroups (C7)."""

    # --- the tree ---------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_group(self, name, parent_id=None, description=None):
        actor = self.context.require(MANAGE)
        values = loaded(GroupInput(), {"name": name, "parent_id": parent_id, "description": description})
        name = tree.clean_name(values["name"])
        with self.db.transaction() as session:
            storage.lock_tree(session)
            parent = (
                storage.existing_group(session, values.get("parent_id"), "parent_id")
                if values.get("parent_id")
                else None
            )
            if parent is not None and parent["archived"]:
                raise ValidationFailed(
                    "groups.parent_archived",
                    {"parent_id": [coded("groups.group_archived", name=parent["name"])]},
                )
            tree.check_unique_name(name, storage.sibling_names(session, parent and parent["id"]))
            group_id = uuid.uuid4()
            group = storage.insert_group(
                session,
                group_id,
                parent and parent["id"],
                name,
                values.get("description"),
                tree.path_for(parent and parent["path"], group_id),
            )
            self._groups_record_change(
                session,
                actor,
                "group.created",
                "group_created",
                group,
                "created",
                ["name", "parent_id", "description"],
            )
        self.outbox.flush()
        return self._groups_view(group)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_group(self, group_id, changes):
        """Rename, describe, move (``parent_id``) or archive/restore (``archived``) it, atomically."""
        actor = self.context.require(MANAGE)
        values = loaded(GroupInput(partial=True), changes)
        with self.db.transaction() as session:
            storage.lock_tree(session)
            group = storage.existing_group(session, group_id, for_update=True)
            if "parent_id" in values and values["parent_id"] != group["parent_id"]:
                group = self._groups_move(session, actor, group, values["parent_id"])
            if "archived" in values and values["archived"] != group["archived"]:
                group = self._groups_archive(session, actor, group, values["archived"])
            edits = {}
            if "name" in values:
                name = tree.clean_name(values["name"])
                if name != group["name"]:
                    edits["name"] = name
            if "description" in values and values["description"] != group["description"]:
                edits["description"] = values["description"]
            if "name" in edits and not group["archived"]:
                tree.check_unique_name(
                    edits["name"], storage.sibling_names(session, group["parent_id"], group["id"])
                )
            if edits:
                group = storage.update_group(session, group["id"], edits)
                self._groups_record_change(
                    session, actor, "group.changed", "group_changed", group, "updated", sorted(edits)
                )
        self.outbox.flush()
        return self._groups_view(group)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def move_group(self, group_id, new_parent_id=None):
        """Move a group and its whole subtree under ``new_parent_id`` (None: to the top level)."""
        return self.update_group(group_id, {"parent_id": new_parent_id})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def archive_group(self, group_id, archived=True):
        """Archive a group with its whole subtree (memberships kept); ``archived=False`` restores it."""
        return self.update_group(group_id, {"archived": archived})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_groups(self, include_archived=False, on=None, compact=False, max_depth=None, counts=True):
        """The whole tree, depth-first, with active member counts (direct and including subgroups);
        ``max_depth``: only the top levels (0: top-level groups), each group at the limit with
        ``more_subgroups``; ``compact``: only id, parent_id, name, archived, depth and the counts;
        ``counts=False`` (a form's group picker): without the counts, which are then neither computed
        nor audited (nothing derived from personal data is read)."""
        actor = self.context.require("contacts.view")
        on = self._groups_day(on, "on") or clock.today()
        max_depth = tree.clean_depth(max_depth)
        session = self.db.session
        rows = storage.all_groups(session, include_archived, max_depth)
        shown = [row["id"] for row in rows] if max_depth is not None else None
        if not counts:
            direct, total = {}, {}
        elif actor.scoped:  # C6: a scoped actor's counts include only the contacts in their scope
            direct, total = scopes.member_counts(session, actor, on)
        else:
            direct, total = storage.stored_member_counts(session, on, group_ids=shown)
        more = {}
        if max_depth is not None:
            deepest = [row["id"] for row in rows if tree.depth_of(row["path"]) == max_depth]
            more = storage.child_counts(session, deepest, include_archived)
        session.rollback()
        names = {str(row["id"]): row["name"] for row in rows}
        items = tree.build_tree(rows, direct, total)
        if counts:
            audit_derived(  # issue 12 item 4: member counts are derived from personal data
                self.audit,
                actor,
                "group_members",
                {
                    "groups": len(items),
                    "on": on.isoformat(),
                    "members": sum(total.get(row["id"], 0) for row in rows),
                },
            )
        fields = tree.COMPACT_FIELDS if compact else tree.LIST_FIELDS
        if not counts:
            fields = tuple(name for name in fields if name not in tree.COUNT_FIELDS)
        if max_depth is not None:
            fields = (*fields, "more_subgroups")
            for item in items:
                item["more_subgroups"] = more.get(item["id"], 0)
        if not compact:
            for item in items:
                item["path_names"] = tree.path_names(item["path"], names)
        return {"items": [tree.listed(item, fields) for item in items]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_group(self, group_id, on=None):
        """One group with its ancestors, children and member counts (no personal data)."""
        actor = self.context.require("contacts.view")
        on = self._groups_day(on, "on") or clock.today()
        session = self.db.session
        group = storage.existing_group(session, group_id)
        group = storage.with_names(session, group)
        group["children"] = storage.children_of(session, group["id"], include_archived=group["archived"])
        if actor.scoped:  # C6: only the members in the actor's scope are counted
            direct, total = scopes.member_counts(session, actor, on, [group["id"]])
            group["direct_members"], group["all_members"] = (
                direct.get(group["id"], 0),
                total.get(group["id"], 0),
            )
        else:
            direct, total = storage.stored_member_counts(session, on, group)
            group["direct_members"], group["all_members"] = (
                direct.get(group["id"], 0),
                total.get(group["id"], 0),
            )
        session.rollback()
        audit_derived(  # issue 12 item 4: member counts are derived from personal data
            self.audit,
            actor,
            "group_members",
            {
                "group_id": str(group["id"]),
                "on": on.isoformat(),
                "direct": group["direct_members"],
                "all": group["all_members"],
            },
        )
        group["depth"] = len(group["ancestors"])
        return GROUP.dump(group)

    # --- memberships ------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_members(self, group_id, contact_ids, role=None, starts_on=None, ends_on=None):
        """Add people (up to 10,000) to a group; people already members from ``starts_on`` on are skipped.

        Every id must name a contact: unknown ids are refused (NotFound listing them) and nothing is written.
        """
        actor = self.context.require("contacts.edit")
        values = loaded(
            MembersInput(),
            {"contact_ids": contact_ids, "role": role, "starts_on": starts_on, "ends_on": ends_on},
        )
        ids = list(dict.fromkeys(uuid.UUID(item) for item in values["contact_ids"]))
        with self.db.transaction() as session:
            group = memberships.target_group(session, actor, group_id)
            found = scopes.visible_ids(session, actor, storage.existing_contact_ids(session, ids))
            unknown = [str(contact_id) for contact_id in ids if contact_id not in found]
            if unknown:
                raise NotFound(
                    "groups.unknown_contacts", {"contact_ids": unknown[:100]}, {"count": len(unknown)}
                )
            result = memberships.add(self.audit, self.outbox, session, actor, group, ids, values, {})
        self.outbox.flush()
        return CHANGE.dump(result)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def add_members_matching(
        self, group_id, q="", filters=None, expected_count=None, role=None, starts_on=None, ends_on=None
    ):
        """Add every contact the contact list's search ``q`` + ``filters`` finds (as the list shows it,
        in the caller's data scope) to a group: "all N results" (issue 13 item 4). At most 10,000
        (MAX_CONTACTS_PER_ACTION) in one transaction: more is refused whole (ValidationFailed
        groups.too_many), as is a search that finds nobody (groups.nothing_matched); with
        ``expected_count`` a search that now finds another number is a Conflict (groups.selection_changed,
        params count and expected) and nothing is written."""
        actor = self.context.require("contacts.edit")
        values = loaded(
            SearchMembersInput(),
            {
                "q": q or "",
                "filters": filters or {},
                "expected_count": expected_count,
                "role": role,
                "starts_on": starts_on,
                "ends_on": ends_on,
            },
        )
        with self.db.transaction() as session:
            group = memberships.target_group(session, actor, group_id)
            ids = memberships.matching_ids(session, actor, values)
            result = memberships.add(
                self.audit,
                self.outbox,
                session,
                actor,
                group,
                ids,
                values,
                memberships.selection_details(values, ids),
            )
        self.outbox.flush()
        return CHANGE.dump(result)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def check_group_target(self, group_id, field="group_id"):
        """Whether the caller may put contacts in this group (an import's group_id, before its commit):
        NotFound for no such group, ValidationFailed for an archived one, PermissionDenied for one outside
        a scoped caller's scope (issue 12 item 7a). Returns {"group_id", "name"}."""
        actor = self.context.require("contacts.edit")
        session = self.db.session
        try:
            group = storage.existing_group(session, group_id, field)
            if group["archived"]:
                raise ValidationFailed(
                    "groups.add_to_archived", {field: [coded("groups.group_archived", name=group["name"])]}
                )
            scopes.require_group_in_scope(session, actor, group, field)
        finally:
            session.rollback()
        return {"group_id": str(group["id"]), "name": group["name"]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def end_memberships(self, group_id, contact_ids, ends_on=None):
        """End these people's direct memberships on ``ends_on`` (default today); history is kept."""
        actor = self.context.require("contacts.edit")
        values = loaded(RemoveMembersInput(), {"contact_ids": contact_ids, "ends_on": ends_on})
        ids = list(dict.fromkeys(uuid.UUID(item) for item in values["contact_ids"]))
        with self.db.transaction() as session:
            group = storage.existing_group(session, group_id, for_update=True)
            visible = scopes.visible_ids(session, actor, ids)  # C6: out-of-scope people are skipped
            result = memberships.end(
                self.audit,
                self.outbox,
                session,
                actor,
                group,
                ids,
                [i for i in ids if i in visible],
                values,
                {},
            )
        self.outbox.flush()
        return CHANGE.dump(result)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def end_memberships_matching(self, group_id, q="", filters=None, expected_count=None, ends_on=None):
        """End the direct memberships in a group of every contact the contact list's search finds (in the
        caller's data scope): "all N results" (issue 13 item 4), with the limits and checks of
        add_members_matching; those who are not members are skipped."""
        actor = self.context.require("contacts.edit")
        values = loaded(
            SearchRemoveInput(),
            {"q": q or "", "filters": filters or {}, "expected_count": expected_count, "ends_on": ends_on},
        )
        with self.db.transaction() as session:
            group = storage.existing_group(session, group_id, for_update=True)
            ids = memberships.matching_ids(session, actor, values)
            selection = memberships.selection_details(values, ids)
            result = memberships.end(
                self.audit, self.outbox, session, actor, group, ids, ids, values, selection
            )
        self.outbox.flush()
        return CHANGE.dump(result)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def members(
        self,
        group_id,
        include_subgroups=True,
        active_on=None,
        limit=None,
        cursor=None,
        sort=None,
        direction=None,
    ):
        """One page of a group's active members, in name order or by ``sort`` (name, email, city,
        birth_date, created_at, updated_at; Finnish order for text) and ``direction``, as the contact list
        (issue 13 item 4); a cursor is valid only with its sort. The page's contacts are one audited read."""
        actor = self.context.require("contacts.view")
        limit = clamp_limit(limit)
        on = self._groups_day(active_on, "active_on") or clock.today()
        session = self.db.session
        group = storage.existing_group(session, group_id)
        scope = scopes.conditions(session, actor)
        if (sort or "name") == "name" and (direction or "asc") == "asc":
            position = decode_cursor(cursor)
            if position is not None and not ({"s", "i"} <= set(position)):
                raise ValidationFailed(
                    "The paging cursor is not valid.", {"cursor": ["contact.cursor_invalid"]}
                )
            items, next_position = storage.members_page(
                session, group, bool(include_subgroups), on, limit, position, scope
            )
            next_cursor = encode_cursor({"m": "k", **next_position}) if next_position else None
        else:
            sort, direction = checked_sort(sort, direction)
            position = advanced_storage.position_for(cursor, sort, direction)
            condition = and_(
                storage.member_condition(group["id"], on, bool(include_subgroups), group["path"]), *scope
            )
            found, next_position = advanced_storage.page(session, condition, sort, direction, limit, position)
            items = storage.members_of(session, group["id"], found, on)
            next_cursor = encode_cursor(next_position) if next_position else None
        session.rollback()
        if items:
            self.audit.read(
                actor,
                "group.members_listed",
                "contact",
                [item["id"] for item in items],
                fields=SUMMARY_FIELDS,
                details={"group_id": str(group["id"]), "include_subgroups": bool(include_subgroups)},
            )
        return MemberPage().dump({"items": items, "next_cursor": next_cursor})

    # --- helpers ----------------------------------------------------------------------------------------

    def _groups_move(self, session, actor, group, new_parent_id):
        new_parent = (
            storage.existing_group(session, new_parent_id, "parent_id", for_update=True)
            if new_parent_id
            else None
        )
        tree.check_move(group, new_parent)
        if not group["archived"]:
            tree.check_unique_name(
                group["name"], storage.sibling_names(session, new_parent and new_parent["id"])
            )
        new_path = tree.path_for(new_parent and new_parent["path"], group["id"])
        # C8: a move changes which automations fire for the subtree; one that closes a loop is refused.
        automation_storage.lock_definitions(session)
        loop_before = automation_storage.current_loop(session)
        subtree = storage.move_subtree(
            session, group["id"], new_parent and new_parent["id"], group["path"], new_path
        )
        automation_storage.check_moved_tree(session, loop_before)
        moved = storage.get_group(session, group["id"])
        self._groups_record_change(
            session, actor, "group.changed", "group_changed", moved, "moved", ["parent_id", "path"], subtree
        )
        return moved

    def _groups_archive(self, session, actor, group, archived):
        if not archived:
            parent = storage.get_group(session, group["parent_id"]) if group["parent_id"] else None
            if parent is not None and parent["archived"]:
                raise ValidationFailed(
                    "groups.restore_parent_first",
                    {"archived": [coded("groups.parent_is_archived", name=parent["name"])]},
                )
            tree.check_unique_name(
                group["name"], storage.sibling_names(session, group["parent_id"], group["id"])
            )
        subtree = storage.set_archived(session, group["path"], archived)
        changed = storage.get_group(session, group["id"])
        change = "archived" if archived else "unarchived"
        self._groups_record_change(
            session, actor, "group.changed", "group_changed", changed, change, ["archived"], subtree
        )
        return changed

    def _groups_record_change(self, session, actor, action, event_type, group, change, fields, subtree=()):
        subjects = list(subtree) or [group["id"]]
        self.audit.write(
            self.outbox,
            session,
            actor,
            action,
            "group",
            subjects,
            fields=fields,
            details={"change": change, "group_id": str(group["id"]), "name": group["name"]},
        )
        self.outbox.event(session, event_type, group_event(group, change, fields, subtree))

    def _groups_view(self, group):
        session = self.db.session
        view = storage.with_names(session, group)
        session.rollback()
        return GROUP.dump(view)

    @staticmethod
    def _groups_day(value, field):
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise ValidationFailed("contact.invalid", {field: ["contact.date_invalid"]}) from None
