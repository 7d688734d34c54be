"""X1 (issue 11 item 11): docs/events/ holds a JSON Schema per published event type, generated from the
services' marshmallow event catalogues, and cannot drift from the code."""

import importlib.util
import json
import re
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "event_schemas.py"
LITERAL_EVENT = re.compile(r"\.event\(\s*session,\s*(f?)\"([^\"]+)\"")


def load_script():
    spec = importlib.util.spec_from_file_location("event_schemas", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return load_script()


def test_x1_docs_events_schemas_are_current(script, capsys):
    assert script.main(["--check"]) == 0, capsys.readouterr().err


def test_x1_every_schema_is_valid_draft_2020_12_and_names_its_event(script):
    for event_type, entry in script.load_catalogue().items():
        path = ROOT / "docs" / "events" / script.file_name(event_type, entry["version"])
        schema = json.loads(path.read_text())
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["x-piiri-routing-key"] == event_type
        assert schema["properties"]["schema_version"] == {"const": entry["version"]}
        assert schema["required"][0] == "schema_version"


def test_x1_every_event_the_code_publishes_has_a_schema(script):
    """Each outbox.event(session, "<type>") in the services (f-strings as patterns) is in a catalogue."""
    known = set(script.load_catalogue())
    missing = []
    for path in sorted((ROOT / "services").rglob("*.py")):
        if "/tests/" in path.as_posix():
            continue
        for is_f, name in LITERAL_EVENT.findall(path.read_text()):
            pattern = re.compile(re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(name)) if is_f else re.escape(name))
            if not any(pattern.fullmatch(event_type) for event_type in known):
                missing.append(f"{path.relative_to(ROOT)}: {name}")
    assert missing == []


def test_x1_the_catalogue_example_validates_and_a_broken_one_does_not(script):
    """The contact_updated example of docs/events.md matches its schema; breaking it is caught."""
    text = (ROOT / "docs" / "events.md").read_text()
    example = json.loads(re.search(r"```json\n(\{\n  \"schema_version\".*?\n\})\n```", text, re.S).group(1))
    schema = script.event_schema("contact_updated", script.load_catalogue()["contact_updated"])
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    assert list(validator.iter_errors(example)) == []
    assert list(validator.iter_errors({**example, "contact_id": None}))
    assert list(validator.iter_errors({**example, "schema_version": 2}))
    assert list(validator.iter_errors({**example, "changed_fields": "city"}))
