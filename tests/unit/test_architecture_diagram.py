"""Issue 11 item 12: docs/architecture.md's picture of services, databases, exchanges, queues, RPC calls and
events is generated from the code and fails this test when the code changes without it."""

import importlib.util
import re
from pathlib import Path

import pytest
from nameko.events import event_handler
from nameko.rpc import RpcProxy

import piiri_cli.cli

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "architecture_diagram.py"
NODE = re.compile(r"^\s+([a-z]+_[A-Za-z0-9_]+|client|others)[\[\(\{]", re.M)
EDGE = re.compile(r"^\s+(\S+) (?:==>|-->|---|-\.->)(?:\|[^|]*\|)? (\S+)$", re.M)


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("architecture_diagram", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Mailing:
    """A service that does not exist yet: it calls contacts and listens to contact_updated."""

    name = "mailing"
    contacts = RpcProxy("contacts")

    @event_handler("contacts", "contact_updated")
    def on_contact_updated(self, payload):
        return payload


def test_issue11_docs_architecture_md_is_current(script, capsys):
    assert script.main(["--check"]) == 0, capsys.readouterr().err


def test_issue11_the_picture_shows_what_the_code_wires(script):
    generated = script.render()
    for key in piiri_cli.cli.SERVICE_CLASSES:
        assert f'svc_{key}["{key}<br/>' in generated
    assert "svc_gateway ==>|RPC| svc_contacts" in generated
    assert "svc_import_worker ==>|RPC| svc_contacts" in generated
    assert 'ex_piiri_audit -->|"#"| q_piiri_audit_records' in generated
    assert "q_piiri_audit_records --> svc_audit" in generated
    assert "svc_contacts -->|events| ex_contacts_events" in generated
    assert 'ex_imports_events -->|"import_job_queued"|' in generated
    assert "svc_contacts --- db_contacts" in generated and "svc_import_worker --- db_imports" in generated


def test_issue11_every_edge_joins_declared_nodes(script):
    """The Mermaid is well formed enough to render: every edge's ends are declared nodes."""
    generated = script.render()
    nodes = set(NODE.findall(generated))
    edges = EDGE.findall(generated)
    assert len(edges) > 20
    assert {end for edge in edges for end in edge} <= nodes


def test_issue11_a_new_service_appears_without_editing_the_script(script, monkeypatch):
    """Introspection, not a typed list: a service with an RPC proxy and an event handler is drawn."""
    monkeypatch.setitem(piiri_cli.cli.SERVICE_CLASSES, "mailing", f"{__name__}:Mailing")
    generated = script.render()
    assert "svc_mailing ==>|RPC| svc_contacts" in generated
    queue = "evt-contacts-contact_updated--mailing.on_contact_updated"
    assert f'ex_contacts_events -->|"contact_updated"| q_{re.sub(r"[^A-Za-z0-9]", "_", queue)}' in generated
    assert f"`{queue}` ← `contacts.events`: `contact_updated`" in generated
