"""Contacts in the web UI: the contact list and search, a contact's page (with its audit trail), the
contact form, deleting a contact.

Routes stay thin: who is asking, one or two RPCs, a template. Helpers live in gateway/web_helpers.py.
"""

from urllib.parse import urlencode

from gateway import person_picker, rich_form
from gateway.base import search_filters
from gateway.contacts.history import change_rows
from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import AUDIT_VIEW, DELETE, EDIT, VIEW
from gateway.selection import list_sort, list_sorting, search_text, sort_params
from gateway.web_helpers import (
    PAGE_SIZE,
    contact_form_data,
    contact_form_values,
    field_errors,
    language_of,
    require_csrf,
    see_other,
    web_page,
    with_flash,
)
from gateway.web_helpers import audit_rows as make_audit_rows
from piiri.errors import PiiriError, ValidationFailed
from services.contacts.groups.contract import MAX_CONTACTS_PER_ACTION

AUDIT_PAGE_SIZE = 15  # the latest on the page; the whole trail is one link away
CHANGES_SHOWN = 20
NEW_CONTACT_DEFAULTS = {"kind": "person", "country": "FI", "language": "fi"}


def display_name_of(values):
    """What to call a contact from form values (for a form's title when the service said no)."""
    if values.get("kind") == "organisation" and values.get("organisation_name"):
        return values["organisation_name"]
    name = " ".join(part for part in (values.get("first_name"), values.get("last_name")) if part)
    return name or values.get("organisation_name") or ""


