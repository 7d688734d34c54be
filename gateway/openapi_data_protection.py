"""OpenAPI paths of G1 (data protection view, consents, legal bases, processing purposes) and G5 (retention
rules, the past-retention list and count, bulk erasure), and the consent filter of GET /api/v1/contacts."""

from gateway.openapi import CONTACT_ID, PAGING, error_responses, json_content, openapi_paths
from services.contacts.consents.contract import (
    Consent,
    ConsentInput,
    DataProtectionView,
    LegalBasis,
    LegalBasisEnd,
    LegalBasisInput,
    Purpose,
    PurposeChanges,
    PurposeInput,
)
from services.contacts.retention.contract import EraseInput, EraseResult, PastRetentionPage, Rule, RuleInput


def _path_id(name, schema=None):
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema or {"type": "string", "format": "uuid"},
    }


def _body(schema):
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _items(schema):
    body = {
        "type": "object",
        "properties": {"items": {"type": "array", "items": {"$ref": f"#/components/schemas/{schema}"}}},
    }
    return {"description": "OK", "content": {"application/json": {"schema": body}}}


CONSENTS_ANSWER = {
    "description": "OK",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "current": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Consent"},
                        "description": "The latest row of each purpose: the current state.",
                    },
                    "history": {
                        "type": "array",
                        "items": {"$ref": "#/components/schemas/Consent"},
                        "description": "Every row, newest first (append-only).",
                    },
                },
            }
        }
    },
}
COUNT_ANSWER = {
    "description": "OK",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "count": {"type": "integer"},
                    "rules": {"type": "array", "items": {"$ref": "#/components/schemas/RetentionRule"}},
                },
            }
        }
    },
}
RULE_ID_QUERY = {
    "name": "rule_id",
    "in": "query",
    "schema": {"type": "string", "format": "uuid"},
    "description": "Only this enabled rule (default: every enabled rule).",
}
CONSENT_FILTER = {
    "name": "consent",
    "in": "query",
    "schema": {"type": "string"},
    "description": "G1: only contacts whose current (latest) consent for this purpose code is given, "
    "e.g. consent=newsletter.",
}


