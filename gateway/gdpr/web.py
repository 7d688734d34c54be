"""Web pages of G3 and G4 for GDPR officers: the contact page's "Tietosuoja" section (access report
downloads, erase), the erasure confirmation, an erasure's status page with retry, the erasures list."""

from urllib.parse import urlencode

from gateway.gdpr.api import download
from gateway.gdpr.calls import GDPR_OFFICER, GdprCalls
from gateway.http import http
from gateway.i18n import Translator
from gateway.web_helpers import field_errors, language_of, require_csrf, see_other, web_page
from piiri.errors import ValidationFailed

# Rows of the confirmation page: (count key from erasure_preview, part label key).
COUNTED = (
    ("names", "gdpr.part.names"),
    ("statuses", "gdpr.part.statuses"),
    ("memberships", "gdpr.part.memberships"),
    ("custom_values", "gdpr.part.custom_values"),
    ("consents", "gdpr.part.consents"),
    ("legal_bases", "gdpr.part.legal_bases"),
    ("affiliations", "gdpr.part.affiliations"),
    ("couples", "gdpr.part.couples"),
    ("automation_runs", "gdpr.part.automation_runs"),
    ("import_changes", "gdpr.part.import_changes"),
    ("photo", "gdpr.part.photo"),
)


def same_name(typed, name):
    return " ".join((typed or "").split()).casefold() == " ".join((name or "").split()).casefold()


class GdprWebRoutes(GdprCalls):
    @http("GET", "/contacts/<contact_id>/access-report")
    @web_page
    def web_gdpr_access_report(self, request, contact_id):
        principal = self.web_principal(request, GDPR_OFFICER)
        fmt = request.args.get("format") or "pdf"
        return download(*self.access_report_file(principal, contact_id, fmt, language_of(request)))

    @http("GET", "/contacts/<contact_id>/erase")
    @web_page
    def web_gdpr_erase_form(self, request, contact_id):
        principal = self.web_principal(request, GDPR_OFFICER)
        return self._erase_page(request, principal, contact_id)

    def _erase_page(self, request, principal, contact_id, errors=(), status=200):
        preview = self.call("contacts", "erasure_preview", contact_id)
        return self.web_render(
            request, principal, "gdpr/confirm.html", status=status, preview=preview, counted=COUNTED,
            errors=list(errors), reason=request.form.get("reason", "") if request.method == "POST" else "",
        )  # fmt: skip

    @http("POST", "/contacts/<contact_id>/erase")
    @web_page
    def web_gdpr_erase(self, request, contact_id):
        principal = self.web_principal(request, GDPR_OFFICER)
        require_csrf(request, principal)
        t = Translator(language_of(request))
        preview = self.call("contacts", "erasure_preview", contact_id)
        if not same_name(request.form.get("confirm_name"), preview["display_name"]):
            return self._erase_page(request, principal, contact_id, [t("gdpr.name_mismatch")], status=422)
        try:
            erasure = self.call(
                "contacts", "request_erasure", contact_id, request.form.get("reason", "").strip()
            )
        except ValidationFailed as exc:
            by_field, general = field_errors(exc.details, t)
            messages = general + [message for texts in by_field.values() for message in texts]
            return self._erase_page(request, principal, contact_id, messages, status=422)
        return see_other(f"/erasures/{erasure['id']}")

    @http("GET", "/erasures")
    @web_page
    def web_gdpr_erasures(self, request):
        principal = self.web_principal(request, GDPR_OFFICER)
        page = self.call("contacts", "list_erasures", limit=50, cursor=request.args.get("cursor") or None)
        older = f"/erasures?{urlencode({'cursor': page['next_cursor']})}" if page["next_cursor"] else None
        return self.web_render(request, principal, "gdpr/list.html", page=page, older_url=older)

    @http("GET", "/erasures/<erasure_id>")
    @web_page
    def web_gdpr_erasure(self, request, erasure_id):
        principal = self.web_principal(request, GDPR_OFFICER)
        erasure = self.call("contacts", "get_erasure", erasure_id)
        return self.web_render(
            request,
            principal,
            "gdpr/erasure.html",
            erasure=erasure,
            retried=request.args.get("retried") == "1",
        )

    @http("POST", "/erasures/<erasure_id>/retry")
    @web_page
    def web_gdpr_retry(self, request, erasure_id):
        principal = self.web_principal(request, GDPR_OFFICER)
        require_csrf(request, principal)
        erasure = self.call("contacts", "retry_erasure", erasure_id)
        return see_other(f"/erasures/{erasure['id']}?retried=1")
