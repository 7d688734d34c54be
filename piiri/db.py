"""Database access: one engine per service process, one SQLAlchemy session per worker."""

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sized
from contextlib import contextmanager
from typing import Any

import psycopg
from eventlet import patcher
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, any_, bindparam, create_engine, event, text
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.orm import Session

from piiri.config import database_url

_select = patcher.original("select")  # the real poll(): a zero-timeout check needs no green hub

# PostgreSQL's JIT compiles a query whose estimated cost is high: the import's duplicate probe (2,000
# index look-ups, 10 ms) spent 115 ms compiling. Piiri's queries are short index reads and page-sized
# scans, where JIT only adds latency, so its connections run without it.
CONNECT_OPTIONS = "-c jit=off"


def make_engine(url: str, pool_size: int = 12, pre_ping: bool = False, max_overflow: int = 4) -> Engine:
    """An engine whose pool checks each connection as it leaves the pool without a round trip
    (``connection_is_gone``: has the server closed or written to the idle socket?), so a connection the
    server ended (restart, ``pg_terminate_backend``, idle timeout) is replaced before a statement fails on
    it (issue 18: a ``SELECT 1`` per checkout cost every request a round trip). A connection that dies
    while in use fails its statement; SQLAlchemy then drops it and every older pooled connection.
    ``pre_ping``: the ``SELECT 1`` as well (for a network between that could drop a connection silently)."""
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=pre_ping,
        future=True,
        connect_args={"options": CONNECT_OPTIONS},
    )
    event.listen(engine, "checkout", _refuse_gone_connection)
    # Every ROLLBACK of a session and every return to the pool ends the transaction here (the dialect's
    # documented hook for connection.rollback()): see end_transaction.
    engine.dialect.do_rollback = end_transaction  # type: ignore[method-assign]
    engine.dialect.do_execute = execute_statement  # type: ignore[method-assign]
    return engine


# A connection (or statement) execution option: psycopg is not to prepare these statements (see reads()).
UNPREPARED = "piiri_unprepared"


def plan_for_parameters(session: Session) -> None:
    """Have PostgreSQL plan the rest of ``session``'s statements for their own parameter values, never
    once for all (a search's plan depends on its pattern; see execute_statement): nothing to do in a
    ``reads(prepared=False)`` block, whose statements psycopg never prepares, else ``SET LOCAL
    plan_cache_mode = force_custom_plan`` for the transaction."""
    if session.connection().get_execution_options().get(UNPREPARED):
        return
    session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def execute_statement(cursor: Any, statement: str, parameters: Any, context: Any = None) -> None:
    """The dialect's ``do_execute``: as SQLAlchemy's, but a statement run with the ``UNPREPARED``
    execution option is sent as psycopg's unnamed statement every time (``prepare=False``). psycopg
    prepares a statement once it has run five times on a connection, and PostgreSQL may then plan it once
    for every parameter value: right for a primary-key read, wrong for a search, whose best plan depends on
    the LIKE pattern (the trigram index or the name order)."""
    if context is not None and context.execution_options.get(UNPREPARED):
        cursor.execute(statement, parameters, prepare=False)
    else:
        cursor.execute(statement, parameters)


def end_transaction(dbapi_connection: Any) -> None:
    """Roll back a psycopg connection's transaction, but end one that wrote nothing with COMMIT.

    psycopg forgets every prepared statement of a connection at ROLLBACK (a rolled-back transaction may
    have dropped or changed what they refer to). Read-only requests end their transactions with a
    rollback, and the pool rolls back every connection it takes back, so no statement ever stayed
    prepared: PostgreSQL planned every statement of every request afresh (a contact's record, one
    statement of thirteen subqueries: 1.9 ms of PostgreSQL CPU planned each time, 0.4 ms prepared;
    issue 18). A transaction that PostgreSQL gave no transaction id (``pg_current_xact_id_if_assigned()``
    is NULL) wrote nothing, took no row lock and ran no DDL, so COMMIT ends it exactly as ROLLBACK would
    (Piiri sets nothing for a session inside a transaction: its settings are SET LOCAL) and the
    connection keeps its prepared statements. A transaction that wrote, or failed, is rolled back."""
    connection = getattr(dbapi_connection, "dbapi_connection", dbapi_connection)  # the pool's or psycopg's
    if (
        isinstance(connection, psycopg.Connection)
        and connection.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
    ):
        with connection.cursor() as cursor:
            wrote_nothing = cursor.execute("SELECT pg_current_xact_id_if_assigned() IS NULL").fetchone()
        if wrote_nothing is not None and wrote_nothing[0]:
            connection.commit()
            return
    connection.rollback()


def connection_is_gone(dbapi_connection: Any) -> bool:
    """Whether a pooled (idle) psycopg connection can no longer be used: psycopg knows it is closed or
    broken, or its socket is readable. An idle connection between transactions has nothing to read unless
    the server ended it (its ErrorResponse "terminating connection" and then end of file) or sent a notice;
    either way a new connection is the safe answer. A non-blocking poll: no round trip."""
    if getattr(dbapi_connection, "closed", False) or getattr(dbapi_connection, "broken", False):
        return True
    pgconn = getattr(dbapi_connection, "pgconn", None)
    if pgconn is None:
        return False
    try:
        poller = _select.poll()
        poller.register(pgconn.socket, _select.POLLIN | _select.POLLPRI)
        return bool(poller.poll(0))
    except (OSError, ValueError, psycopg.OperationalError):
        return True


