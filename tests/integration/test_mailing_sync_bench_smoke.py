"""M1 (issue 14): the Campaign Monitor sync benchmark still runs end to end (a 3,000-member list synced
through the broker and the mailing worker to the emulator in its own process, and the bare createsend
loop beside it; no target).

Own databases (piiri_syncbench_smoke_*) and vhost (piiri_syncbench_smoke)."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(200)
def test_m1_mailing_sync_bench_smoke_syncs_a_list_and_compares_with_the_bare_import():
    output = run_smoke("mailing_sync_bench.py", timeout=190)
    lines = [line.strip() for line in output.splitlines()]
    pushed = line_starting(lines, "audience 3,000,", output)
    assert int(pushed.rsplit("pushed", 1)[1].replace(",", "")) > 2000
    assert "subscribers/s" in line_starting(lines, "full sync end to end:", output)
    assert float(line_starting(lines, "ratio sync / bare:", output).split(":")[1]) > 0
    assert "smoke run done" in output
