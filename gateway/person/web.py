"""Web routes of person details: the "Nimet ja tilat" section's forms, death mark and couple pages."""

from urllib.parse import urlencode

from gateway.core import GatewayCore
from gateway.http import http
from gateway.roles import EDIT
from gateway.web_helpers import (
    PAGE_SIZE,
    error_lines,
    require_csrf,
    see_other,
    web_page,
    with_flash,
)
from piiri import clock
from piiri.errors import Conflict, ValidationFailed


def _form(form, names):
    return {name: form.get(name, "") for name in names}


class PersonWebRoutes(GatewayCore):
    def _person_back(self, contact_id):
        return with_flash(see_other(f"/contacts/{contact_id}#person"), self.settings, "flash.updated")

    def _person_change(self, request, contact_id, method, *args):
        """Run a change from the contact page's section; a refused one re-shows the page with why."""
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        try:
            self.call("contacts", method, *args)
        except (ValidationFailed, Conflict) as exc:
            return self.contact_page_with(
                request, principal, contact_id, exc.status, person_errors=error_lines(exc, request)
            )
        return self._person_back(contact_id)

    # --- alternative names (C12) and statuses (C9) ---------------------------------------------

    @http("POST", "/contacts/<contact_id>/names")
    @web_page
    def web_person_add_name(self, request, contact_id):
        data = _form(request.form, ("kind", "script", "first_name", "last_name"))
        data["use_in_letters"] = request.form.get("use_in_letters") == "on"
        return self._person_change(request, contact_id, "add_alt_name", contact_id, data)

    @http("POST", "/contacts/<contact_id>/names/<name_id>/delete")
    @web_page
    def web_person_remove_name(self, request, contact_id, name_id):
        return self._person_change(request, contact_id, "remove_alt_name", contact_id, name_id)

    @http("POST", "/contacts/<contact_id>/statuses")
    @web_page
    def web_person_add_status(self, request, contact_id):
        data = _form(request.form, ("kind", "starts_on", "ends_on", "note"))
        return self._person_change(request, contact_id, "add_status", contact_id, data)

    @http("POST", "/contacts/<contact_id>/statuses/<status_id>/end")
    @web_page
    def web_person_end_status(self, request, contact_id, status_id):
        changes = {"ends_on": clock.today().isoformat()}
        return self._person_change(request, contact_id, "update_status", contact_id, status_id, changes)

    @http("POST", "/contacts/<contact_id>/statuses/<status_id>/delete")
    @web_page
    def web_person_remove_status(self, request, contact_id, status_id):
        return self._person_change(request, contact_id, "remove_status", contact_id, status_id)

    # --- deceased (C14), behind a confirmation page ---------------------------------------------

    @http("GET", "/contacts/<contact_id>/deceased")
    @web_page
    def web_person_deceased_form(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        contact = self.call("contacts", "get_contact", contact_id)
        return self.web_render(
            request, principal, "person/deceased.html", contact=contact, errors=[],
            deceased_on=clock.today().isoformat(),
        )  # fmt: skip

    @http("POST", "/contacts/<contact_id>/deceased")
    @web_page
    def web_person_mark_deceased(self, request, contact_id):
        return self._deceased_change(
            request, contact_id, "mark_deceased", {"deceased_on": request.form.get("deceased_on", "")}
        )

    @http("POST", "/contacts/<contact_id>/deceased/delete")
    @web_page
    def web_person_unmark_deceased(self, request, contact_id):
        return self._deceased_change(request, contact_id, "unmark_deceased")

    def _deceased_change(self, request, contact_id, method, *data):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        try:
            self.call("contacts", method, contact_id, *data)
        except ValidationFailed as exc:
            contact = self.call("contacts", "get_contact", contact_id)
            return self.web_render(
                request, principal, "person/deceased.html", status=422, contact=contact,
                errors=error_lines(exc, request), deceased_on=request.form.get("deceased_on", ""),
            )  # fmt: skip
        return self._person_back(contact_id)

    # --- couples (C10) --------------------------------------------------------------------------

    @http("GET", "/contacts/<contact_id>/couple")
    @web_page
    def web_person_couple_form(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        contact = self.call("contacts", "get_contact", contact_id)
        query = (request.args.get("q") or "").strip()
        matches = []
        if query:
            page = self.call("contacts", "search_contacts", q=query, limit=PAGE_SIZE)
            matches = [
                item for item in page["items"] if item["kind"] == "person" and item["id"] != contact["id"]
            ]
        return self.web_render(
            request, principal, "person/couple.html", contact=contact, query=query, matches=matches, errors=[]
        )

    @http("POST", "/contacts/<contact_id>/couple")
    @web_page
    def web_person_link_couple(self, request, contact_id):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        data = {"contact_ids": [contact_id, request.form.get("partner_id", "")]}
        try:
            self.call("contacts", "link_couple", data)
        except (ValidationFailed, Conflict) as exc:
            contact = self.call("contacts", "get_contact", contact_id)
            return self.web_render(
                request, principal, "person/couple.html", status=exc.status, contact=contact, query="",
                matches=[], errors=error_lines(exc, request),
            )  # fmt: skip
        return self._person_back(contact_id)

    @http("POST", "/contacts/<contact_id>/couple/<couple_id>/delete")
    @web_page
    def web_person_unlink_couple(self, request, contact_id, couple_id):
        return self._person_change(request, contact_id, "unlink_couple", couple_id)


def couple_search_url(contact_id, query):
    return f"/contacts/{contact_id}/couple?" + urlencode({"q": query})
