"""I1: the insert-floor benchmark still runs (2,000 contacts, 300 inserted, one round; no targets). Own
database (piiri_floor_smoke_contacts)."""

import pytest

from tests.integration.bench_smoke import line_starting, run_smoke


@pytest.mark.bench
@pytest.mark.timeout(120)
def test_i1_insert_floor_smoke_prints_the_cost_of_the_table_and_of_each_index():
    output = run_smoke("insert_floor.py", timeout=110)
    lines = output.splitlines()
    full = line_starting(lines, "every index and trigger", output)
    bare = line_starting(lines, "the bare table", output)
    assert float(full.split("|")[2].replace(",", "")) > 0 and float(bare.split("|")[2].replace(",", "")) > 0
    for index in ("contacts_search_trgm", "contacts_sort", "contacts_import_emails"):
        assert any(line.startswith(index + " ") for line in lines), index  # every index measured
    assert "One PostgreSQL backend inserts at most" in output
