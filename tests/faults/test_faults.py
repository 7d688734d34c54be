"""Issue 12, the fault harness's short run (24 s of load): two OS processes of every service on a throwaway
PostgreSQL and RabbitMQ, a mixed load (writes, reads, searches, imports, exports), one SIGKILL of a random
service process, one RabbitMQ restart and one PostgreSQL crash-restart; then no acknowledged write, event,
audited read or job may be lost or stuck, and the audit chain verifies. ``make faults`` runs the long version.

The harness runs in its own process (plain threads, no eventlet monkey patching) and stops everything
it started, also when it fails."""

import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.faults.harness import chaos_plan

ROOT = Path(__file__).resolve().parents[2]


def test_issue12_chaos_plan_restarts_each_server_once_and_spreads_the_kills():
    plan = chaos_plan(60, 3, random.Random(1))
    actions = [action for _at, action in plan]
    assert actions.count("rabbitmq") == 1 and actions.count("postgresql") == 1 and actions.count("kill") == 3
    assert all(3 <= at <= 57 for at, _action in plan) and plan == sorted(plan)


@pytest.mark.timeout(1500)
def test_issue12_faults_short_run_loses_nothing():
    # 24 s: the broker restart at 8 s, the kill at ~12 s and the PostgreSQL crash at 16 s each fall inside the
    # load (each restart takes a few seconds), with ~200 acknowledged writes, imports and exports around them
    command = [sys.executable, "-m", "tests.faults.harness", "--seconds", "24", "--kills", "1"]
    harness = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stdout, stderr = harness.communicate(timeout=1400)
    finally:  # a timeout or an interrupted test: SIGTERM lets the harness stop what it started
        if harness.poll() is None:
            harness.terminate()
            stdout, stderr = harness.communicate(timeout=120)
    print(stdout[-6000:])
    assert harness.returncode == 0, stdout[-6000:] + stderr[-4000:]
    assert "lost: writes=0, events=0, audit=0, imports=0, exports=0, audit_chain=0" in stdout
