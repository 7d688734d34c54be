"""The OpenAPI 3 document of /api/v1, generated (issue 11 item 4) from the route declarations and the
marshmallow schemas: each API route carries an ``@api_operation(...)`` declaration next to its ``@http``
line; the path and the method come from the nameko entrypoint itself, path parameters from the werkzeug
rule, bodies, queries and responses from marshmallow schemas (apispec's marshmallow plugin)."""

import inspect
import re
from dataclasses import dataclass, field
from functools import cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import INCLUDE, Schema, fields
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

OPERATION_ATTR = "piiri_api_operation"
SECURED = [{"bearer": []}, {"session": []}]
ERROR_NAMES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Permission denied",
    404: "Not found",
    409: "Conflict",
    413: "Too large",
    414: "Address too long",
    415: "Unsupported media type",
    422: "A field is not valid",
    423: "Locked",
    429: "Too many attempts",
    503: "Unavailable",
}
# What gateway/request_guard.py answers for any route, before the route runs (issue 12 item 6): 400 for a
# malformed body (JSON nested too deeply, not text), 413/414 for a body or an address over the limits,
# 422 for text no field may hold (NUL, lone surrogates) in the address, the query or the body.
REQUEST_GUARD_ERRORS = (400, 413, 414, 422)
PATH_PARAMETER = re.compile(r"<(?:[a-z]+:)?(\w+)>")
TEXT_PATH_PARAMETERS = {"code", "token_id"}  # every other <..._id> is a UUID


class Error(Schema):
    error = fields.String(
        required=True, metadata={"description": "Machine-readable code, e.g. validation_failed."}
    )
    code = fields.String(
        metadata={"description": "The stable code of what went wrong, e.g. contact.invalid (piiri.errors)."}
    )
    params = fields.Dict(metadata={"description": 'The values the code\'s text needs, e.g. {"max": 100}.'})
    message = fields.String(
        required=True,
        metadata={"description": "The code in words, in the request's language (Accept-Language; English)."},
    )
    details = fields.Dict(
        metadata={
            "description": "For validation errors: field name -> list of codes or {code, params} entries."
        }
    )


class AnyObject(Schema):
    """A JSON object whose keys this document does not list."""

    class Meta:
        unknown = INCLUDE


@dataclass(frozen=True)
class Binary:
    """A response that is a file or a stream, not JSON."""

    media_types: tuple
    description: str = "The file"
    json: object = None  # the schema of its application/json form, if it has one


def file_response(*media_types, description="The file", json=None):
    """A file or stream in these media types (text ones as strings, others as bytes); json: the schema of
    the same answer as JSON, when the caller may ask for that instead."""
    return Binary(tuple(media_types), description, json)


def media_schema(media_type):
    if media_type.startswith("text/") or media_type == "application/x-ndjson":
        return {"type": "string"}
    return {"type": "string", "format": "binary"}


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str | None = None
    tags: tuple = ()
    body: object = None
    body_media_type: str = "application/json"
    body_required: bool = True
    form: object = None
    query: object = None
    responses: dict = field(default_factory=dict)
    errors: tuple = ()
    permission: object = None
    public: bool = False


def api_operation(summary, **declaration):
    """Declares how an @http API route appears in the OpenAPI document (stored on the function).

    body / query: a marshmallow schema (class or instance; a tuple of schemas for a oneOf body; for an
    upload, file_response(media types...) and form=the multipart/form-data schema);
    responses: {status: schema | (schema, description) | file_response(...) | "description"};
    errors: the error statuses it answers (401 and 503 are added for every secured route);
    permission: what the caller needs (a string, or a tuple needing each); public: no login needed.
    """
    operation = Operation(summary, **declaration)

    def declare(function):
        setattr(function, OPERATION_ATTR, operation)
        return function

    return declare


NAMED_COMPONENTS = {}


def component(name, schema, **extra):
    """Registers a marshmallow schema under a name (other than its class name, or with extra keywords such
    as an example of the whole object); returns the schema."""
    NAMED_COMPONENTS[name] = (schema, extra)
    return schema


RAW_COMPONENTS = {}


def json_schema_component(name, schema):
    """A component marshmallow cannot express (a recursive oneOf); returns the field metadata that refers
    to it, e.g. ``fields.Raw(metadata=json_schema_component(...))``."""
    RAW_COMPONENTS[name] = schema
    return {"allOf": [{"$ref": f"#/components/schemas/{name}"}]}


