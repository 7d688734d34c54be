"""Issue 12 (found by the fault harness, tests/faults): a worker whose database connection died under it
(PostgreSQL restarted or crashed) must end quietly. Before the fix, ``WorkerDatabase.close`` at worker
teardown raised ``OperationalError`` ("consuming input failed: server closed the connection"), and an
exception in a dependency's ``worker_teardown`` kills the whole nameko container: the gateway process
exited after a PostgreSQL restart."""

from sqlalchemy import text

from piiri.db import WorkerDatabase, make_engine


def test_issue12_closing_a_worker_session_whose_connection_died_does_not_raise(databases, engines):
    engine = make_engine(databases["contacts"], pool_size=2)
    try:
        worker_db = WorkerDatabase(engine)
        pid = worker_db.session.execute(text("SELECT pg_backend_pid()")).scalar()  # a transaction is open
        with engines["contacts"].connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        worker_db.close()  # the worker's teardown
        again = WorkerDatabase(engine)
        assert again.session.execute(text("SELECT 1")).scalar() == 1  # the pool has a working connection
        again.close()
    finally:
        engine.dispose()
