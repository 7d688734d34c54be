"""Issue 13 item 2: the dashboard benchmark still runs end to end (2,000 contacts, 20 groups, 3 rounds; no
targets): every RPC of the dashboard and GET /api/v1/dashboard are measured against their bare baselines.

Own databases (piiri_dashbench_smoke_*), vhost (piiri_dashbench_smoke) and port (8105): neither the test
system nor a seeded 1M benchmark database is touched.
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke

ROWS = (
    "contacts.dashboard_figures ",
    "contacts.dashboard_figures, scoped ",
    "contacts.dashboard_figures, counted",
    "contacts.dashboard_figures, scoped, counted",
    "imports.dashboard_figures",
    "exports.dashboard_figures",
    "audit.my_recent_changes",
    "contacts.upcoming_birthdays",
    "GET /api/v1/dashboard",
)


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_issue13_dashboard_bench_smoke_prints_every_row():
    output = run_smoke("dashboard_bench.py", timeout=100)
    lines = output.splitlines()
    header = line_starting(lines, "call ", output)
    for column in ("p50", "p95", "SQL p50", "SQL p95", "ratio", "p95<250ms"):
        assert column in header
    for label in ROWS:
        assert any(line.startswith(label) for line in lines), label
    figures = line_starting(lines, "Figures: ", output)
    assert "2,000 contacts" in figures and "100 erasures pending" in figures
    assert "piiri run stopped" in output
