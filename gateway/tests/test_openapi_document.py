"""issue 11 item 4 / X2: the OpenAPI document is generated from the routes' @api_operation declarations
and the marshmallow schemas; every API route is in it, nothing else is, and it is a valid OpenAPI 3.0
document whose every $ref resolves."""

import copy

import jsonschema
import pytest

from gateway.openapi import OPERATION_ATTR, api_routes, openapi_document, undeclared_routes
from gateway.tests.openapi_check import (
    documented_operations,
    json_schema,
    refs,
    resolve,
    validate_structure,
)
from tests.e2e.test_permission_matrix import ROUTE_PERMISSIONS
from tests.routes import gateway_routes, is_api


@pytest.fixture(scope="module")
def document():
    import gateway.service  # noqa: F401  (imports every route, as the running gateway does)

    return openapi_document()


def test_issue11_every_api_route_is_documented_and_every_documented_operation_exists(document):
    api = {route for route in gateway_routes() if is_api(route.split(" ", 1)[1])}
    assert undeclared_routes() == []
    assert documented_operations(document) == api


def test_issue11_an_undeclared_route_is_reported(monkeypatch):
    method, rule, function = api_routes()[0]
    monkeypatch.delattr(function, OPERATION_ATTR)
    assert undeclared_routes() == [f"{method} {rule}"]


def test_issue11_path_parameters_come_from_the_rule(document):
    get = document["paths"]["/api/v1/contacts/{contact_id}/legal-bases/{basis_id}"]["delete"]
    assert [(p["name"], p["in"], p["required"]) for p in get["parameters"]] == [
        ("contact_id", "path", True),
        ("basis_id", "path", True),
    ]
    assert get["parameters"][0]["schema"] == {"type": "string", "format": "uuid"}


def test_issue11_declared_permissions_match_the_permission_matrix():
    """The permission a declaration documents is the one the permission matrix checks."""
    public_kinds = {"public", "logged-in", "login", "pending-login", "secret-in-path"}
    for method, rule, function in api_routes():
        needed = ROUTE_PERMISSIONS[f"{method} {rule}"]
        declared = getattr(function, OPERATION_ATTR).permission
        assert declared == (None if needed in public_kinds else needed), f"{method} {rule}"


def test_x2_the_document_is_valid_openapi_3(document):
    assert document["openapi"].startswith("3.0")
    validate_structure(document)
    broken = copy.deepcopy(document)
    del broken["paths"]["/api/v1/contacts"]["get"]["responses"]
    with pytest.raises(jsonschema.ValidationError):
        validate_structure(broken)


def test_x2_every_ref_resolves(document):
    for ref in set(refs(document)):
        assert isinstance(resolve(document, ref), dict), ref


def test_issue11_the_document_keeps_what_callers_rely_on(document):
    """Bearer security, error responses, file and stream responses, request and query schemas."""
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    paths = document["paths"]
    create = paths["/api/v1/contacts"]["post"]
    assert create["security"] == [{"bearer": []}, {"session": []}]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContactInput"
    }
    assert {"201", "401", "403", "422", "503"} <= set(create["responses"])
    assert create["responses"]["422"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    assert "contacts.edit" in create["description"] and create["x-permission"] == "contacts.edit"
    assert paths["/api/v1/auth/token"]["post"]["security"] == []
    search = paths["/api/v1/contacts"]["get"]
    assert {"q", "limit", "cursor"} <= {p["name"] for p in search["parameters"] if p["in"] == "query"}
    report = paths["/api/v1/contacts/{contact_id}/access-report"]["get"]["responses"]["200"]["content"]
    assert report["application/pdf"]["schema"] == {"type": "string", "format": "binary"}
    assert report["application/json"]["schema"] == {"$ref": "#/components/schemas/AnyObject"}
    export_file = paths["/api/v1/exports/{job_id}/file"]["get"]["responses"]["200"]["content"]
    assert all(media["schema"] == {"type": "string", "format": "binary"} for media in export_file.values())
    stream = paths["/api/v1/contacts:export"]["get"]["responses"]["200"]["content"]
    assert stream["application/x-ndjson"]["schema"] == {"type": "string"}
    assert stream["application/json"]["schema"]["type"] == "array"
    upload = paths["/api/v1/imports"]["post"]["requestBody"]["content"]
    assert {"application/octet-stream", "multipart/form-data"} <= set(upload)


def test_issue11_the_advanced_search_example_matches_its_own_schema(document):
    request = document["components"]["schemas"]["AdvancedSearchRequest"]
    schema = json_schema(document, {"$ref": "#/components/schemas/AdvancedSearchRequest"})
    jsonschema.Draft4Validator(schema).validate(request["example"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate({"expression": {"and": [{"filter": "city"}]}})
