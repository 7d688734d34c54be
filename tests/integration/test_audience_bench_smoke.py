"""M1 (issue 14): the audience benchmark still runs (5,000 contacts seeded by COPY into one group with
consents and legal bases; the consent-gated counts per reason and the paged walk; no target).

Own databases (piiri_audbench_smoke_*): neither the test system nor the full benchmark's is touched."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(150)
def test_m1_audience_bench_smoke_counts_the_reasons_of_a_seeded_group():
    output = run_smoke("audience_bench.py", timeout=140)
    lines = [line.strip() for line in output.splitlines()]
    assert line_starting(lines, "Audience of 5,000 group members", output)
    assert int(line_starting(lines, "mailable:", output).split(":")[1].replace(",", "")) > 0
    assert int(line_starting(lines, "no_consent:", output).split(":")[1].replace(",", "")) > 0
    assert line_starting(lines, "counts per reason (the whole group evaluated):", output)
    assert "smoke run done" in output
