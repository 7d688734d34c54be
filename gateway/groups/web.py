"""Web pages of groups (C7): the tree (/groups), a group with its members, moving, bulk add/remove from the
contact list, and the "Ryhmät" section of a contact's page."""

from urllib.parse import urlencode

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import EDIT, MANAGE_GROUPS, VIEW
from gateway.selection import list_sort, list_sorting, search_text, selected_ids, selection_of, sort_params
from gateway.web_helpers import (
    PAGE_SIZE,
    field_errors,
    language_of,
    require_csrf,
    safe_next,
    see_other,
    web_page,
    with_flash,
)
from piiri import clock
from piiri.errors import Conflict, NotFound, ValidationFailed
from services.contacts.groups.contract import MAX_CONTACTS_PER_ACTION

DONE_KEYS = ("created", "updated", "moved", "archived", "unarchived", "added", "ended")
BULK_ACTIONS = ("add", "remove")
# The member list's sortable columns (its role and start columns are the membership's, not the contact's).
MEMBER_SORTS = ("name", "email", "city")
TREE_DEPTH = 2  # the tree page shows three levels; deeper groups open from their parent's page (C5)


def done_url(path, done, **counts):
    return f"{path}?" + urlencode({"done": done, **{key: value for key, value in counts.items()}})


def done_message(args):
    """The result of the previous step (a whitelisted key and counts from the redirect), or None."""
    key = args.get("done")
    if key not in DONE_KEYS:
        return None
    counts = {
        name: int(args.get(name, "0")) if args.get(name, "0").isdigit() else 0 for name in ("n", "skipped")
    }
    return {"key": f"groups.done.{key}", **counts}


