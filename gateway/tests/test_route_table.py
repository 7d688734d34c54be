"""G2/S1: docs/routes.md lists every gateway route with its permission and audit class, and is current
(a new route cannot be added without classifying it in both tests' tables and regenerating the doc)."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "route_table.py"


def load_script():
    spec = importlib.util.spec_from_file_location("route_table", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_g2_docs_routes_md_is_current(capsys):
    script = load_script()
    code = script.main(["--check"])
    assert code == 0, capsys.readouterr().err


def test_g2_route_table_has_a_row_per_route_with_permission_and_audit_class():
    script = load_script()
    routes, _, _, _ = script.load_tables()
    rows = [line for line in script.render().splitlines() if line.startswith("| ") and "`/" in line]
    assert len(rows) == len(routes)
    contact = next(row for row in rows if row.startswith("| GET | `/api/v1/contacts/<contact_id>` |"))
    assert "`contacts.view`" in contact and "personal read" in contact
    health = next(row for row in rows if row.startswith("| GET | `/health` |"))
    assert "`public`" in health and "no personal data: service health" in health
