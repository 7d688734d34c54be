"""Issue 12 "audit at scale" / issue 18 / S2: the audit benchmark still runs (2,000 records, 1 and 2
audit consumer processes, the bare INSERT ratio, the chain verified; no target). Own databases
(piiri_abench_smoke_*) and vhost (piiri_abench_smoke)."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(240)
def test_issue_12_audit_bench_smoke_prints_records_per_second_and_the_ratio_to_a_bare_insert():
    output = run_smoke("audit_bench.py", timeout=230)
    lines = output.splitlines()
    for prefix in ("1 consumer ", "2 consumers ", "bare INSERT"):
        rate, ratio = line_starting(lines, prefix, output).split("|")[1:3]
        assert float(rate.replace(",", "")) > 0 and float(ratio) > 0
    assert "load average:" in output
    assert "chain verified after each run" in output
