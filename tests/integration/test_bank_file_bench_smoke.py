"""B4: the bank file benchmark still runs end to end (500 payments against 2,000 invoices, uploaded twice
through the API; no target): every payment new and the expected ones matched the first time, none new the
second, and the ratio to the bare floor printed.

Own databases (piiri_bankbench_smoke_*), vhost (piiri_bankbench_smoke) and port (8113): neither the test
system nor the 1,000,000-invoice benchmark database is touched.
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_b4_bank_file_bench_smoke_prints_seconds_counts_and_ratio():
    output = run_smoke("bank_file_bench.py", timeout=110)
    lines = output.splitlines()
    header = line_starting(lines, "upload\t", output)
    assert "ratio to bare" in header and "payments/s" in header
    first = line_starting(lines, "first\t", output).split("\t")
    assert (first[3], first[4], first[5], first[6]) == ("500", "0", "485", "15")  # new, dup, matched, not
    again = line_starting(lines, "again\t", output).split("\t")
    assert (again[3], again[4]) == ("0", "500")
    assert float(first[1]) > 0 and float(first[7]) > 0
    assert "invoices paid or overpaid" in output
