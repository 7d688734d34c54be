"""The search benchmark still runs end to end (2,000 contacts, 3 rounds; no latency targets).

It runs in its own databases (piiri_bench_smoke_*), vhost (piiri_bench_smoke) and port (8101), so
neither the test system nor a seeded 1M benchmark database is touched.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "search_bench.py"


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_search_bench_smoke_prints_the_latency_table():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=90
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    header = next((line for line in result.stdout.splitlines() if line.startswith("query ")), None)
    assert header is not None, output[-4000:]
    for column in ("API p50", "API p95", "SQL p50", "SQL p95", "ratio"):
        assert column in header
    for label in ("common surname", "typo -> fuzzy", "e-mail prefix", "phone prefix", "everyone (empty q)"):
        assert any(line.startswith(label) for line in result.stdout.splitlines()), label
    assert "Execution Time" in result.stdout  # the EXPLAIN (ANALYZE, BUFFERS) of the slowest query
    assert "piiri run stopped" in result.stdout
