"""Web pages of groups (C7): the tree (/groups), a group with its members, moving, bulk add/remove from the
contact list, and the "Ryhmät" section of a contact's page."""

from urllib.parse import urlencode

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import EDIT, MANAGE_GROUPS, VIEW
from gateway.web_helpers import (
    PAGE_SIZE,
    field_errors,
    language_of,
    require_csrf,
    safe_next,
    see_other,
    web_page,
)
from piiri import clock
from piiri.errors import NotFound, ValidationFailed

DONE_KEYS = ("created", "updated", "moved", "archived", "unarchived", "added", "ended")
BULK_ACTIONS = ("add", "remove")
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


def selected_ids(values):
    return [value.strip() for value in values if value and value.strip()]


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
                    request, principal, parent_id, errors=self.groups_errors(request, exc), status=422
                )
            return self.groups_tree_page(
                request, principal, self.groups_errors(request, exc), form.get("name", ""), 422
            )
        return see_other(done_url(f"/groups/{group['id']}", "created"))

    # --- one group --------------------------------------------------------------------------------------

    def groups_group_page(self, request, principal, group_id, errors=None, status=200):
        args = request.args
        include_subgroups = args.get("all", "1") != "0"
        group = self.call("contacts", "get_group", group_id)
        page = self.call(
            "contacts",
            "members",
            group["id"],
            include_subgroups=include_subgroups,
            limit=PAGE_SIZE,
            cursor=args.get("cursor") or None,
        )
        query = (args.get("q") or "").strip()
        found = None
        if query and principal.can(EDIT):
            found = self.call("contacts", "search_contacts", q=query, limit=PAGE_SIZE)["items"]
        base = f"/groups/{group['id']}"
        next_url = None
        if page.get("next_cursor"):
            next_url = f"{base}?" + urlencode(
                {"all": "1" if include_subgroups else "0", "cursor": page["next_cursor"]}
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
            first_url=f"{base}?all={'1' if include_subgroups else '0'}" if args.get("cursor") else None,
            query=query,
            found=found,
            errors=errors or [],
            today=clock.today().isoformat(),
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
                request, principal, group_id, errors=self.groups_errors(request, exc), status=422
            )
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
            targets=targets,
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
                request, principal, group_id, errors=self.groups_errors(request, exc), status=422
            )
        target = safe_next(form.get("next"), default=f"/groups/{group_id}")
        return see_other(done_url(target.split("?", 1)[0], done, n=count, skipped=len(result["skipped"])))

    # --- bulk from the contact list ---------------------------------------------------------------------

    @http("GET", "/groups/bulk")
    @web_page
    def web_groups_bulk_form(self, request):
        """Step 2 of a bulk action: choose the group; the page says how many people are affected."""
        principal = self.web_principal(request, EDIT)
        action = request.args.get("action")
        if action not in BULK_ACTIONS:
            raise NotFound(f"No bulk action {action}.", {"action": action})
        ids = list(dict.fromkeys(selected_ids(request.args.getlist("contact_ids"))))
        tree = self.call("contacts", "list_groups")["items"] if ids else []
        return self.groups_render(
            request,
            principal,
            "groups/bulk.html",
            action=action,
            contact_ids=ids,
            groups=tree,
            back=safe_next(request.args.get("back")),
            today=clock.today().isoformat(),
        )

    @http("POST", "/groups/bulk")
    @web_page
    def web_groups_bulk(self, request):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        action = request.form.get("action")
        group_id = request.form.get("group_id") or ""
        if action not in BULK_ACTIONS or not group_id:
            raise ValidationFailed("groups.err_choose", {"group_id": ["groups.err_choose"]})
        return self.groups_change_members(request, principal, group_id, action)
