"""The tests' database cleaning (conftest.py ``empty_databases``) tries a database again when PostgreSQL
ends its TRUNCATE in a deadlock with a running service (seen in CI: the shared system's audit consumer
held the chain head and waited for audit_events), and gives up on any other error at once."""

import pytest
from psycopg.errors import DeadlockDetected, UndefinedTable
from sqlalchemy.exc import OperationalError, ProgrammingError

from conftest import CLEANING_ATTEMPTS, empty_databases


def failing(errors):
    """An ``empty`` that raises each of ``errors`` in turn, then succeeds; it records the engines."""
    calls = []

    def empty(engine):
        calls.append(engine)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]

    return empty, calls


def deadlock():
    return OperationalError("TRUNCATE", {}, DeadlockDetected("deadlock detected"))


def test_a_deadlocked_cleaning_is_tried_again_and_the_next_database_cleaned():
    empty, calls = failing([deadlock()])
    empty_databases({"audit": "a", "contacts": "c"}, empty)
    assert calls == ["a", "a", "c"]


def test_a_cleaning_that_deadlocks_every_time_fails():
    empty, calls = failing([deadlock()] * CLEANING_ATTEMPTS)
    with pytest.raises(OperationalError):
        empty_databases({"audit": "a"}, empty)
    assert calls == ["a"] * CLEANING_ATTEMPTS


def test_any_other_error_is_not_tried_again():
    empty, calls = failing([ProgrammingError("TRUNCATE", {}, UndefinedTable("no such table"))])
    with pytest.raises(ProgrammingError):
        empty_databases({"audit": "a"}, empty)
    assert calls == ["a"]
