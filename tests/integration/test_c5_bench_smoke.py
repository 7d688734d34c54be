"""C5: the C5 benchmark still runs end to end (2,000 contacts, 50 groups, 3 rounds; no targets).

Own databases (piiri_c5bench_smoke_*), vhost (piiri_c5bench_smoke) and port (8103): neither the test
system nor a seeded 1M benchmark database is touched.
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke

ROWS = (
    "free-text search",
    "3-filter structured search",
    "page 10, sorted by created_at",
    "members incl. subgroups, large group",
    "groups tree with member counts",
    "duplicate candidates, one contact",
    "upcoming birthdays",
)


@pytest.mark.bench
@pytest.mark.timeout(90)
def test_c5_bench_smoke_prints_every_row():
    output = run_smoke("c5_bench.py", timeout=60)
    lines = output.splitlines()
    header = line_starting(lines, "query ", output)
    for column in ("API p50", "API p95", "SQL p50", "SQL p95", "ratio", "p95<100ms"):
        assert column in header
    for label in ROWS:
        assert any(line.startswith(label) for line in lines), label
    assert "load average" in output
    assert "piiri run stopped" in output
