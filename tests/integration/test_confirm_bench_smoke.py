"""Issue 18: the publisher-confirm benchmark still runs (200 records per run; per-record confirms and
pipelined confirms, one caller and 16 at once; no target). Own vhost (piiri_cbench)."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(180)
def test_issue_18_confirm_bench_smoke_prints_the_cost_per_read_before_and_after():
    output = run_smoke("confirm_bench.py", timeout=170)
    lines = output.splitlines()
    for prefix in ("per-record confirm (before) |       1 ", "pipelined (now)             |      16 "):
        latency, rate, cpu = line_starting(lines, prefix, output).split("|")[2:5]
        assert float(latency) > 0 and float(rate.replace(",", "")) > 0 and float(cpu) > 0
    assert "load average:" in output
