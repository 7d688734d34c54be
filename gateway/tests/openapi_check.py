"""Helpers of the OpenAPI tests (issue 11 item 4, X2): the document's operations as "METHOD /rule",
$ref resolution, and a response schema turned into plain JSON Schema for jsonschema."""

import json
import re
from pathlib import Path

import jsonschema

OPENAPI_30_SCHEMA = Path(__file__).parent / "data/openapi-3.0-schema.json"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def documented_operations(document):
    """Every "METHOD /rule" of the document, with the path's {param} written back as werkzeug's <param>."""
    found = set()
    for path, item in document["paths"].items():
        rule = re.sub(r"{(\w+)}", r"<\1>", path)
        found |= {f"{method.upper()} {rule}" for method in item if method in METHODS}
    return found


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def resolve(document, ref):
    assert ref.startswith("#/"), ref
    node = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def validate_structure(document):
    """Raises if the document breaks the OpenAPI 3.0 JSON Schema (the OAI's own, stored offline)."""
    schema = json.loads(OPENAPI_30_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(document)


def json_schema(document, schema):
    """An OpenAPI 3.0 schema object as a JSON Schema (draft 4 style): nullable becomes a null type; the
    components travel along so that every $ref resolves."""

    def convert(node):
        if isinstance(node, list):
            return [convert(value) for value in node]
        if not isinstance(node, dict):
            return node
        converted = {key: convert(value) for key, value in node.items() if key != "nullable"}
        if node.get("nullable") and "type" in node:
            converted["type"] = [node["type"], "null"]
        elif node.get("nullable") and "$ref" not in node:
            pass
        if node.get("nullable") and ("$ref" in node or "allOf" in node):
            converted = {"anyOf": [{"type": "null"}, converted]}
        for key in ("readOnly", "writeOnly", "example", "discriminator", "xml", "externalDocs"):
            converted.pop(key, None)
        return converted

    return {**convert(schema), "components": convert(document["components"])}


def response_schema(document, path, method, status):
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    return json_schema(document, content["application/json"]["schema"])


def assert_matches(document, path, method, status, body):
    jsonschema.Draft4Validator(response_schema(document, path, method, status)).validate(body)