class GroupsWebRoutes(GatewayCore):
    def groups_errors(self, request, exc):
        """Messages of a ValidationFailed in the user's language (by field and general together)."""
        t = Translator(language_of(request))
        by_field, general = field_errors(exc.details, t)
        messages = [*general, *(text for texts in by_field.values() for text in texts)]
        return messages or [t.service_message(exc.message, exc.params)]

    def groups_render(self, request, principal, template, status=200, **context):
        return self.web_render(
            request,
            principal,
            template,
            status=status,
            can_manage_groups=principal.can(MANAGE_GROUPS),
            done=done_message(request.args),
            **context,
        )

    # --- the tree ---------------------------------------------------------------------------------------

    def groups_tree_page(self, request, principal, errors=None, name="", status=200):
        archived = request.args.get("archived") == "1"
        all_levels = request.args.get("depth") == "all"
        tree = self.call(
            "contacts",
            "list_groups",
            include_archived=archived,
            compact=True,
            max_depth=None if all_levels else TREE_DEPTH,
        )
        return self.groups_render(
            request,
            principal,
            "groups/list.html",
            status=status,
            groups=tree["items"],
            show_archived=archived,
            all_levels=all_levels,
            levels_url="/groups?"
            + urlencode(
                {**({"archived": "1"} if archived else {}), **({} if all_levels else {"depth": "all"})}
            ),
            errors=errors or [],
            error_ids={"name": "new-group-name"},
            name=name,
        )

    @http("GET", "/groups")
    @web_page
    def web_groups_list(self, request):
        principal = self.web_principal(request, VIEW)
        return self.groups_tree_page(request, principal)

    @http("POST", "/groups")
    @web_page
    def web_groups_create(self, request):
        principal = self.web_principal(request, MANAGE_GROUPS)
        require_csrf(request, principal)
        form = request.form
        parent_id = form.get("parent_id") or None
        try:
            group = self.call(
                "contacts", "create_group", form.get("name", ""), parent_id=parent_id, description=None
            )
        except ValidationFailed as exc:
            if parent_id:
                return self.groups_group_page(
                    request, principal, parent_id, errors=self.groups_errors(request, exc), status=422,
                    error_ids={"name": "new-subgroup-name"},
                )  # fmt: skip
            return self.groups_tree_page(
                request, principal, self.groups_errors(request, exc), form.get("name", ""), 422
            )
        return see_other(done_url(f"/groups/{group['id']}", "created"))

    # --- one group --------------------------------------------------------------------------------------

    def groups_group_page(self, request, principal, group_id, errors=None, status=200, error_ids=None):
        """The group's page; ``error_ids``: the inputs of the form that was refused, for the error summary's
        links (the page has several forms with a "name")."""
        args = request.args
        include_subgroups = args.get("all", "1") != "0"
        group = self.call("contacts", "get_group", group_id)
        sort, direction = list_sort(args)
        page = self.call(
            "contacts",
            "members",
            group["id"],
            include_subgroups=include_subgroups,
            limit=PAGE_SIZE,
            cursor=args.get("cursor") or None,
            sort=sort,
            direction=direction if sort else None,
        )
        query = (args.get("q") or "").strip()
        found = None
        if query and principal.can(EDIT):
            found = self.call("contacts", "search_contacts", q=query, limit=PAGE_SIZE)["items"]
        base = f"/groups/{group['id']}"
        shown = {"all": "1" if include_subgroups else "0"}
        next_url = None
        if page.get("next_cursor"):
            next_url = f"{base}?" + urlencode(
                {**shown, **sort_params(sort, direction), "cursor": page["next_cursor"]}
            )
        return self.groups_render(
            request,
            principal,
            "groups/group.html",
            status=status,
            group=group,
            members=page["items"],
            include_subgroups=include_subgroups,
            next_url=next_url,
            first_url=f"{base}?" + urlencode({**shown, **sort_params(sort, direction)})
            if args.get("cursor")
            else None,
            sorting=list_sorting(base, shown, sort, direction, MEMBER_SORTS),
            query=query,
            found=found,
            errors=errors or [],
            error_ids=error_ids or {},
            today=clock.today().isoformat(),
            member_search=search_text(
                "", {("group_id" if include_subgroups else "direct_group_id"): group["id"]}
            ),
            bulk_limit=MAX_CONTACTS_PER_ACTION,
        )

    @http("GET", "/groups/<group_id>")
    @web_page
    def web_groups_view(self, request, group_id):
        principal = self.web_principal(request, VIEW)
        return self.groups_group_page(request, principal, group_id)

    @http("POST", "/groups/<group_id>/edit")
    @web_page
    def web_groups_edit(self, request, group_id):
        principal = self.web_principal(request, MANAGE_GROUPS)
        require_csrf(request, principal)
        changes = {"name": request.form.get("name", ""), "description": request.form.get("description", "")}
        try:
            self.call("contacts", "update_group", group_id, changes)
        except ValidationFailed as exc:
            return self.groups_group_page(
                request, principal, group_id, errors=self.groups_errors(request, exc), status=422,
                error_ids={"name": "group-name-field", "description": "group-description-field"},
            )  # fmt: skip
        return see_other(done_url(f"/groups/{group_id}", "updated"))

    @http("POST", "/groups/<group_id>/archive")
    @web_page
    def web_groups_archive(self, request, group_id):
        principal = self.web_principal(request, MANAGE_GROUPS)
        require_csrf(request, principal)
        archived = request.form.get("archived") != "0"
        try:
            self.call("contacts", "update_group", group_id, {"archived": archived})
        except ValidationFailed as exc:
            return self.groups_group_page(
                request, principal, group_id, errors=self.groups_errors(request, exc), status=422
            )
        return see_other(done_url(f"/groups/{group_id}", "archived" if archived else "unarchived"))

    def groups_move_page(self, request, principal, group_id, errors=None, status=200):
        group = self.call("contacts", "get_group", group_id)
        tree = self.call("contacts", "list_groups")["items"]
        # Offer every group outside the moved subtree (the service refuses a cycle anyway).
        targets = [item for item in tree if not item["path"].startswith(group["path"])]
        return self.groups_render(
            request,
            principal,
            "groups/move.html",
            status=status,
            group=group,
            target_options=[(target["id"], target["path_names"]) for target in targets],
            errors=errors or [],
        )

    @http("GET", "/groups/<group_id>/move")
    @web_page
    def web_groups_move_form(self, request, group_id):
        principal = self.web_principal(request, MANAGE_GROUPS)
        return self.groups_move_page(request, principal, group_id)

    @http("POST", "/groups/<group_id>/move")
    @web_page
    def web_groups_move(self, request, group_id):
        principal = self.web_principal(request, MANAGE_GROUPS)
        require_csrf(request, principal)
        try:
            self.call("contacts", "move_group", group_id, request.form.get("parent_id") or None)
        except ValidationFailed as exc:
            return self.groups_move_page(
                request, principal, group_id, errors=self.groups_errors(request, exc), status=422
            )
        return see_other(done_url(f"/groups/{group_id}", "moved"))

    # --- memberships ------------------------------------------------------------------------------------

    @http("POST", "/groups/<group_id>/members")
    @web_page
    def web_groups_add_members(self, request, group_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        return self.groups_change_members(request, principal, group_id, "add")

    @http("POST", "/groups/<group_id>/members/end")
    @web_page
    def web_groups_end_members(self, request, group_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        return self.groups_change_members(request, principal, group_id, "remove")

    def groups_change_members(self, request, principal, group_id, action):
        form = request.form
        ids = selected_ids(form.getlist("contact_ids"))
        if not ids:
            t = Translator(language_of(request))
            return self.groups_group_page(
                request, principal, group_id, errors=[t("groups.none_selected")], status=422
            )
        try:
            if action == "add":
                result = self.call(
                    "contacts",
                    "add_members",
                    group_id,
                    ids,
                    role=form.get("role") or None,
                    starts_on=form.get("starts_on") or None,
                )
                done, count = "added", len(result["added"])
            else:
                result = self.call(
                    "contacts", "end_memberships", group_id, ids, ends_on=form.get("ends_on") or None
                )
                done, count = "ended", len(result["ended"])
        except ValidationFailed as exc:
            return self.groups_group_page(
                request, principal, group_id, errors=self.groups_errors(request, exc), status=422,
                error_ids={"role": "add-role", "starts_on": "add-starts-on"},
            )  # fmt: skip
        target = safe_next(form.get("next"), default=f"/groups/{group_id}")
        return see_other(done_url(target.split("?", 1)[0], done, n=count, skipped=len(result["skipped"])))

    # --- bulk from a list's selection (issue 13 item 4) -------------------------------------------------

    def groups_bulk_page(self, request, principal, args, errors=(), status=200):
        """Step 2 of a bulk action: what is selected (the ticked people, or all N results of the list's
        search, counted again now), the group (a searchable picker) and the day; confirm."""
        action = args.get("action")
        selection = selection_of(args)
        if selection["kind"] == "search":
            counted = self.call("contacts", "count_contacts", q=selection["q"], filters=selection["filters"])
            count = counted["count"]
            over = not counted["exact"] or count > MAX_CONTACTS_PER_ACTION
        else:
            count = len(selection["ids"])
            over = count > MAX_CONTACTS_PER_ACTION
        groups = []
        if count and not over:
            groups = self.call("contacts", "list_groups", counts=False)["items"]
        return self.groups_render(
            request,
            principal,
            "groups/bulk.html",
            status=status,
            action=action,
            selection=selection,
            count=count,
            over=over,
            limit=MAX_CONTACTS_PER_ACTION,
            group_options=[(group["id"], group["path_names"]) for group in groups],
            # From a group's member list, "remove from group" offers that group first.
            chosen=args.get("group_id") or (args.get("from_group", "") if action == "remove" else ""),
            role=args.get("role", ""),
            day=args.get("starts_on" if action == "add" else "ends_on") or clock.today().isoformat(),
            back=safe_next(args.get("back"), default="/contacts"),
            errors=list(errors),
        )

    @http("GET", "/groups/bulk")
    @web_page
    def web_groups_bulk_form(self, request):
        principal = self.web_principal(request, EDIT)
        action = request.args.get("action")
        if action not in BULK_ACTIONS:
            raise NotFound(f"No bulk action {action}.", {"action": action})
        return self.groups_bulk_page(request, principal, request.args)

    @http("POST", "/groups/bulk")
    @web_page
    def web_groups_bulk(self, request):
        """Add the selection to the group, or end its memberships there, in one call to the contacts
        service (which checks the permission, the scope and the limit, and audits); back to the list with
        the result ("12 added, 3 were already members"), or the same page with why nothing was done."""
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        form = request.form
        action = form.get("action")
        if action not in BULK_ACTIONS:
            raise NotFound(f"No bulk action {action}.", {"action": action})
        t = Translator(language_of(request))
        group_id = form.get("group_id") or ""
        selection = selection_of(form)
        if not group_id:
            return self.groups_bulk_page(request, principal, form, [t("groups.err_choose")], 422)
        if selection["kind"] == "ids" and not selection["ids"]:
            return self.groups_bulk_page(request, principal, form, [t("groups.none_selected")], 422)
        try:
            result = self.groups_bulk_call(action, group_id, selection, form)
        except Conflict as exc:  # the search finds another number now: shown again, with the new count
            message = t.service_message(exc.message, exc.params)
            return self.groups_bulk_page(request, principal, form, [message], 409)
        except (ValidationFailed, NotFound) as exc:
            messages = self.groups_errors(request, exc) if isinstance(exc, ValidationFailed) else []
            messages = messages or [t.service_message(exc.message, exc.params)]
            return self.groups_bulk_page(request, principal, form, messages, exc.status)
        done = result["added"] if action == "add" else result["ended"]
        response = see_other(safe_next(form.get("back"), default="/contacts"))
        key = "flash.bulk_added" if action == "add" else "flash.bulk_removed"
        return with_flash(
            response,
            self.settings,
            key,
            group=result["group_id"],
            n=len(done),
            skipped=len(result["skipped"]),
        )

    def groups_bulk_call(self, action, group_id, selection, form):
        if selection["kind"] == "search":
            expected = form.get("expected_count", "")
            search = {
                "q": selection["q"],
                "filters": selection["filters"],
                "expected_count": int(expected) if expected.isdigit() else None,
            }
            if action == "add":
                return self.call(
                    "contacts",
                    "add_members_matching",
                    group_id,
                    role=form.get("role") or None,
                    starts_on=form.get("starts_on") or None,
                    **search,
                )
            return self.call(
                "contacts",
                "end_memberships_matching",
                group_id,
                ends_on=form.get("ends_on") or None,
                **search,
            )
        if action == "add":
            return self.call(
                "contacts",
                "add_members",
                group_id,
                selection["ids"],
                role=form.get("role") or None,
                starts_on=form.get("starts_on") or None,
            )
        return self.call(
            "contacts", "end_memberships", group_id, selection["ids"], ends_on=form.get("ends_on") or None
        )
