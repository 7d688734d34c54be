"""I2: the export benchmark still runs end to end (500 contacts to .xlsx, 200 to labels; no targets).

Own databases (piiri_exportbench_smoke_*), vhost (piiri_exportbench_smoke) and port (8107): neither the
test system nor the 100,000-contact benchmark database is touched.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "export_bench.py"


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_i2_export_bench_smoke_prints_seconds_memory_and_ratio():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=110
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    lines = result.stdout.splitlines()
    header = next((line for line in lines if line.startswith("export\t")), None)
    assert header is not None, output[-4000:]
    for column in ("seconds", "worker peak RSS MB", "ratio to bare openpyxl"):
        assert column in header
    xlsx = next(line for line in lines if line.startswith("xlsx (job, end to end)")).split("\t")
    assert xlsx[1].replace(",", "") == "500" and float(xlsx[2]) > 0 and float(xlsx[5]) > 0
    labels = next(line for line in lines if line.startswith("labels (job, end to end)")).split("\t")
    assert 0 < int(labels[1].replace(",", "")) <= 200 and float(labels[4]) > 0  # deceased left out
