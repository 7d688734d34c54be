"""Web pages of G1 and G5: a person's data protection page (/contacts/<id>/data-protection) with its consent
and legal basis forms; processing purposes (/data-protection/purposes); retention rules, the list of
contacts past retention and the bulk erasure behind a confirmation (/data-protection/retention)."""

import time
from urllib.parse import urlencode

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import Translator
from gateway.roles import EDIT, GDPR_OFFICER, VIEW
from gateway.web_helpers import (
    error_lines,
    language_of,
    require_csrf,
    see_other,
    web_page,
    with_flash,
)
from piiri.errors import Conflict, NotFound, ValidationFailed

RETENTION = "/data-protection/retention"
PURPOSES = "/data-protection/purposes"
PAGE_SIZE = 50
ERASE_SECONDS = 20  # one confirmation runs batches for about this long, then shows the progress
CONSENT_FIELDS = ("purpose", "given", "source", "text_version", "note", "recorded_at")
BASIS_FIELDS = ("purpose", "basis", "starts_on", "ends_on", "note")
PURPOSE_FIELDS = ("code", "label_fi", "label_en", "legal_basis", "description")
# The new purpose form's inputs (purposes.html), for the error summary's links (issue 13 item 9).
NEW_PURPOSE_IDS = {
    "code": "purpose-code", "label_fi": "purpose-label-fi", "label_en": "purpose-label-en",
    "legal_basis": "purpose-basis", "description": "purpose-description",
}  # fmt: skip


def _form(form, names):
    return {name: form.get(name, "") for name in names}


