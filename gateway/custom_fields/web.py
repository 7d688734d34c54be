"""Custom fields in the web UI (C3): /settings/custom-fields, the contact form's inputs, the contact
page's section and the contact list's filters. Definitions are fetched once per request, lazily."""

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import MANAGE_FIELDS
from gateway.web_helpers import (
    field_errors,
    language_of,
    require_csrf,
    see_other,
    web_page,
)
from piiri.errors import NotFound, ValidationFailed
from services.contacts.custom_fields import contract as rules

SETTINGS = "/settings/custom-fields"
DEFINITION_ATTRIBUTES = ("key", "label_fi", "label_en", "field_type", "help_fi", "help_en", "position")


class Definitions:
    """The active custom field definitions, asked for (one RPC) only when a template uses them."""

    def __init__(self, gateway, language):
        self.gateway = gateway
        self.language = language
        self._items = None

    @property
    def items(self):
        if self._items is None:
            self._items = self.gateway.call("contacts", "list_custom_fields")["items"]
        return self._items

    def label(self, field):
        return field.get(f"label_{self.language}") or field["label_fi"]

    def help(self, field):
        return field.get(f"help_{self.language}") or field.get("help_fi") or ""

    def choice_label(self, choice):
        return rules.choice_label(choice, self.language)

    def display(self, field, value):
        return rules.display_value(field, value, self.language)


def custom_field_definitions(gateway, request, principal):
    if principal is None:
        return {}
    return {"custom_defs": Definitions(gateway, language_of(request))}


def read_custom_form(form):
    """'custom.<key>' inputs -> {key: text}; 'custom.<key>[]' checkboxes -> {key: [values]}.

    A boolean's checkbox follows a hidden input of the same name, so the last value wins.
    """
    custom = {}
    for name in form:
        if not name.startswith("custom."):
            continue
        values = form.getlist(name)
        if name.endswith("[]"):
            custom[name[7:-2]] = [value for value in values if value]
        else:
            custom[name[7:]] = values[-1] if values else ""
    return custom or None


def definition_form_data(form):
    data = {name: (form.get(name) or "").strip() for name in DEFINITION_ATTRIBUTES if name in form}
    data["required"] = form.get("required") == "on"
    data["unique_values"] = form.get("unique_values") == "on"
    data["choices"] = rules.parse_choice_lines(form.get("choices", ""))
    if data.get("position", "") == "":
        data.pop("position", None)
    return data


class CustomFieldsWeb(GatewayCore):
    def web_custom_fields_page(self, request, principal, form=None, errors=None, status=200, field=None):
        t = Translator(language_of(request))
        by_field, general = field_errors(errors, t)
        for name, messages in (errors or {}).items():  # definition attributes sit beside their inputs
            if name in DEFINITION_ATTRIBUTES + ("choices", "required", "unique_values"):
                by_field[name] = [t.service_message(text) for text in messages]
                general = [text for text in general if text not in by_field[name]]
        template = "custom_fields/edit.html" if field else "custom_fields/list.html"
        fields = (
            []
            if field
            else self.call("contacts", "list_custom_fields", include_removed=True, with_counts=True)
        )
        return self.web_render(
            request,
            principal,
            template,
            status=status,
            fields=fields["items"] if fields else [],
            field=field,
            form=form or {"field_type": "text", "choices": ""},
            errors=by_field,
            general_errors=general,
            field_types=rules.FIELD_TYPES,
        )

    def _custom_field(self, field_id):
        fields = self.call("contacts", "list_custom_fields", include_removed=True, with_counts=True)["items"]
        for field in fields:
            if field["id"] == field_id:
                return field
        raise NotFound(f"No custom field with id {field_id}.", {"id": field_id})

    @http("GET", SETTINGS)
    @web_page
    def web_custom_fields_list(self, request):
        principal = self.web_principal(request, MANAGE_FIELDS)
        return self.web_custom_fields_page(request, principal)

    @http("POST", SETTINGS)
    @web_page
    def web_custom_fields_create(self, request):
        principal = self.web_principal(request, MANAGE_FIELDS)
        require_csrf(request, principal)
        data = definition_form_data(request.form)
        try:
            self.call("contacts", "create_custom_field", data)
        except ValidationFailed as exc:
            form = {
                **request.form.to_dict(),
                "required": data["required"],
                "unique_values": data["unique_values"],
            }
            return self.web_custom_fields_page(request, principal, form, exc.details, status=422)
        return see_other(SETTINGS)

    @http("GET", SETTINGS + "/<field_id>")
    @web_page
    def web_custom_fields_edit_form(self, request, field_id):
        principal = self.web_principal(request, MANAGE_FIELDS)
        field = self._custom_field(field_id)
        form = {**field, "choices": rules.choice_lines(field["choices"])}
        return self.web_custom_fields_page(request, principal, form, field=field)

    @http("POST", SETTINGS + "/<field_id>")
    @web_page
    def web_custom_fields_edit(self, request, field_id):
        principal = self.web_principal(request, MANAGE_FIELDS)
        require_csrf(request, principal)
        field = self._custom_field(field_id)
        data = definition_form_data(request.form)
        data.pop("key", None)
        try:
            self.call("contacts", "update_custom_field", field_id, data)
        except ValidationFailed as exc:
            form = {**field, **request.form.to_dict(), "required": data["required"]}
            form["unique_values"] = data["unique_values"]
            return self.web_custom_fields_page(request, principal, form, exc.details, status=422, field=field)
        return see_other(SETTINGS)

    @http("GET", SETTINGS + "/<field_id>/<action>")
    @web_page
    def web_custom_fields_confirm(self, request, field_id, action):
        principal = self.web_principal(request, MANAGE_FIELDS)
        if action not in ("remove", "purge"):
            raise NotFound(f"No action {action}.", {"action": action})
        field = self._custom_field(field_id)
        return self.web_render(request, principal, "custom_fields/confirm.html", field=field, action=action)

    @http("POST", SETTINGS + "/<field_id>/<action>")
    @web_page
    def web_custom_fields_act(self, request, field_id, action):
        principal = self.web_principal(request, MANAGE_FIELDS)
        require_csrf(request, principal)
        methods = {
            "remove": "remove_custom_field",
            "restore": "restore_custom_field",
            "purge": "purge_custom_field",
        }
        if action not in methods:
            raise NotFound(f"No action {action}.", {"action": action})
        self.call("contacts", methods[action], field_id)
        return see_other(SETTINGS)