def _refuse_gone_connection(dbapi_connection: Any, connection_record: Any, connection_proxy: Any) -> None:
    if connection_is_gone(dbapi_connection):
        # The pool's documented answer: it discards this connection and checks out a fresh one.
        raise DisconnectionError("the server closed this pooled connection")


def any_uuid(values: Iterable[object], name: str = "ids") -> Any:
    """``column == any_uuid(ids)``: the ids as ONE bound uuid[] parameter (``= ANY(:ids)``), not a parameter
    per id that SQLAlchemy expands and psycopg converts one by one, as ``in_`` does (a page of 1,000 ids:
    bench/mailing_sync_bench.py). ``name``: the parameter's name, distinct when a query has two."""
    ids = [uuid.UUID(str(value)) for value in values]
    return any_(bindparam(name, ids, type_=ARRAY(UUID(as_uuid=True))))


class WorkerDatabase:
    """What a worker gets: a lazily opened session and a transaction helper."""

    def __init__(self, engine: Engine | None) -> None:
        self.engine = engine
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(self.engine, expire_on_commit=False)
        return self._session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Commit everything written inside the block, or nothing if it raises."""
        session = self.session
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise

    @contextmanager
    def reads(self, prepared: bool = True) -> Iterator[Session]:
        """The worker's session for a request that only reads: every statement is a transaction of its own
        (the connection is in autocommit), so no BEGIN and no COMMIT cross the wire: two round trips fewer a
        request, each some of the service's CPU and of PostgreSQL's (issue 18, bench/README.md). Piiri's
        transactions run at READ COMMITTED, where each statement sees what was committed when it began
        anyway, so the statements read what they would read inside one transaction; a statement that
        wrote would be committed at once, so nothing in the block may write. At the end the connection
        goes back to the pool as it came (a no-op commit). ``prepared=False``: psycopg is not to prepare
        the block's statements (``UNPREPARED``), so each is planned for its own parameters.

        When the session is already in a transaction, the block reads inside it, as before, and leaves
        it to its owner."""
        session = self.session
        if session.in_transaction():
            yield session
            return
        options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}
        if not prepared:
            options[UNPREPARED] = True
        session.connection(execution_options=options)
        try:
            yield session
        except BaseException:
            session.rollback()
            raise
        session.commit()

    def in_batches(self, step: Callable[[Session, int], Sized], batch: int) -> int:
        """Run ``step(session, batch) -> [ids]`` in a transaction of its own, again and again until it
        returns fewer than ``batch`` ids (a batch job that works through a backlog, e.g. deleting
        expired files); returns how many ids in all."""
        total = 0
        while True:
            with self.transaction() as session:
                done = len(step(session, batch))
            total += done
            if done < batch:
                return total

    def close(self) -> None:
        """End the worker's session. A connection that died under it (the database restarted) is
        dropped from the pool instead of raising: an error here, at worker teardown, would stop the
        whole nameko container (issue 12, found by tests/faults)."""
        session, self._session = self._session, None
        if session is None:
            return
        try:
            session.close()
        except DBAPIError:
            session.invalidate()


def pool_limits(config: Mapping[str, Any]) -> tuple[int, int]:
    """(pool size, overflow) of a service process's engine: ``DB_POOL_SIZE`` connections and no more when
    it is set (several processes per service must fit PostgreSQL's max_connections together), else
    ``max_workers`` + 2 and 4 more at a peak, so that a worker never waits for a connection."""
    raw = config.get("DB_POOL_SIZE")
    if raw in (None, ""):
        return int(config.get("max_workers", 10)) + 2, 4
    try:
        size = int(str(raw))
    except ValueError:
        raise ValueError(f"DB_POOL_SIZE must be a whole number of connections, not {raw!r}") from None
    if size < 1:
        raise ValueError(f"DB_POOL_SIZE must be at least 1, not {size}")
    return size, 0


class Database(DependencyProvider):
    """``db = Database("contacts")``: the service's own PostgreSQL database.

    The pool is sized above nameko's ``max_workers`` so workers never wait for a connection
    (stack.md trap 3), unless ``DB_POOL_SIZE`` caps it (pool_limits).
    """

    def __init__(self, service_name: str, pre_ping: bool = False) -> None:
        self.service_name = service_name
        self.pre_ping = pre_ping
        self.engine: Engine | None = None
        self.workers: dict[WorkerContext, WorkerDatabase] = {}

    def setup(self) -> None:
        config = self.container.config
        pool_size, overflow = pool_limits(config)
        self.engine = make_engine(
            database_url(config, self.service_name),
            pool_size=pool_size,
            pre_ping=self.pre_ping,
            max_overflow=overflow,
        )

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    def get_dependency(self, worker_ctx: WorkerContext) -> WorkerDatabase:
        worker_db = WorkerDatabase(self.engine)
        self.workers[worker_ctx] = worker_db
        return worker_db

    def worker_teardown(self, worker_ctx: WorkerContext) -> None:
        worker_db = self.workers.pop(worker_ctx, None)
        if worker_db is not None:
            worker_db.close()
