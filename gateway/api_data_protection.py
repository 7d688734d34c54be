"""/api/v1 routes of G1 (a person's data protection view, consents, legal bases, processing purposes) and
G5 (retention rules, who is past retention, bulk erasure in batches)."""

from gateway import openapi_data_protection  # noqa: F401  (registers the OpenAPI paths)
from gateway.base import int_arg, json_body
from gateway.http import http, json_response
from gateway.roles import EDIT, GDPR_OFFICER, VIEW


class DataProtectionApiRoutes:
    # --- G1 -------------------------------------------------------------------------------------------

    @http("GET", "/api/v1/contacts/<contact_id>/data-protection")
    def api_dp_view(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "data_protection_view", contact_id))

    @http("GET", "/api/v1/contacts/<contact_id>/consents")
    def api_dp_consents(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "list_consents", contact_id))

    @http("POST", "/api/v1/contacts/<contact_id>/consents")
    def api_dp_record_consent(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "record_consent", contact_id, json_body(request)), status=201
        )

    @http("GET", "/api/v1/contacts/<contact_id>/legal-bases")
    def api_dp_legal_bases(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_legal_bases", contact_id)})

    @http("POST", "/api/v1/contacts/<contact_id>/legal-bases")
    def api_dp_add_legal_basis(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "add_legal_basis", contact_id, json_body(request)), status=201
        )

    @http("POST", "/api/v1/contacts/<contact_id>/legal-bases/<basis_id>/end")
    def api_dp_end_legal_basis(self, request, contact_id, basis_id):
        self.api_principal(request, EDIT)
        data = json_body(request) if request.get_data() else {}
        return json_response(self.call("contacts", "end_legal_basis", contact_id, basis_id, data))

    @http("DELETE", "/api/v1/contacts/<contact_id>/legal-bases/<basis_id>")
    def api_dp_remove_legal_basis(self, request, contact_id, basis_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_legal_basis", contact_id, basis_id))

    @http("GET", "/api/v1/processing-purposes")
    def api_dp_purposes(self, request):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_processing_purposes")})

    @http("POST", "/api/v1/processing-purposes")
    def api_dp_create_purpose(self, request):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(
            self.call("contacts", "create_processing_purpose", json_body(request)), status=201
        )

    @http("PATCH", "/api/v1/processing-purposes/<code>")
    def api_dp_update_purpose(self, request, code):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "update_processing_purpose", code, json_body(request)))

    # --- G5 -------------------------------------------------------------------------------------------

    @http("GET", "/api/v1/retention-rules")
    def api_retention_rules(self, request):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_retention_rules")})

    @http("POST", "/api/v1/retention-rules")
    def api_retention_create_rule(self, request):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "create_retention_rule", json_body(request)), status=201)

    @http("PATCH", "/api/v1/retention-rules/<rule_id>")
    def api_retention_update_rule(self, request, rule_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "update_retention_rule", rule_id, json_body(request)))

    @http("DELETE", "/api/v1/retention-rules/<rule_id>")
    def api_retention_delete_rule(self, request, rule_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "delete_retention_rule", rule_id))

    @http("GET", "/api/v1/retention/past")
    def api_retention_past(self, request):
        self.api_principal(request, GDPR_OFFICER)
        args = request.args
        page = self.call(
            "contacts",
            "past_retention",
            limit=int_arg(args, "limit", None),
            cursor=args.get("cursor") or None,
            rule_id=args.get("rule_id") or None,
        )
        return json_response(page)

    @http("GET", "/api/v1/retention/past:count")
    def api_retention_count(self, request):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(
            self.call("contacts", "count_past_retention", rule_id=request.args.get("rule_id") or None)
        )

    @http("POST", "/api/v1/retention/erasures")
    def api_retention_erase(self, request):
        """One batch; the caller repeats the same request until ``remaining`` is 0 (or ``done``)."""
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "erase_past_retention", json_body(request), timeout=120))
