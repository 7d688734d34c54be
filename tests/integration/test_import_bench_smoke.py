"""I1, issue 17: the import benchmark still runs end to end (1,000 contacts, the insert floor of the same
database, a 300-row x 20-column .xlsx, one worker; no targets). Own databases (piiri_ibench_smoke_*),
vhost (piiri_ibench_smoke) and port (8106)."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(180)
def test_i1_import_bench_smoke_prints_rates_and_the_share_of_the_insert_floor():
    output = run_smoke("import_bench.py", timeout=170)
    lines = output.splitlines()
    header = line_starting(lines, "workers ", output)
    assert "insert floor" in output and "contacts/s on one backend" in output
    for column in ("end to end s", "rows/s", "of floor", "x 1 worker", "load average"):
        assert column in header
    row = next(line for line in lines if line.strip().startswith("1 |"))
    assert float(row.split("|")[3].replace(",", "")) > 0
    assert "'created': 300" in output  # every row of the file became a contact, once
    # the watch: /health polled throughout, the memory of the processes, the progress moving
    health = line_starting(lines, "    /health:", output)
    assert "0 not 200" in health
    assert any(line.startswith("    memory import_worker#1:") for line in lines), output
    assert line_starting(lines, "    progress: moved", output)
