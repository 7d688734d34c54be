"""B1/B2: the invoice run benchmark still runs end to end (200 contacts, a fee run through the API, two
billing worker processes that issue the invoices and store every PDF; no target): the run's seconds,
the bare rendering loop and the ratio printed, every invoice with its stored PDF (the script checks the
counts and fails otherwise).

Own databases (piiri_runbench_smoke_*), vhost (piiri_runbench_smoke) and port (8115): neither the test
system nor the 50,000-invoice benchmark database is touched.
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(150)
def test_b1_b2_invoice_run_bench_smoke_prints_seconds_and_ratio_to_the_bare_loop():
    output = run_smoke("invoice_run_bench.py", timeout=140)
    lines = output.splitlines()
    assert "200 invoices and PDFs, 2 billing workers" in output
    run = line_starting(lines, "run: start to every PDF stored\t", output).split("\t")
    assert float(run[1]) > 0 and "x bare" in run[3]
    bare = line_starting(lines, "bare loop, 1 process\t", output).split("\t")
    assert float(bare[1]) > 0
    assert "bare CPU per PDF" in output and "workers' CPU" in output
