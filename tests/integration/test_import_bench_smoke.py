"""I1: the import benchmark still runs end to end (1,000 contacts, a 300-row x 20-column .xlsx, one worker;
no targets). Own databases (piiri_ibench_smoke_*), vhost (piiri_ibench_smoke) and port (8106)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "import_bench.py"


@pytest.mark.bench
@pytest.mark.timeout(180)
def test_i1_import_bench_smoke_prints_rates_and_the_ratio():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=170
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    lines = result.stdout.splitlines()
    header = next((line for line in lines if line.startswith("workers ")), None)
    assert header is not None, output[-4000:]
    for column in ("end to end s", "rows/s", "openpyxl read s", "ratio"):
        assert column in header
    row = next(line for line in lines if line.strip().startswith("1 |"))
    assert float(row.split("|")[3].replace(",", "")) > 0
    assert "'created': 300" in result.stdout  # every row of the file became a contact, once
