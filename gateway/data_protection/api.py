"""/api/v1 routes of G1 (a person's data protection view, consents, legal bases, processing purposes) and
G5 (retention rules, who is past retention, bulk erasure in batches)."""

from gateway.base import int_arg, json_body
from gateway.core import GatewayCore
from gateway.data_protection import schemas
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import EDIT, GDPR_OFFICER, VIEW


class DataProtectionApiRoutes(GatewayCore):
    # --- G1 -------------------------------------------------------------------------------------------

    @api_operation(
        (
            "G1: everything bearing on the lawful basis of processing one person: each purpose with its "
            "effective legal basis and consent state, consent history, legal bases, memberships, mailing "
            "permissions, retention dates (audited read)"
        ),
        permission="contacts.view",
        responses={200: schemas.DataProtectionView},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/data-protection")
    def api_dp_view(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "data_protection_view", contact_id))

    @api_operation(
        "G1: a person's consents: current state per purpose and full history",
        permission="contacts.view",
        responses={200: schemas.DpConsentsResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/consents")
    def api_dp_consents(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "list_consents", contact_id))

    @api_operation(
        (
            "G1: record a consent given or withdrawn (append-only; contacts.edit); publishes "
            "consent_given / consent_withdrawn"
        ),
        permission="contacts.edit",
        body=schemas.ConsentInput,
        responses={201: (schemas.Consent, "Recorded")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/consents")
    def api_dp_record_consent(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "record_consent", contact_id, json_body(request)), status=201
        )

    @api_operation(
        "G1: a person's specific legal bases (active ones flagged)",
        permission="contacts.view",
        responses={200: schemas.DpLegalBasesResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/legal-bases")
    def api_dp_legal_bases(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_legal_bases", contact_id)})

    @api_operation(
        "G1: add a person-specific legal basis for a purpose",
        permission="contacts.edit",
        body=schemas.LegalBasisInput,
        responses={201: (schemas.LegalBasis, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/legal-bases")
    def api_dp_add_legal_basis(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(
            self.call("contacts", "add_legal_basis", contact_id, json_body(request)), status=201
        )

    @api_operation(
        "G1: end a legal basis (ends_on, default today)",
        permission="contacts.edit",
        body=schemas.LegalBasisEnd,
        body_required=False,
        responses={200: schemas.LegalBasis},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/legal-bases/<basis_id>/end")
    def api_dp_end_legal_basis(self, request, contact_id, basis_id):
        self.api_principal(request, EDIT)
        data = json_body(request) if request.get_data() else {}
        return json_response(self.call("contacts", "end_legal_basis", contact_id, basis_id, data))

    @api_operation(
        "G1: remove a mistaken legal basis",
        permission="contacts.edit",
        responses={200: (schemas.LegalBasis, "Removed")},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>/legal-bases/<basis_id>")
    def api_dp_remove_legal_basis(self, request, contact_id, basis_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_legal_basis", contact_id, basis_id))

    @api_operation(
        "G1: processing purposes with their default legal basis",
        permission="contacts.view",
        responses={200: schemas.DpPurposesResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/processing-purposes")
    def api_dp_purposes(self, request):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_processing_purposes")})

    @api_operation(
        "G1: add a processing purpose (gdpr.officer)",
        permission="gdpr.officer",
        body=schemas.PurposeInput,
        responses={201: (schemas.Purpose, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/processing-purposes")
    def api_dp_create_purpose(self, request):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(
            self.call("contacts", "create_processing_purpose", json_body(request)), status=201
        )

    @api_operation(
        (
            "G1: change a purpose's labels, description or default legal basis (gdpr.officer; the code "
            "never changes)"
        ),
        permission="gdpr.officer",
        body=schemas.PurposeChanges,
        responses={200: schemas.Purpose},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/processing-purposes/<code>")
    def api_dp_update_purpose(self, request, code):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "update_processing_purpose", code, json_body(request)))

    # --- G5 -------------------------------------------------------------------------------------------

    @api_operation(
        "G5: retention rules",
        permission="contacts.view",
        responses={200: schemas.RetentionRulesResponse},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/retention-rules")
    def api_retention_rules(self, request):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_retention_rules")})

    @api_operation(
        (
            "G5: add a retention rule (gdpr.officer): kind inactive (no membership open or ended and no "
            "change for N years) or deceased (N years after death)"
        ),
        permission="gdpr.officer",
        body=schemas.RuleInput,
        responses={201: (schemas.Rule, "Added")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/retention-rules")
    def api_retention_create_rule(self, request):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "create_retention_rule", json_body(request)), status=201)

    @api_operation(
        "G5: change or enable/disable a retention rule (gdpr.officer)",
        permission="gdpr.officer",
        body=schemas.RuleInput,
        responses={200: schemas.Rule},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/retention-rules/<rule_id>")
    def api_retention_update_rule(self, request, rule_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "update_retention_rule", rule_id, json_body(request)))

    @api_operation(
        "G5: remove a retention rule (gdpr.officer)",
        permission="gdpr.officer",
        responses={200: (schemas.Rule, "Removed")},
        errors=(403, 404),
    )
    @http("DELETE", "/api/v1/retention-rules/<rule_id>")
    def api_retention_delete_rule(self, request, rule_id):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "delete_retention_rule", rule_id))

    @api_operation(
        (
            "G5: contacts past retention, earliest first, with the rules and since when (gdpr.officer; "
            "keyset paging; audited)"
        ),
        permission="gdpr.officer",
        query=schemas.RetentionPastQuery,
        responses={200: schemas.PastRetentionPage},
        errors=(403, 422),
    )
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

    @api_operation(
        "G5: how many contacts are past retention (gdpr.officer)",
        permission="gdpr.officer",
        query=schemas.RetentionCountQuery,
        responses={200: schemas.RetentionCountResponse},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/retention/past:count")
    def api_retention_count(self, request):
        self.api_principal(request, GDPR_OFFICER)
        return json_response(
            self.call("contacts", "count_past_retention", rule_id=request.args.get("rule_id") or None)
        )

    @api_operation(
        (
            "G5: request the erasure (G4) of one batch of the selected contacts still past retention; "
            "repeat until remaining is 0. Cannot be undone."
        ),
        permission="gdpr.officer",
        body=schemas.EraseInput,
        responses={200: schemas.EraseResult},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/retention/erasures")
    def api_retention_erase(self, request):
        """One batch; the caller repeats the same request until ``remaining`` is 0 (or ``done``)."""
        self.api_principal(request, GDPR_OFFICER)
        return json_response(self.call("contacts", "erase_past_retention", json_body(request), timeout=120))