def api_routes():
    """(method, werkzeug rule, function) of every @http entrypoint of GatewayService under /api/ or /health
    (imported here: the routes' modules import this one)."""
    from gateway.service import GatewayService

    found = []
    for _, function in inspect.getmembers(GatewayService, callable):
        for entrypoint in getattr(function, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if entrypoint.url.startswith("/api/") or entrypoint.url == "/health":
                found.append((entrypoint.method, entrypoint.url, function))
    return sorted(found, key=lambda route: (route[1], route[0]))


def openapi_path(rule):
    """werkzeug's /contacts/<contact_id> -> OpenAPI's /contacts/{contact_id}."""
    return PATH_PARAMETER.sub(r"{\1}", rule)


def path_parameters(rule):
    parameters = []
    for name in PATH_PARAMETER.findall(rule):
        schema = {"type": "string"}
        if name.endswith("_id") and name not in TEXT_PATH_PARAMETERS:
            schema["format"] = "uuid"
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return parameters


def response_object(value):
    if isinstance(value, str):
        return {"description": value}
    if isinstance(value, Binary):
        content = {media_type: {"schema": media_schema(media_type)} for media_type in value.media_types}
        if value.json is not None:
            content["application/json"] = {"schema": value.json}
        return {"description": value.description, "content": content}
    schema, description = value if isinstance(value, tuple) else (value, "OK")
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_statuses(operation):
    codes = set(operation.errors) | {503, *REQUEST_GUARD_ERRORS}
    if not operation.public:
        codes.add(401)
    return sorted(codes)


def describe(operation):
    text = operation.description or ""
    if operation.permission:
        needed = operation.permission if isinstance(operation.permission, tuple) else (operation.permission,)
        note = "Permission: " + " and ".join(f"`{name}`" for name in needed) + "."
        text = f"{text}\n\n{note}" if text else note
    return text


def request_body(operation):
    body = operation.body
    if isinstance(body, Binary):
        content = {media_type: {"schema": media_schema(media_type)} for media_type in body.media_types}
    else:
        schema = {"oneOf": list(body)} if isinstance(body, tuple) else body
        content = {operation.body_media_type: {"schema": schema}}
    if operation.form is not None:
        content["multipart/form-data"] = {"schema": operation.form}
    return {"required": operation.body_required, "content": content}


def operation_object(method, rule, function, operation):
    parameters = path_parameters(rule)
    if operation.query is not None:
        parameters.append({"in": "query", "schema": operation.query})
    responses = {str(status): response_object(value) for status, value in operation.responses.items()}
    for code in error_statuses(operation):
        responses.setdefault(
            str(code),
            {"description": ERROR_NAMES[code], "content": {"application/json": {"schema": "Error"}}},
        )
    result = {
        "operationId": function.__name__,
        "summary": operation.summary,
        "tags": list(operation.tags or (default_tag(function),)),
        "security": [] if operation.public else SECURED,
        "responses": responses,
    }
    if parameters:
        result["parameters"] = parameters
    if operation.body is not None:
        result["requestBody"] = request_body(operation)
    if description := describe(operation):
        result["description"] = description
    if operation.permission:
        result["x-permission"] = operation.permission
    return result


def undeclared_routes():
    """Each "METHOD /rule" of the API routes without an @api_operation declaration."""
    return [
        f"{method} {rule}" for method, rule, function in api_routes() if not hasattr(function, OPERATION_ATTR)
    ]


CORE_TAG_AREAS = ("contacts", "site")  # the first API's routes, tagged "api" since


def default_tag(function):
    """A route's tag unless it names its own: its area (gateway/<area>/api.py), or what its module names
    before "_api" (gateway/saved_searches/advanced_search_api.py: advanced_search); "api" for the
    contacts' and the site's routes."""
    area, module = function.__module__.split(".")[1:3]
    if area in CORE_TAG_AREAS:
        return "api"
    return area if module == "api" else module.removesuffix("_api")


def schema_name(schema):
    """Component names: the class name, without a trailing "Schema"."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema") or cls.__name__
    modifiers = getattr(schema, "only", None) or getattr(schema, "exclude", None)
    return None if modifiers else name


@cache
def openapi_document():
    spec = APISpec(
        title="Piiri API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=schema_name)],
        info={"description": "Contacts and their audit trail. Every read of personal data is audited."},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "piiri_session"})
    spec.components.schema("Error", schema=Error)
    routes = api_routes()  # imports every feature, so RAW_COMPONENTS and NAMED_COMPONENTS are complete
    for name, (schema, extra) in NAMED_COMPONENTS.items():
        spec.components.schema(name, extra, schema=schema)
    for name, schema in RAW_COMPONENTS.items():
        spec.components.schema(name, schema)
    paths = {}
    for method, rule, function in routes:
        operation = getattr(function, OPERATION_ATTR, None)
        if operation is not None:
            paths.setdefault(rule, {})[method.lower()] = operation_object(method, rule, function, operation)
    for rule, operations in paths.items():
        spec.path(openapi_path(rule), operations=operations)
    return spec.to_dict()
