"""Q1/Q2 (issue 16): the surveys benchmark still runs end to end (300 participants pushed, 200 responses
taken in with duplicate matching; no targets).

Own databases (piiri_surveybench_smoke_*) and vhost (piiri_surveybench_smoke); the emulator in its own
process: neither the test system nor the full benchmark's database is touched.
"""

import pytest

from tests.integration.bench_smoke import run_smoke


@pytest.mark.bench
@pytest.mark.timeout(150)
def test_q1_q2_surveys_bench_smoke_pushes_and_takes_responses_in():
    output = run_smoke("surveys_bench.py", timeout=140)
    assert "300 added in" in output, output
    assert "'created': 100" in output and "'skipped': 100" in output, output
    assert "smoke run done" in output
