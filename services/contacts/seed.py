"""Bulk loading of contacts into the contacts database with COPY: load tests, demos, benchmarks.

``seed_contacts`` writes all its rows in ONE transaction (all or nothing). For large loads it drops
the search, sort, e-mail and phone indexes first and recreates them from their own definitions
inside the same transaction, then runs VACUUM (ANALYZE): statistics, and a visibility map that lets
the name-order walks of search be index-only scans. The words of the new rows reach search_words
through the contacts triggers (migration 0007), set-based per COPY statement. Seeding goes straight
to the database, as an operator's tool: it publishes no ``contact_created`` events and writes no
audit entries.
"""

from itertools import islice

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from services.contacts.demo_data import COLUMNS, generate_contacts

BULK_THRESHOLD = 100_000
DEMO_COUNT = 2_500
DEMO_SEED = 2024
# The indexes that slow COPY down most; rebuilt after a bulk load (same definitions as migration 0001,
# read back from pg_indexes so they stay identical to whatever the migrations made).
BULK_INDEXES = ("contacts_sort", "contacts_search_trgm", "contacts_email", "contacts_phone", "contacts_tags")
COPY_SQL = sql.SQL("COPY contacts ({}) FROM STDIN").format(sql.SQL(", ").join(map(sql.Identifier, COLUMNS)))


def psycopg_url(url):
    """'postgresql+psycopg://...' (SQLAlchemy) -> 'postgresql://...' (libpq)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def count_contacts(url):
    with psycopg.connect(psycopg_url(url)) as conn:
        return conn.execute("SELECT count(*) FROM contacts").fetchone()[0]


def seed_contacts(url, count, seed=1, batch=50_000, progress=None, rows=None, bulk=None):
    """Write ``count`` demo contacts (or the tuples of ``rows``, in ``COLUMNS`` order); returns how many.

    ``progress(written, count)`` is called after every ``batch`` rows. ``bulk`` (default: count >=
    100,000) drops and rebuilds the secondary indexes around the load. Nothing is written if anything
    fails, and the caller sees the error.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    bulk = count >= BULK_THRESHOLD if bulk is None else bulk
    with psycopg.connect(psycopg_url(url)) as conn:
        with conn.transaction():
            written = _load(conn, count, seed, batch, progress, rows, bulk)
    if bulk:
        with psycopg.connect(psycopg_url(url), autocommit=True) as conn:
            conn.execute("VACUUM (ANALYZE) contacts")
    return written


def seed_demo(url, count=DEMO_COUNT, seed=DEMO_SEED):
    """Write ``count`` demo contacts only if there are no contacts at all; returns how many were written.

    Safe to run twice or concurrently: the emptiness check and the load share one transaction that
    holds a lock excluding other writers.
    """
    with psycopg.connect(psycopg_url(url)) as conn:
        with conn.transaction():
            conn.execute("LOCK TABLE contacts IN SHARE ROW EXCLUSIVE MODE")
            if conn.execute("SELECT EXISTS (SELECT 1 FROM contacts)").fetchone()[0]:
                return 0
            return _load(conn, count, seed, batch=count or 1, progress=None, rows=None, bulk=False)


def _load(conn, count, seed, batch, progress, rows, bulk):
    """COPY the rows on ``conn`` inside the caller's transaction."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    rows = iter(generate_contacts(count, seed) if rows is None else rows)
    with conn.cursor() as cursor:
        if bulk:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = 'contacts' AND indexname = ANY(%s)",
                (list(BULK_INDEXES),),
            )
            dropped = cursor.fetchall()
            for name, _definition in dropped:
                cursor.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
        written = 0
        while written < count:
            size = min(batch, count - written)
            in_batch = 0
            with cursor.copy(COPY_SQL) as copy:
                for row in islice(rows, size):
                    copy.write_row(row)
                    in_batch += 1
            written += in_batch
            if progress is not None:
                progress(written, count)
            if in_batch < size:
                break  # ``rows`` ran out early
        if bulk:
            for _name, definition in dropped:
                cursor.execute(definition)
    return written
