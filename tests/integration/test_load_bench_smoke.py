"""Issues 12 and 18 (load): the load benchmark still runs end to end (1,000 contacts, 1 s per kind): the
multi-process layout, every request kind with 1 and 2 gateway processes, no errors, the CPU table, the
bare-SQL ratio and the 1-vs-2-gateways summary.

Own databases (piiri_loadbench_smoke_*), vhost (piiri_loadbench_smoke) and port (8111): neither the test
system nor a seeded 1M benchmark database is touched. Needs wrk (scripts/setup.sh --browser installs it).
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke

KINDS = (
    "search by name",
    "search by e-mail prefix",
    "open a contact",
    "contact list page",
    "/api/v1/me",
    "/health",
    "staff mix",
)


def table_rows(lines):
    """{(gateways, kind): cells} of the figure tables (rows 'gw | kind | req/s | ... | errors')."""
    rows = {}
    for line in lines:
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) == 8 and cells[0] in ("1", "2"):
            rows[(cells[0], cells[1])] = cells
    return rows


@pytest.mark.bench
@pytest.mark.timeout(420)
def test_issue_12_18_load_bench_smoke_prints_every_figure_without_errors():
    output = run_smoke("load_bench.py", timeout=400)
    lines = output.splitlines()
    header = line_starting(lines, "gw ", output)
    for column in ("req/s", "p50 ms", "p95 ms", "p99 ms", "errors"):
        assert column in header
    rows = table_rows(lines)
    for gateways in ("1", "2"):
        for kind in KINDS:
            cells = rows.get((gateways, kind))
            assert cells is not None, (gateways, kind, output[-4000:])
            assert float(cells[2].replace(",", "")) > 0, cells  # req/s
            assert cells[7] == "0", cells  # errors: non-2xx/3xx and socket errors
    cpu_headers = [line for line in lines if line.startswith("kind ")]  # one CPU table per layout
    assert len(cpu_headers) == 2, output[-4000:]
    for process in (
        "gateway#1",
        "contacts#1",
        "contacts#2",
        "contacts_worker#1",
        "audit#1",
        "audit#2",
        "pg contacts",
        "pg conns",
    ):
        assert all(process in header for header in cpu_headers), process
    assert "gateway#2" not in cpu_headers[0] and "gateway#2" in cpu_headers[1]
    for kind in ("search by name", "search by e-mail prefix"):
        assert line_starting(lines, f"  bare SQL {kind}: ", output)
    mix = line_starting(lines, "  staff mix: 1 gateway: ", output)
    assert "2 gateways: " in mix
    assert "errors: 0." in output
