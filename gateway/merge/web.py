"""Web routes of C11: the duplicate review list, the side-by-side comparison with a merge behind a
confirmation page, and the "Mahdolliset kaksoiskappaleet" section of a contact's page."""

from urllib.parse import urlencode

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.merge.api import id_list
from gateway.roles import DELETE, EDIT, VIEW
from gateway.web_helpers import (
    PAGE_SIZE,
    field_errors,
    language_of,
    require_csrf,
    see_other,
    web_page,
    with_flash,
)
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.contacts.contract import EDITABLE_FIELDS
from services.contacts.merge.contract import COMBINED_FIELDS


def duplicates_lookup(gateway, request, principal):
    """``duplicates_of(contact_id)`` for the contact page's section: called only when it is shown."""

    def duplicates_of(contact_id):
        try:
            return gateway.call("contacts", "duplicates_of", contact_id)["items"]
        except (NotFound, PermissionDenied):
            return []

    return {"duplicates_of": duplicates_of}


def chosen_of(form):
    return {name[7:]: value for name, value in form.items() if name.startswith("chosen.") and value}


class MergeWebRoutes(GatewayCore):
    def _merge_principal(self, request):
        principal = self.web_principal(request, DELETE)
        if not principal.can(EDIT):
            raise PermissionDenied(f"'{principal.user['username']}' lacks '{EDIT}'", {"permission": EDIT})
        return principal

    @http("GET", "/duplicates")
    @web_page
    def web_merge_list(self, request):
        principal = self.web_principal(request, VIEW)
        page = self.call(
            "contacts", "list_duplicate_candidates", limit=PAGE_SIZE, cursor=request.args.get("cursor")
        )
        more = "/duplicates?" + urlencode({"cursor": page["next_cursor"]}) if page["next_cursor"] else None
        return self.web_render(request, principal, "merge/list.html", page=page, more_url=more)

    @http("POST", "/duplicates/scan")
    @web_page
    def web_merge_scan(self, request):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        self.call("contacts", "find_duplicates", 500, False)
        return see_other("/duplicates")

    @http("POST", "/duplicates/dismiss")
    @web_page
    def web_merge_dismiss(self, request):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        self.call("contacts", "dismiss_duplicate", request.form.getlist("contact_ids"))
        return with_flash(see_other("/duplicates"), self.settings, "flash.updated")

    @http("GET", "/compare")
    @web_page
    def web_merge_compare(self, request):
        principal = self.web_principal(request, VIEW)
        ids = id_list(",".join(request.args.getlist("ids") + request.args.getlist("contact_ids")))
        return self._merge_compare_page(request, principal, ids)

    def _merge_compare_page(self, request, principal, ids, errors=(), status=200, form=None):
        compared = self.call("contacts", "compare_contacts", ids)
        records = compared["contacts"]
        rows = [name for name in compared["differs"] if name in EDITABLE_FIELDS or name.startswith("custom.")]
        form = form or {}
        return self.web_render(
            request, principal, "merge/compare.html", status=status, records=records, rows=rows,
            differs=compared["differs"], errors=list(errors), ids=",".join(r["id"] for r in records),
            survivor_id=form.get("survivor_id") or records[0]["id"], chosen=chosen_of(form),
            combined=COMBINED_FIELDS,
        )  # fmt: skip

    def _merge_request(self, request):
        form = request.form
        ids = id_list(form.get("ids"))
        survivor_id = form.get("survivor_id") or (ids[0] if ids else "")
        merged_ids = [value for value in ids if value != survivor_id]
        chosen = {name: value for name, value in chosen_of(form).items() if value != survivor_id}
        return ids, survivor_id, merged_ids, chosen

    def _merge_refused(self, request, principal, ids, exc):
        t = Translator(language_of(request))
        by_field, general = field_errors(exc.details, t)
        errors = [t.service_message(exc.message, exc.params)]
        for text in general + [text for texts in by_field.values() for text in texts]:
            if text not in errors:
                errors.append(text)
        return self._merge_compare_page(request, principal, ids, errors, exc.status, request.form)

    @http("POST", "/compare/confirm")
    @web_page
    def web_merge_confirm(self, request):
        principal = self._merge_principal(request)
        require_csrf(request, principal)
        ids, survivor_id, merged_ids, chosen = self._merge_request(request)
        compared = self.call("contacts", "compare_contacts", ids)
        by_id = {record["id"]: record for record in compared["contacts"]}
        if survivor_id not in by_id:
            exc = ValidationFailed("Choose the contact to keep.", {"survivor_id": ["Required."]})
            return self._merge_refused(request, principal, ids, exc)
        changes = [
            (name, by_id[survivor_id].get(name), by_id[source].get(name))
            for name, source in chosen.items()
            if source in by_id
            and name in EDITABLE_FIELDS
            and by_id[source].get(name) != by_id[survivor_id].get(name)
        ]
        return self.web_render(
            request, principal, "merge/confirm.html", survivor=by_id[survivor_id],
            merged=[by_id[value] for value in merged_ids if value in by_id], changes=changes,
            ids=",".join(ids), survivor_id=survivor_id, chosen=chosen,
        )  # fmt: skip

    @http("POST", "/merge")
    @web_page
    def web_merge_merge(self, request):
        principal = self._merge_principal(request)
        require_csrf(request, principal)
        ids, survivor_id, merged_ids, chosen = self._merge_request(request)
        try:
            result = self.call("contacts", "merge_contacts", survivor_id, merged_ids, chosen)
        except (ValidationFailed, Conflict) as exc:
            return self._merge_refused(request, principal, ids, exc)
        target = f"/contacts/{result['survivor_id']}"
        return with_flash(see_other(target), self.settings, "flash.updated")