class DataProtectionWebRoutes(GatewayCore):
    def _dp_page(
        self, request, principal, contact_id, status=200, errors=(), consent_form=None, basis_form=None
    ):
        view = self.call("contacts", "data_protection_view", contact_id)
        return self.web_render(
            request, principal, "data_protection/contact.html", status=status, view=view, errors=list(errors),
            consent_form=consent_form or {"given": "true"}, basis_form=basis_form or {},
        )  # fmt: skip

    # --- G1: a person's page ------------------------------------------------------------------------

    @http("GET", "/contacts/<contact_id>/data-protection")
    @web_page
    def web_dp_contact(self, request, contact_id):
        principal = self.web_principal(request, VIEW)
        return self._dp_page(request, principal, contact_id)

    def _dp_change(self, request, contact_id, method, args, consent_form=None, basis_form=None):
        principal = self.web_principal(request, EDIT)
        require_csrf(request, principal)
        try:
            self.call("contacts", method, contact_id, *args)
        except (ValidationFailed, Conflict, NotFound) as exc:
            if isinstance(exc, NotFound) and not exc.details.get("legal_basis_id"):
                raise
            return self._dp_page(
                request, principal, contact_id, status=exc.status, errors=error_lines(exc, request),
                consent_form=consent_form, basis_form=basis_form,
            )  # fmt: skip
        back = see_other(f"/contacts/{contact_id}/data-protection")
        return with_flash(back, self.settings, "flash.updated")

    @http("POST", "/contacts/<contact_id>/consents")
    @web_page
    def web_dp_record_consent(self, request, contact_id):
        form = _form(request.form, CONSENT_FIELDS)
        data = {**form, "given": form["given"] == "true", "source": form["source"] or "staff"}
        if not form["given"]:
            data.pop("given")
        return self._dp_change(request, contact_id, "record_consent", (data,), consent_form=form)

    @http("POST", "/contacts/<contact_id>/legal-bases")
    @web_page
    def web_dp_add_legal_basis(self, request, contact_id):
        form = _form(request.form, BASIS_FIELDS)
        return self._dp_change(request, contact_id, "add_legal_basis", (form,), basis_form=form)

    @http("POST", "/contacts/<contact_id>/legal-bases/<basis_id>/end")
    @web_page
    def web_dp_end_legal_basis(self, request, contact_id, basis_id):
        return self._dp_change(request, contact_id, "end_legal_basis", (basis_id, {}))

    @http("POST", "/contacts/<contact_id>/legal-bases/<basis_id>/delete")
    @web_page
    def web_dp_remove_legal_basis(self, request, contact_id, basis_id):
        return self._dp_change(request, contact_id, "remove_legal_basis", (basis_id,))

    # --- G1: processing purposes ----------------------------------------------------------------------

    def _purposes_page(self, request, principal, status=200, errors=(), form=None, error_ids=None):
        purposes = self.call("contacts", "list_processing_purposes")
        return self.web_render(
            request, principal, "data_protection/purposes.html", status=status, purposes=purposes,
            errors=list(errors), form=form or {"legal_basis": "consent"}, saved=request.args.get("saved"),
            error_ids=error_ids or {},
        )  # fmt: skip

    @http("GET", PURPOSES)
    @web_page
    def web_dp_purposes(self, request):
        return self._purposes_page(request, self.web_principal(request, GDPR_OFFICER))

    @http("POST", PURPOSES)
    @web_page
    def web_dp_create_purpose(self, request):
        return self._purpose_change(request, "create_processing_purpose", _form(request.form, PURPOSE_FIELDS))

    @http("POST", PURPOSES + "/<code>")
    @web_page
    def web_dp_update_purpose(self, request, code):
        changes = _form(request.form, PURPOSE_FIELDS[1:])
        return self._purpose_change(request, "update_processing_purpose", code, changes)

    def _purpose_change(self, request, method, *args):
        principal = self.web_principal(request, GDPR_OFFICER)
        require_csrf(request, principal)
        try:
            self.call("contacts", method, *args)
        except (ValidationFailed, Conflict) as exc:
            form = args[-1] if method == "create_processing_purpose" else None
            # the error summary's links: to the new purpose's form, or to the changed purpose's row
            ids = (
                NEW_PURPOSE_IDS
                if form is not None
                else {name: f"purpose-{args[0]}-{name}" for name in PURPOSE_FIELDS}
            )
            return self._purposes_page(
                request, principal, status=exc.status, errors=error_lines(exc, request), form=form,
                error_ids=ids,
            )  # fmt: skip
        return see_other(PURPOSES + "?saved=1")

    # --- G5: retention ----------------------------------------------------------------------------------

    def _retention_page(self, request, principal, status=200, errors=(), rule_form=None):
        cursor = request.args.get("cursor") or None
        rules = self.call("contacts", "list_retention_rules")
        page = self.call("contacts", "past_retention", limit=PAGE_SIZE, cursor=cursor)
        count = self.call("contacts", "count_past_retention")["count"]
        next_url = (
            f"{RETENTION}?" + urlencode({"cursor": page["next_cursor"]}) if page["next_cursor"] else None
        )
        return self.web_render(
            request, principal, "data_protection/retention.html", status=status, rules=rules, page=page,
            count=count, next_url=next_url, paged=bool(cursor), errors=list(errors),
            rule_form=rule_form or {"kind": "inactive", "years": "5"},
        )  # fmt: skip

    @http("GET", RETENTION)
    @web_page
    def web_retention(self, request):
        return self._retention_page(request, self.web_principal(request, GDPR_OFFICER))

    def _rule_change(self, request, method, *args, rule_form=None):
        principal = self.web_principal(request, GDPR_OFFICER)
        require_csrf(request, principal)
        try:
            self.call("contacts", method, *args)
        except (ValidationFailed, Conflict) as exc:
            return self._retention_page(
                request,
                principal,
                status=exc.status,
                errors=error_lines(exc, request),
                rule_form=rule_form,
            )
        return with_flash(see_other(RETENTION), self.settings, "flash.updated")

    @http("POST", RETENTION + "/rules")
    @web_page
    def web_retention_add_rule(self, request):
        form = _form(request.form, ("name", "kind", "years"))
        years = form["years"].strip()
        data = {
            "name": form["name"],
            "kind": form["kind"],
            "config": {"years": int(years) if years.isdigit() else years},
        }
        return self._rule_change(request, "create_retention_rule", data, rule_form=form)

    @http("POST", RETENTION + "/rules/<rule_id>/toggle")
    @web_page
    def web_retention_toggle_rule(self, request, rule_id):
        enabled = request.form.get("enabled") == "1"
        return self._rule_change(request, "update_retention_rule", rule_id, {"enabled": enabled})

    @http("POST", RETENTION + "/rules/<rule_id>/delete")
    @web_page
    def web_retention_delete_rule(self, request, rule_id):
        return self._rule_change(request, "delete_retention_rule", rule_id)

    @http("POST", RETENTION + "/erase")
    @web_page
    def web_retention_erase_confirm(self, request):
        """The confirmation page: how many, under which rules, that it cannot be undone."""
        principal = self.web_principal(request, GDPR_OFFICER)
        require_csrf(request, principal)
        everyone = request.form.get("all") == "1"
        contact_ids = [] if everyone else request.form.getlist("contact_id")
        if not everyone and not contact_ids:
            t = Translator(language_of(request))
            return self._retention_page(request, principal, status=422, errors=[t("ret.pick_some")])
        counted = self.call("contacts", "count_past_retention")
        count = counted["count"] if everyone else len(contact_ids)
        return self.web_render(
            request, principal, "data_protection/erase_confirm.html", everyone=everyone,
            contact_ids=contact_ids, count=count, rules=counted["rules"],
        )  # fmt: skip

    @http("POST", RETENTION + "/erase/confirm")
    @web_page
    def web_retention_erase(self, request):
        """Request the erasures in batches for about ERASE_SECONDS; more left: a page to go on."""
        principal = self.web_principal(request, GDPR_OFFICER)
        require_csrf(request, principal)
        everyone = request.form.get("all") == "1"
        contact_ids = [] if everyone else request.form.getlist("contact_id")
        data = {"all": True} if everyone else {"contact_ids": contact_ids}
        reason = request.form.get("reason", "").strip()
        if reason:
            data["reason"] = reason
        requested, failed, started = 0, {}, time.monotonic()
        while True:
            result = self.call("contacts", "erase_past_retention", data, timeout=120)
            requested += len(result["requested"])
            failed.update(result["failed"])
            if result["done"] or time.monotonic() - started > ERASE_SECONDS:
                break
        return self.web_render(
            request, principal, "data_protection/erase_done.html", requested=requested, failed=failed,
            remaining=0 if result["done"] else result["remaining"], everyone=everyone,
            contact_ids=contact_ids, reason=reason,
        )  # fmt: skip
