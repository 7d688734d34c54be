"""Running a benchmark's --smoke version for the CI smoke tests (test_*_bench_smoke.py,
test_insert_floor_smoke.py): the script from bench/ with this Python, its output, and a clear failure
with the end of its output when it does not exit 0."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(script, timeout):
    """Run ``bench/<script> --smoke``; return its standard output as lines (asserting exit status 0)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return result.stdout


def line_starting(lines, prefix, output):
    """The first line starting with ``prefix`` (failing with the output's end when there is none)."""
    found = next((line for line in lines if line.startswith(prefix)), None)
    assert found is not None, output[-4000:]
    return found