@openapi_paths
def data_protection_paths(spec, secured):
    for name, schema in (
        ("Purpose", Purpose),
        ("PurposeInput", PurposeInput),
        ("PurposeChanges", PurposeChanges),
        ("Consent", Consent),
        ("ConsentInput", ConsentInput),
        ("LegalBasis", LegalBasis),
        ("LegalBasisInput", LegalBasisInput),
        ("LegalBasisEnd", LegalBasisEnd),
        ("DataProtectionView", DataProtectionView),
        ("RetentionRule", Rule),
        ("RetentionRuleInput", RuleInput),
        ("PastRetentionPage", PastRetentionPage),
        ("RetentionEraseInput", EraseInput),
        ("RetentionEraseResult", EraseResult),
    ):
        spec.components.schema(name, schema=schema)
    read, write = error_responses(401, 403, 404, 503), error_responses(401, 403, 404, 409, 422, 503)
    op = {"security": secured}
    contact = "/api/v1/contacts/{contact_id}"
    spec.path(
        f"{contact}/data-protection",
        operations={
            "get": {
                **op,
                "parameters": [CONTACT_ID],
                "summary": "G1: everything bearing on the lawful basis of processing one person: each "
                "purpose with its effective legal basis and consent state, consent history, legal bases, "
                "memberships, mailing permissions, retention dates (audited read)",
                "responses": {"200": json_content("DataProtectionView"), **read},
            }
        },
    )
    spec.path(
        f"{contact}/consents",
        operations={
            "get": {
                **op,
                "summary": "G1: a person's consents: current state per purpose and full history",
                "parameters": [CONTACT_ID],
                "responses": {"200": CONSENTS_ANSWER, **read},
            },
            "post": {
                **op,
                "summary": "G1: record a consent given or withdrawn (append-only; contacts.edit); "
                "publishes consent_given / consent_withdrawn",
                "parameters": [CONTACT_ID],
                "requestBody": _body("ConsentInput"),
                "responses": {"201": json_content("Consent", "Recorded"), **write},
            },
        },
    )
    spec.path(
        f"{contact}/legal-bases",
        operations={
            "get": {
                **op,
                "summary": "G1: a person's specific legal bases (active ones flagged)",
                "parameters": [CONTACT_ID],
                "responses": {"200": _items("LegalBasis"), **read},
            },
            "post": {
                **op,
                "summary": "G1: add a person-specific legal basis for a purpose",
                "parameters": [CONTACT_ID],
                "requestBody": _body("LegalBasisInput"),
                "responses": {"201": json_content("LegalBasis", "Added"), **write},
            },
        },
    )
    spec.path(
        f"{contact}/legal-bases/{{basis_id}}/end",
        operations={
            "post": {
                **op,
                "summary": "G1: end a legal basis (ends_on, default today)",
                "parameters": [CONTACT_ID, _path_id("basis_id")],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": "LegalBasisEnd"}},
                },
                "responses": {"200": json_content("LegalBasis"), **write},
            }
        },
    )
    spec.path(
        f"{contact}/legal-bases/{{basis_id}}",
        operations={
            "delete": {
                **op,
                "summary": "G1: remove a mistaken legal basis",
                "parameters": [CONTACT_ID, _path_id("basis_id")],
                "responses": {"200": json_content("LegalBasis", "Removed"), **read},
            }
        },
    )
    spec.path(
        "/api/v1/processing-purposes",
        operations={
            "get": {
                **op,
                "summary": "G1: processing purposes with their default legal basis",
                "responses": {"200": _items("Purpose"), **read},
            },
            "post": {
                **op,
                "summary": "G1: add a processing purpose (gdpr.officer)",
                "requestBody": _body("PurposeInput"),
                "responses": {"201": json_content("Purpose", "Added"), **write},
            },
        },
    )
    spec.path(
        "/api/v1/processing-purposes/{code}",
        operations={
            "patch": {
                **op,
                "summary": "G1: change a purpose's labels, description or default legal "
                "basis (gdpr.officer; the code never changes)",
                "parameters": [_path_id("code", {"type": "string"})],
                "requestBody": _body("PurposeChanges"),
                "responses": {"200": json_content("Purpose"), **write},
            }
        },
    )
    spec.path(
        "/api/v1/retention-rules",
        operations={
            "get": {
                **op,
                "summary": "G5: retention rules",
                "responses": {"200": _items("RetentionRule"), **read},
            },
            "post": {
                **op,
                "summary": "G5: add a retention rule (gdpr.officer): kind inactive (no membership "
                "open or ended and no change for N years) or deceased (N years after death)",
                "requestBody": _body("RetentionRuleInput"),
                "responses": {"201": json_content("RetentionRule", "Added"), **write},
            },
        },
    )
    spec.path(
        "/api/v1/retention-rules/{rule_id}",
        operations={
            "patch": {
                **op,
                "summary": "G5: change or enable/disable a retention rule (gdpr.officer)",
                "parameters": [_path_id("rule_id")],
                "requestBody": _body("RetentionRuleInput"),
                "responses": {"200": json_content("RetentionRule"), **write},
            },
            "delete": {
                **op,
                "summary": "G5: remove a retention rule (gdpr.officer)",
                "parameters": [_path_id("rule_id")],
                "responses": {"200": json_content("RetentionRule", "Removed"), **read},
            },
        },
    )
    spec.path(
        "/api/v1/retention/past",
        operations={
            "get": {
                **op,
                "summary": "G5: contacts past retention, earliest first, with the rules and "
                "since when (gdpr.officer; keyset paging; audited)",
                "parameters": [*PAGING, RULE_ID_QUERY],
                "responses": {
                    "200": json_content("PastRetentionPage"),
                    **error_responses(401, 403, 422, 503),
                },
            }
        },
    )
    spec.path(
        "/api/v1/retention/past:count",
        operations={
            "get": {
                **op,
                "summary": "G5: how many contacts are past retention (gdpr.officer)",
                "parameters": [RULE_ID_QUERY],
                "responses": {"200": COUNT_ANSWER, **error_responses(401, 403, 422, 503)},
            }
        },
    )
    spec.path(
        "/api/v1/retention/erasures",
        operations={
            "post": {
                **op,
                "summary": "G5: request the erasure (G4) of one batch of the selected contacts "
                "still past retention; repeat until remaining is 0. Cannot be undone.",
                "requestBody": _body("RetentionEraseInput"),
                "responses": {"200": json_content("RetentionEraseResult"), **write},
            }
        },
    )
    search = spec._paths.get("/api/v1/contacts", {}).get("get")
    if search is not None:
        search.setdefault("parameters", []).append(CONSENT_FILTER)
