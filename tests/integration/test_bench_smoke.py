"""The search benchmark still runs end to end (2,000 contacts, 3 rounds; no latency targets).

It runs in its own databases (piiri_bench_smoke_*), vhost (piiri_bench_smoke) and port (8101), so
neither the test system nor a seeded 1M benchmark database is touched.
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_search_bench_smoke_prints_the_latency_table():
    output = run_smoke("search_bench.py", timeout=90)
    header = line_starting(output.splitlines(), "query ", output)
    for column in ("API p50", "API p95", "SQL p50", "SQL p95", "ratio"):
        assert column in header
    for label in ("common surname", "typo -> fuzzy", "e-mail prefix", "phone prefix", "everyone (empty q)"):
        assert any(line.startswith(label) for line in output.splitlines()), label
    assert "Execution Time" in output  # the EXPLAIN (ANALYZE, BUFFERS) of the slowest query
    assert "piiri run stopped" in output
