"""Running a benchmark's --smoke version for the CI smoke tests (test_*_bench_smoke.py,
test_insert_floor_smoke.py): the script from bench/ with this Python, its output, and a clear failure
with the end of its output when it does not exit 0.

A benchmark starts servers of its own (``piiri run`` consumers, gateways, workers). It runs in a process
group of its own, and whatever way the smoke run ends (a timeout, an interrupted test), the whole group
is stopped: a consumer left behind would take the next run's messages from its queue."""

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
GRACE = 10  # seconds the script has after SIGTERM to stop its servers before SIGKILL


def run_smoke(script, timeout, directory=BENCH):
    """Run ``<directory>/<script> --smoke``; return its standard output (asserting exit status 0). Its
    output goes to files, not pipes, so a server it left behind cannot hold the run open."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, str(Path(directory) / script), "--smoke"],
            cwd=ROOT,
            stdout=out,
            stderr=err,
            text=True,
            start_new_session=True,  # its own process group: the servers it starts are in it
        )
        try:
            over = not _waited(process, timeout)
            if over:
                _signal_group(process.pid, signal.SIGTERM)
                if not _waited(process, GRACE):
                    _signal_group(process.pid, signal.SIGKILL)
                    process.wait()
        finally:
            if process.poll() is None:  # interrupted (KeyboardInterrupt, a test's own timeout)
                _signal_group(process.pid, signal.SIGKILL)
                process.wait()
            _signal_group(process.pid, signal.SIGKILL)  # whatever it started and left behind
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    assert not over, (
        f"bench/{script} --smoke ran over {timeout} s; stopped with what it started:\n"
        + (stdout + stderr)[-4000:]
    )
    assert process.returncode == 0, (stdout + stderr)[-4000:]
    return stdout


def _waited(process, seconds):
    """True once ``process`` has exited, False if it still runs after ``seconds``."""
    try:
        process.wait(timeout=seconds)
    except Exception as exc:  # TimeoutExpired, by name: under eventlet's monkey patching the green Popen
        if type(exc).__name__ != "TimeoutExpired":  # raises its own copy of the subprocess module's class
            raise
        return False
    return True


def _signal_group(group, number):
    try:
        os.killpg(group, number)
    except ProcessLookupError:  # the group is empty: nothing left to stop
        pass


def line_starting(lines, prefix, output):
    """The first line starting with ``prefix`` (failing with the output's end when there is none)."""
    found = next((line for line in lines if line.startswith(prefix)), None)
    assert found is not None, output[-4000:]
    return found
