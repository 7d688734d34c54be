"""I2: the export benchmark still runs end to end (500 contacts to .xlsx, 200 to labels; no targets).

Own databases (piiri_exportbench_smoke_*), vhost (piiri_exportbench_smoke) and port (8107): neither the
test system nor the 100,000-contact benchmark database is touched.
"""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_i2_export_bench_smoke_prints_seconds_memory_and_ratio():
    output = run_smoke("export_bench.py", timeout=110)
    lines = output.splitlines()
    header = line_starting(lines, "export\t", output)
    for column in ("seconds", "worker peak RSS MB", "ratio to bare openpyxl"):
        assert column in header
    xlsx = next(line for line in lines if line.startswith("xlsx (job, end to end)")).split("\t")
    assert xlsx[1].replace(",", "") == "500" and float(xlsx[2]) > 0 and float(xlsx[5]) > 0
    labels = next(line for line in lines if line.startswith("labels (job, end to end)")).split("\t")
    assert 0 < int(labels[1].replace(",", "")) <= 200 and float(labels[4]) > 0  # deceased left out
