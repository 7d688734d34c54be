"""Issue 14 (B3): the mailing send benchmark still runs end to end (300 personalised mails sent by 2
mailing worker processes to the SMTP catcher, and the bare smtplib loop beside it; no target).

Own databases (piiri_mailbench_smoke_*) and vhost (piiri_mailbench_smoke); the catcher, the audit service
and the workers each in a process of their own."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(180)
def test_b3_mailing_send_bench_smoke_sends_with_two_workers_and_compares_with_bare_smtplib():
    output = run_smoke("mailing_send_bench.py", timeout=170)
    lines = [line.strip() for line in output.splitlines()]
    assert "mails/s" in line_starting(lines, "2 mailing workers: 300 mails in", output)
    assert float(line_starting(lines, "ratio workers / bare:", output).split(":")[1]) > 0
    assert "smoke run done" in output
