"""The smoke runner of the benchmarks (tests/integration/bench_smoke.py): a run that goes over its time
is stopped together with the servers it started, so none is left to take the next run's messages."""

import os
import time

import pytest

from tests.integration.bench_smoke import run_smoke

# A benchmark that starts a server of its own (a child that outlives a plain kill of its parent), tells
# where it is, and then hangs.
HANGING = """
import subprocess, sys, time
server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open(sys.argv[0] + ".pid", "w").write(str(server.pid))
time.sleep(600)
"""
EXITING = """
import subprocess, sys
server = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
open(sys.argv[0] + ".pid", "w").write(str(server.pid))
print("done")
"""


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is gone for our purpose
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def wait_gone(pid, seconds=5):
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def test_issue12_a_smoke_run_over_its_time_is_stopped_with_the_servers_it_started(tmp_path):
    (tmp_path / "hanging.py").write_text(HANGING)
    with pytest.raises(AssertionError, match=r"ran over 2 s; stopped with what it started"):
        run_smoke("hanging.py", timeout=2, directory=tmp_path)
    assert wait_gone(int((tmp_path / "hanging.py.pid").read_text()))


def test_issue12_a_server_left_running_by_a_finished_smoke_run_is_stopped(tmp_path):
    (tmp_path / "exiting.py").write_text(EXITING)
    assert run_smoke("exiting.py", timeout=30, directory=tmp_path).strip() == "done"
    assert wait_gone(int((tmp_path / "exiting.py.pid").read_text()))
