"""Web routes of person-organisation links and photos (C2): the contact page's "Organisaatiot",
"Henkilöt" and "Kuva" sections, the link and edit forms, an organisation's paged people, the photo."""

from urllib.parse import urlencode

from gateway.affiliations.api import photo_response, uploaded_photo
from gateway.core import GatewayCore
from gateway.http import http
from gateway.roles import EDIT, VIEW
from gateway.web_helpers import (
    PAGE_SIZE,
    error_lines,
    require_csrf,
    see_other,
    web_page,
    with_flash,
)
from piiri.errors import Conflict, NotFound, ValidationFailed
from services.contacts.affiliations.contract import ROLES

LINK_FIELDS = ("role", "title", "starts_on", "ends_on")


def link_form(form):
    """The posted link fields ('' for an empty one) and the primary checkbox."""
    data = {name: form.get(name, "") for name in LINK_FIELDS}
    data["is_primary"] = form.get("is_primary") == "on"
    return data


class AffiliationsWebRoutes(GatewayCore):
    def _back_to(self, contact_id, anchor):
        return with_flash(see_other(f"/contacts/{contact_id}#{anchor}"), self.settings, "flash.updated")

    # --- linking a person to an organisation ------------------------------------------------------

    @http("GET", "/contacts/<contact_id>/organisations/new")
    @web_page
    def web_affiliation_form(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        contact = self.call("contacts", "get_contact", contact_id)
        query = (request.args.get("q") or "").strip()
        return self._add_page(request, principal, contact, query, {"role": "employee"}, [])

    def _add_page(self, request, principal, contact, query, values, errors, status=200):
        matches = []
        if query:
            page = self.call(
                "contacts", "search_contacts", q=query, limit=PAGE_SIZE, filters={"kind": "organisation"}
            )
            matches = page["items"]
        return self.web_render(
            request, principal, "affiliations/add.html", status=status, contact=contact, query=query,
            matches=matches, values=values, errors=errors, roles=ROLES,
        )  # fmt: skip

    @http("POST", "/contacts/<contact_id>/organisations")
    @web_page
    def web_affiliation_add(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        data = {**link_form(request.form), "organisation_id": request.form.get("organisation_id", "")}
        try:
            if not data["organisation_id"]:
                raise ValidationFailed("err.affiliation_pick", {"organisation_id": ["err.affiliation_pick"]})
            self.call("contacts", "add_affiliation", contact_id, data)
        except (ValidationFailed, Conflict) as exc:
            contact = self.call("contacts", "get_contact", contact_id)
            query = request.form.get("q", "")
            return self._add_page(
                request, principal, contact, query, data, error_lines(exc, request), exc.status
            )
        return self._back_to(contact_id, "organisations")

    # --- changing and removing a link -------------------------------------------------------------

    def _link_of(self, contact, affiliation_id):
        part = contact.get("affiliations") or {}
        for link in part.get("organisations") or []:
            if link["id"] == affiliation_id:
                return link
        return None

    @http("GET", "/contacts/<contact_id>/organisations/<affiliation_id>/edit")
    @web_page
    def web_affiliation_edit_form(self, request, contact_id, affiliation_id):
        principal = self.web_principal(request, EDIT)
        contact = self.call("contacts", "get_contact", contact_id)
        link = self._link_of(contact, affiliation_id)
        if link is None:
            return self._missing_link(request, affiliation_id)
        values = {name: link.get(name) or "" for name in LINK_FIELDS} | {"is_primary": link["is_primary"]}
        return self.web_render(
            request, principal, "affiliations/edit.html", contact=contact, link=link, values=values,
            errors=[], roles=ROLES,
        )  # fmt: skip

    def _missing_link(self, request, affiliation_id):
        return self.error_page(request, NotFound(f"No affiliation {affiliation_id}."))

    @http("POST", "/contacts/<contact_id>/organisations/<affiliation_id>/edit")
    @web_page
    def web_affiliation_edit(self, request, contact_id, affiliation_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        values = link_form(request.form)
        try:
            self.call("contacts", "update_affiliation", affiliation_id, values)
        except (ValidationFailed, Conflict) as exc:
            contact = self.call("contacts", "get_contact", contact_id)
            link = self._link_of(contact, affiliation_id)
            if link is None:
                return self._missing_link(request, affiliation_id)
            return self.web_render(
                request, principal, "affiliations/edit.html", status=exc.status, contact=contact, link=link,
                values=values, errors=error_lines(exc, request), roles=ROLES,
            )  # fmt: skip
        return self._back_to(contact_id, "organisations")

    @http("POST", "/contacts/<contact_id>/organisations/<affiliation_id>/delete")
    @web_page
    def web_affiliation_remove(self, request, contact_id, affiliation_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        self.call("contacts", "remove_affiliation", affiliation_id)
        anchor = "people" if request.form.get("from") == "people" else "organisations"
        return self._back_to(contact_id, anchor)

    # --- an organisation's people, paged ----------------------------------------------------------

    @http("GET", "/contacts/<contact_id>/people")
    @web_page
    def web_affiliation_people(self, request, contact_id):
        principal = self.web_principal(request, VIEW)
        contact = self.call("contacts", "get_contact", contact_id)
        role = request.args.get("role") or None
        include_ended = request.args.get("include_ended") == "on"
        page = self.call(
            "contacts", "list_organisation_people", contact["id"], limit=PAGE_SIZE,
            cursor=request.args.get("cursor") or None, role=role, include_ended=include_ended,
        )  # fmt: skip
        filters = {"role": role or "", **({"include_ended": "on"} if include_ended else {})}
        next_url = None
        if page["next_cursor"]:
            next_url = f"/contacts/{contact['id']}/people?" + urlencode(
                {**filters, "cursor": page["next_cursor"]}
            )
        first_url = None
        if request.args.get("cursor"):
            first_url = f"/contacts/{contact['id']}/people?" + urlencode(filters)
        return self.web_render(
            request, principal, "affiliations/people.html", contact=contact, page=page, role=role or "",
            include_ended=include_ended, roles=ROLES, next_url=next_url,
            first_url=first_url,
        )  # fmt: skip

    # --- the photo ----------------------------------------------------------------------------------

    @http("GET", "/contacts/<contact_id>/photo")
    @web_page
    def web_photo(self, request, contact_id):
        self.web_principal(request, VIEW)
        return photo_response(self.call("contacts", "get_photo", contact_id))

    @http("POST", "/contacts/<contact_id>/photo")
    @web_page
    def web_photo_upload(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        try:
            declared, data = uploaded_photo(request)  # refuses a too-big body before parsing it
            require_csrf(request, principal)
            self.call("contacts", "set_photo", contact_id, declared, data)
        except ValidationFailed as exc:
            return self.contact_page_with(
                request,
                principal,
                contact_id,
                exc.status,
                photo_errors=error_lines(exc, request),
            )
        return self._back_to(contact_id, "photo")

    @http("POST", "/contacts/<contact_id>/photo/delete")
    @web_page
    def web_photo_remove(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        self.call("contacts", "remove_photo", contact_id)
        return self._back_to(contact_id, "photo")
