"""piiri.db.pool_limits (issue 18): DB_POOL_SIZE caps a process's connections (no overflow), so that several
processes per service fit PostgreSQL's max_connections; unset, max_workers + 2 and 4 more at a peak."""

import pytest

from piiri.db import pool_limits


def test_without_a_cap_a_worker_never_waits_for_a_connection():
    assert pool_limits({}) == (12, 4)
    assert pool_limits({"max_workers": "5", "DB_POOL_SIZE": ""}) == (7, 4)


def test_db_pool_size_caps_the_pool_without_overflow():
    assert pool_limits({"max_workers": 10, "DB_POOL_SIZE": "6"}) == (6, 0)


@pytest.mark.parametrize("value", ["0", "-2", "many", "1.5"])
def test_a_bad_pool_size_is_refused_at_start_up(value):
    with pytest.raises(ValueError, match="DB_POOL_SIZE"):
        pool_limits({"DB_POOL_SIZE": value})
