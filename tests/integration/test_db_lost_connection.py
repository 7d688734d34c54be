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


def _backend_pid(engine):
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar()


def _terminate(engines, pid):
    with engines["contacts"].connect() as other:
        assert other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()


def test_issue18_no_round_trip_to_check_a_pooled_connection(databases):
    """No ``SELECT 1`` pre-ping per checkout: a request's first statement is its own."""
    from sqlalchemy import event

    engine = make_engine(databases["contacts"], pool_size=2)
    sent = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    try:
        _backend_pid(engine)
        sent.clear()
        for _ in range(3):
            with engine.connect() as conn:
                conn.execute(text("SELECT 42")).scalar()
        assert sent == ["SELECT 42"] * 3
        assert not engine.pool._pre_ping
    finally:
        engine.dispose()


def test_issue18_a_pooled_connection_the_server_ended_is_replaced_before_a_statement_fails(
    databases, engines
):
    """pg_terminate_backend on an idle pooled connection: the next checkout sees its socket closed (no round
    trip) and reconnects, so the statement succeeds on a new backend."""
    import time

    from piiri.db import connection_is_gone

    engine = make_engine(databases["contacts"], pool_size=1, max_overflow=0)
    try:
        pid = _backend_pid(engine)
        assert _backend_pid(engine) == pid  # the same pooled connection again
        _terminate(engines, pid)
        time.sleep(0.2)  # the server's goodbye reaches the socket
        with engine.connect() as conn:
            assert not connection_is_gone(conn.connection.dbapi_connection)
            new_pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
        assert new_pid != pid
        worker_db = WorkerDatabase(engine)  # a worker's session too
        assert worker_db.session.execute(text("SELECT 1")).scalar() == 1
        worker_db.close()
    finally:
        engine.dispose()


def test_issue18_the_liveness_check_tells_a_live_connection_from_an_ended_one(databases, engines):
    import time

    import psycopg

    from piiri.db import connection_is_gone

    url = databases["contacts"].replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url) as live, psycopg.connect(url) as ended:
        live.execute("SELECT 1")
        live.rollback()
        pid = ended.execute("SELECT pg_backend_pid()").fetchone()[0]
        ended.rollback()
        assert not connection_is_gone(live) and not connection_is_gone(ended)
        _terminate(engines, pid)
        time.sleep(0.2)
        assert connection_is_gone(ended)
        assert not connection_is_gone(live)
