"""Database access: one engine per service process, one SQLAlchemy session per worker."""

import uuid
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import Any

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider
from sqlalchemy import Engine, any_, bindparam, create_engine
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from piiri.config import database_url

# PostgreSQL's JIT compiles a query whose estimated cost is high: the import's duplicate probe (2,000
# index look-ups, 10 ms) spent 115 ms compiling. Piiri's queries are short index reads and page-sized
# scans, where JIT only adds latency, so its connections run without it.
CONNECT_OPTIONS = "-c jit=off"


def make_engine(url: str, pool_size: int = 12, pre_ping: bool = True) -> Engine:
    """pre_ping: test each connection as it leaves the pool (a round trip per checkout); without it a
    connection that died is noticed by the statement that fails on it (the pool then drops all older
    ones), so only callers that retry on failure should go without (the audit consumer, issue 18)."""
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=4,
        pool_pre_ping=pre_ping,
        future=True,
        connect_args={"options": CONNECT_OPTIONS},
    )


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


class Database(DependencyProvider):
    """``db = Database("contacts")``: the service's own PostgreSQL database.

    The pool is sized above nameko's ``max_workers`` so workers never wait for a connection
    (stack.md trap 3).
    """

    def __init__(self, service_name: str, pre_ping: bool = True) -> None:
        self.service_name = service_name
        self.pre_ping = pre_ping
        self.engine: Engine | None = None
        self.workers: dict[WorkerContext, WorkerDatabase] = {}

    def setup(self) -> None:
        config = self.container.config
        pool_size = int(config.get("max_workers", 10)) + 2
        self.engine = make_engine(
            database_url(config, self.service_name), pool_size=pool_size, pre_ping=self.pre_ping
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
