"""Web pages of group automations (C8): the list with enable toggles (/automations), the form with its dry
run (/automations/new, /automations/<id>/edit) and one automation's definition and history."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_AUTOMATIONS, VIEW
from gateway.web_helpers import language_of, require_csrf, see_other, web_page
from piiri.errors import PiiriError, ValidationFailed

TRIGGER_TYPES = (
    "member_joined",
    "member_left",
    "date_reached",
    "membership_paid_changed",
    "membership_unpaid_on",
)
ACTION_TYPES = ("add_to_group", "remove_from_group", "set_status", "end_status", "publish_event")
# Service error keys -> the form's field names.
FORM_FIELDS = {
    "name": "name",
    "trigger_type": "trigger_type",
    "trigger_config.group_id": "trigger_group_id",
    "trigger_config.include_subgroups": "include_subgroups",
    "trigger_config.field": "date_field",
    "trigger_config.offset_days": "offset_days",
    "trigger_config.period": "paid_period",
    "trigger_config.paid_up": "paid_up",
    "trigger_config.on_date": "unpaid_on",
    "action_type": "action_type",
    "action_config.group_id": "action_group_id",
    "action_config.role": "role",
    "action_config.kind": "status_kind",
    "action_config.days": "days",
    "action_config.event_type": "event_type",
}


def definition_from_form(form):
    """The automation form -> a definition: only the fields of the chosen trigger and action are sent."""
    trigger_type = form.get("trigger_type", "")
    action_type = form.get("action_type", "")
    if trigger_type == "date_reached":
        field = form.get("date_field", "")
        trigger = {"field": field, "offset_days": form.get("offset_days", "").strip() or 0}
        if field == "membership_ends":
            trigger["group_id"] = form.get("trigger_group_id", "")
    elif trigger_type == "membership_paid_changed":
        trigger = {"period": form.get("paid_period", "").strip(), "paid_up": form.get("paid_up", "1") != "0"}
    elif trigger_type == "membership_unpaid_on":
        trigger = {
            "period": form.get("paid_period", "").strip(),
            "group_id": form.get("trigger_group_id", ""),
            "include_subgroups": form.get("include_subgroups") == "1",
            "on_date": form.get("unpaid_on", "").strip(),
        }
    else:
        trigger = {
            "group_id": form.get("trigger_group_id", ""),
            "include_subgroups": form.get("include_subgroups") == "1",
        }
    if action_type in ("add_to_group", "remove_from_group"):
        action = {"group_id": form.get("action_group_id", "")}
        if action_type == "add_to_group" and form.get("role", "").strip():
            action["role"] = form.get("role").strip()
    elif action_type in ("set_status", "end_status"):
        action = {"kind": form.get("status_kind", "")}
        if action_type == "set_status" and form.get("days", "").strip():
            action["days"] = form.get("days").strip()
    elif action_type == "publish_event":
        action = {"event_type": form.get("event_type", "")}
    else:
        action = {}
    return {
        "name": form.get("name", ""),
        "enabled": form.get("enabled") == "1",
        "trigger_type": trigger_type,
        "trigger_config": trigger,
        "action_type": action_type,
        "action_config": action,
    }


def form_from_definition(automation):
    trigger, action = automation["trigger_config"], automation["action_config"]
    return {
        "name": automation["name"],
        "enabled": "1" if automation["enabled"] else "",
        "trigger_type": automation["trigger_type"],
        "trigger_group_id": trigger.get("group_id") or "",
        "include_subgroups": "1" if trigger.get("include_subgroups") else "",
        "date_field": trigger.get("field") or "",
        "offset_days": str(trigger.get("offset_days") or 0),
        "paid_period": trigger.get("period") or "",
        "paid_up": "0" if trigger.get("paid_up") is False else "1",
        "unpaid_on": trigger.get("on_date") or "",
        "action_type": automation["action_type"],
        "action_group_id": action.get("group_id") or "",
        "role": action.get("role") or "",
        "status_kind": action.get("kind") or "",
        "days": str(action.get("days") or ""),
        "event_type": action.get("event_type") or "",
    }


def form_errors(exc, t):
    """({form field: [messages]}, [general messages]) from a ValidationFailed."""
    by_field, general = {}, []
    for name, messages in (exc.details or {}).items():
        messages = [messages] if isinstance(messages, str) else messages
        texts = [t.service_message(text) for text in messages]
        if name in FORM_FIELDS:
            by_field.setdefault(FORM_FIELDS[name], []).extend(texts)
        else:
            general.extend(texts)
    if not by_field and not general:
        general.append(t.service_message(exc.message, exc.params))
    return by_field, list(dict.fromkeys(general))


class AutomationsWebRoutes(GatewayCore):
    @http("GET", "/automations")
    @web_page
    def web_automations_list(self, request):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        automations = self.call("contacts", "list_automations")["items"]
        return self.web_render(
            request,
            principal,
            "automations/list.html",
            automations=automations,
            done=request.args.get("done"),
        )

    @http("GET", "/automations/new")
    @web_page
    def web_automations_new(self, request):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        form = {
            "enabled": "1",
            "trigger_type": "member_joined",
            "action_type": "add_to_group",
            "offset_days": "0",
        }
        return self.web_automations_form(request, principal, None, form)

    @http("POST", "/automations/new")
    @web_page
    def web_automations_create(self, request):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        require_csrf(request, principal)
        return self.web_automations_submit(request, principal, None)

    @http("GET", "/automations/<automation_id>/edit")
    @web_page
    def web_automations_edit(self, request, automation_id):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        automation = self.call("contacts", "get_automation", automation_id)
        return self.web_automations_form(request, principal, automation, form_from_definition(automation))

    @http("POST", "/automations/<automation_id>/edit")
    @web_page
    def web_automations_save(self, request, automation_id):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        require_csrf(request, principal)
        automation = self.call("contacts", "get_automation", automation_id)
        return self.web_automations_submit(request, principal, automation)

    @http("POST", "/automations/<automation_id>/toggle")
    @web_page
    def web_automations_toggle(self, request, automation_id):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        require_csrf(request, principal)
        self.call(
            "contacts", "update_automation", automation_id, {"enabled": request.form.get("enabled") == "1"}
        )
        return see_other("/automations?done=toggled")

    @http("POST", "/automations/<automation_id>/delete")
    @web_page
    def web_automations_delete(self, request, automation_id):
        principal = self.web_principal(request, MANAGE_AUTOMATIONS)
        require_csrf(request, principal)
        self.call("contacts", "delete_automation", automation_id)
        return see_other("/automations?done=deleted")

    @http("GET", "/automations/<automation_id>")
    @web_page
    def web_automations_show(self, request, automation_id):
        principal = self.web_principal(request, VIEW)
        automation = (
            self.call("contacts", "get_automation", automation_id)
            if principal.can(MANAGE_AUTOMATIONS)
            else {"id": automation_id, "name": "", "trigger_config": {}, "action_config": {}}
        )
        history = self.call(
            "contacts",
            "automation_history",
            automation_id=automation_id,
            limit=request.args.get("limit") or None,
            cursor=request.args.get("cursor") or None,
        )
        return self.web_render(
            request,
            principal,
            "automations/show.html",
            automation=automation,
            history=history,
            names=self._automations_group_names(),
            done=request.args.get("done"),
        )

    # --- helpers ----------------------------------------------------------------------------------------

    def web_automations_submit(self, request, principal, automation):
        definition = definition_from_form(request.form)
        dry_run = None
        try:
            if request.form.get("do") == "dry-run":
                dry_run = self.call("contacts", "dry_run", definition=definition)
            elif automation is None:
                automation = self.call("contacts", "create_automation", definition)
                return see_other(f"/automations/{automation['id']}?done=saved")
            else:
                self.call("contacts", "update_automation", automation["id"], definition)
                return see_other(f"/automations/{automation['id']}?done=saved")
        except ValidationFailed as exc:
            errors, general = form_errors(exc, Translator(language_of(request)))
            return self.web_automations_form(
                request, principal, automation, request.form.to_dict(), errors, general, status=422
            )
        return self.web_automations_form(
            request, principal, automation, request.form.to_dict(), dry_run=dry_run
        )

    def web_automations_form(
        self, request, principal, automation, form, errors=None, general=None, status=200, dry_run=None
    ):
        choices = self._automations_choices()
        return self.web_render(
            request,
            principal,
            "automations/form.html",
            status=status,
            automation=automation,
            form=form,
            errors=errors or {},
            general=general or [],
            dry_run=dry_run,
            trigger_types=TRIGGER_TYPES,
            action_types=ACTION_TYPES,
            **choices,
        )

    def _automations_choices(self):
        """Groups, status kinds and date custom fields to choose from (empty when a feature fails)."""
        choices = {"groups": [], "status_kinds": [], "date_fields": []}
        for key, method, kwargs in (
            ("groups", "list_groups", {"counts": False}),  # a picker: no member counts read
            ("status_kinds", "list_status_kinds", {}),
            ("date_fields", "list_custom_fields", {}),
        ):
            try:
                answer = self.call("contacts", method, **kwargs)
                choices[key] = answer["items"] if isinstance(answer, dict) else answer
            except (PiiriError, KeyError, TypeError):
                choices[key] = []
        choices["date_fields"] = [
            field for field in choices["date_fields"] if field.get("field_type") == "date"
        ]
        return choices

    def _automations_group_names(self):
        try:
            groups = self.call("contacts", "list_groups", include_archived=True, counts=False)["items"]
        except (PiiriError, KeyError, TypeError):
            return {}
        return {group["id"]: group.get("path_names") or group["name"] for group in groups}
