"""I1: the insert-floor benchmark still runs (2,000 contacts, 300 inserted, one round; no targets). Own
database (piiri_floor_smoke_contacts)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench" / "insert_floor.py"


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_i1_insert_floor_smoke_prints_the_cost_of_the_table_and_of_each_index():
    result = subprocess.run(
        [sys.executable, str(BENCH), "--smoke"], cwd=ROOT, capture_output=True, text=True, timeout=110
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    lines = result.stdout.splitlines()
    full = next(line for line in lines if line.startswith("every index and trigger"))
    bare = next(line for line in lines if line.startswith("the bare table"))
    assert float(full.split("|")[2].replace(",", "")) > 0 and float(bare.split("|")[2].replace(",", "")) > 0
    for index in ("contacts_search_trgm", "contacts_sort", "contacts_import_emails"):
        assert any(line.startswith(index + " ") for line in lines), index  # every index measured
    assert "One PostgreSQL backend inserts at most" in result.stdout