class ContactsWebRoutes(GatewayCore):
    def contact_form(
        self, request, principal, values, errors=None, contact_id=None, title_name="", status=200, blanks=None
    ):
        t = Translator(language_of(request))
        by_field, general = field_errors(errors, t)
        for name in rich_form.NOT_IN_FORM:  # flat fields have no input of their own (C2): shown on top
            general.extend(by_field.pop(name, []))
        values = {**values, **rich_form.form_values(values)}  # C2: the lists as rows, the tags as text
        return self.web_render(
            request,
            principal,
            "contact_form.html",
            status=status,
            values=values,
            blanks=blanks,
            errors=by_field,
            general_errors=general,
            contact_id=contact_id,
            title_name=title_name,
        )

    # --- contacts ---------------------------------------------------------------------------------------

    @http("GET", "/contacts")
    @web_page
    def web_contacts(self, request):
        principal = self.web_principal(request, VIEW)
        query = (request.args.get("q") or "").strip()
        cursor = request.args.get("cursor") or None
        filters = {name: value for name, value in search_filters(request.args).items() if value}
        sort, direction = list_sort(request.args)
        page = self.call(
            "contacts",
            "search_contacts",
            q=query,
            limit=PAGE_SIZE,
            cursor=cursor,
            filters=filters,
            sort=sort,
            direction=direction if sort else None,
        )
        search = {**({"q": query} if query else {}), **filters}
        params = {**search, **sort_params(sort, direction)}
        next_url = None
        if page.get("next_cursor"):
            next_url = "/contacts?" + urlencode({**params, "cursor": page["next_cursor"]})
        first_url = ("/contacts?" + urlencode(params)) if params else "/contacts"
        return self.web_render(
            request,
            principal,
            "contacts.html",
            query=query,
            filters=filters,
            items=page["items"],
            fuzzy=page.get("match") == "fuzzy" and bool(page["items"]),
            next_url=next_url,
            first_url=first_url if cursor else None,
            sort=sort,
            direction=direction,
            sorting=list_sorting("/contacts", search, sort, direction),
            search=search_text(query, filters),
            bulk_limit=MAX_CONTACTS_PER_ACTION,
        )

    @http("GET", "/contacts/new")
    @web_page
    def web_new_contact_form(self, request):
        principal = self.web_principal(request, EDIT)
        return self.contact_form(request, principal, dict(NEW_CONTACT_DEFAULTS))

    @http("POST", "/contacts/new")
    @web_page
    def web_new_contact(self, request):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        form, pick_errors, picks = person_picker.resolve(self, request.form)  # typed names -> ids
        data = contact_form_data(form)
        blanks = rich_form.blank_rows(form)
        shown = {**data, "person_picks": picks}  # the form again: each picker as the user left it
        if form.get(rich_form.ADD_ROW):  # "add another" row (C2): the same form, one more row
            return self.contact_form(request, principal, shown, blanks=blanks)
        try:
            contact = self.call("contacts", "create_contact", data)
        except ValidationFailed as exc:
            details = person_picker.with_pick_errors(exc.details, pick_errors)
            return self.contact_form(request, principal, shown, details, status=422, blanks=blanks)
        return with_flash(see_other(f"/contacts/{contact['id']}"), self.settings, "flash.created")

    @http("GET", "/contacts/<contact_id>")
    @web_page
    def web_contact(self, request, contact_id):
        principal = self.web_principal(request, VIEW)
        contact = self.call("contacts", "get_contact", contact_id)
        trail, trail_failed, older_url, readers, changes = [], False, None, None, None
        if principal.can(AUDIT_VIEW):
            try:
                events = self.subject_events(  # and who has seen them (G2), in the same read
                    principal, contact["id"], AUDIT_PAGE_SIZE, request.args.get("trail") or None, True
                )
                readers = events.get("readers")
                found = self.call("contacts", "contact_changes", contact["id"], CHANGES_SHOWN)
                custom_fields = {}
                if any(item["field"].startswith("custom.") for item in found["items"]):
                    defined = self.call("contacts", "list_custom_fields")["items"]
                    custom_fields = {field["key"]: field for field in defined}
                translator = Translator(language_of(request))
                changes = change_rows(found["items"], translator, custom_fields)  # old → new
            except PiiriError:
                trail_failed = True  # the contact is still worth showing without its trail
            else:
                trail = make_audit_rows(events["items"], Translator(language_of(request)))
                if events.get("next_cursor"):
                    older_url = f"/contacts/{contact['id']}?" + urlencode({"trail": events["next_cursor"]})
        return self.web_render(
            request,
            principal,
            "contact.html",
            contact=contact,
            trail=trail,
            trail_failed=trail_failed,
            older_url=older_url,
            readers=readers,
            changes=changes,
        )

    @http("GET", "/contacts/<contact_id>/edit")
    @web_page
    def web_edit_contact_form(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        contact = self.call("contacts", "get_contact", contact_id)
        return self.contact_form(
            request,
            principal,
            contact_form_values(contact),
            contact_id=contact["id"],
            title_name=contact["display_name"],
        )

    @http("POST", "/contacts/<contact_id>/edit")
    @web_page
    def web_edit_contact(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        form, pick_errors, picks = person_picker.resolve(self, request.form)  # typed names -> ids
        data = contact_form_data(form)
        blanks = rich_form.blank_rows(form)
        shown = {**data, "person_picks": picks}  # the form again: each picker as the user left it
        if form.get(rich_form.ADD_ROW):  # "add another" row (C2): the same form, one more row
            return self.contact_form(
                request,
                principal,
                shown,
                contact_id=contact_id,
                title_name=display_name_of(data),
                blanks=blanks,
            )
        try:
            contact = self.call("contacts", "update_contact", contact_id, data)
        except ValidationFailed as exc:
            return self.contact_form(
                request,
                principal,
                shown,
                person_picker.with_pick_errors(exc.details, pick_errors),
                contact_id=contact_id,
                title_name=display_name_of(data),
                status=422,
                blanks=blanks,
            )
        return with_flash(see_other(f"/contacts/{contact['id']}"), self.settings, "flash.updated")

    @http("GET", "/contacts/<contact_id>/delete")
    @web_page
    def web_delete_contact_form(self, request, contact_id):
        principal = self.web_principal(request, DELETE)
        contact = self.call("contacts", "get_contact", contact_id)
        return self.web_render(request, principal, "confirm_delete.html", contact=contact)

    @http("POST", "/contacts/<contact_id>/delete")
    @web_page
    def web_delete_contact(self, request, contact_id):
        principal = self.web_principal(request, DELETE)
        require_csrf(request, principal)
        self.call("contacts", "delete_contact", contact_id)
        return with_flash(see_other("/contacts"), self.settings, "flash.deleted")
