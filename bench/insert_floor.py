"""I1 floor: what PostgreSQL alone spends to insert contacts into a contacts table that already holds
M contacts, with every index and trigger Piiri keeps on it, and how much each index adds. No Piiri
service runs: the rows are real contacts of the table, copied with new time-ordered ids, inserted by one
INSERT ... SELECT in a transaction that is rolled back.

    .venv/bin/python bench/insert_floor.py                      # the import bench's 1,000,000 contacts
    .venv/bin/python bench/insert_floor.py --rows 10000 --rounds 5
    .venv/bin/python bench/insert_floor.py --smoke              # 2,000 contacts, 300 rows (CI)

It measures the bound under I1's import target: one PostgreSQL backend inserting contacts can go no
faster than this, whatever the services do. It drops indexes inside rolled-back transactions (an
exclusive lock on the table while it runs), so it only runs on a benchmark's own database: by default
the import benchmark's (piiri_ibench_contacts; seeded here if it holds fewer than --contacts), --smoke
its own (piiri_floor_smoke_contacts).
"""

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    apply_env,
    contacts_engine,
    format_table,
    isolated_env,
    piiri_executable,
    reseed_contacts,
    run,
    scalar,
)

PREFIX, SMOKE_PREFIX = "piiri_ibench", "piiri_floor_smoke"
TARGET_ROWS_PER_SECOND, CORES = 5000, 2


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contacts", type=int, default=1_000_000, help="contacts in the table (1,000,000)")
    parser.add_argument("--rows", type=int, default=10_000, help="contacts inserted per measurement")
    parser.add_argument(
        "--rounds", type=int, default=3, help="measurements per variant (the median is shown)"
    )
    parser.add_argument("--smoke", action="store_true", help="2,000 contacts, 300 rows, 1 round (CI)")
    args = parser.parse_args(argv)
    args.prefix = PREFIX
    if args.smoke:
        args.contacts, args.rows, args.rounds, args.prefix = 2000, 300, 1, SMOKE_PREFIX
    return args


def prepare(args):
    """The benchmark's contacts database, migrated and holding at least ``--contacts`` contacts."""
    env = isolated_env(args.prefix, args.prefix, "127.0.0.1:0")
    apply_env(env)
    piiri = piiri_executable()
    run([piiri, "migrate"], env, "piiri migrate")
    engine = contacts_engine()
    if scalar(engine, "SELECT count(*) FROM contacts") < args.contacts:
        reseed_contacts(piiri, env, engine, args.contacts)
    return engine


def copied_columns(conn):
    """The contacts columns an insert writes (generated ones are computed by PostgreSQL)."""
    from sqlalchemy import text

    return conn.execute(
        text(
            "SELECT string_agg(column_name, ', ' ORDER BY ordinal_position) FROM information_schema.columns "
            "WHERE table_name = 'contacts' AND table_schema = current_schema() AND is_generated = 'NEVER'"
        )
    ).scalar()


def secondary_indexes(conn):
    from sqlalchemy import text

    return list(
        conn.execute(
            text(
                "SELECT i.relname FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = 'contacts'::regclass AND NOT x.indisprimary ORDER BY i.relname"
            )
        ).scalars()
    )


def sample_rows(conn, columns, rows):
    """A temporary table of ``rows`` contacts of the table (spread over it), ids to be replaced."""
    from sqlalchemy import text

    conn.execute(text("DROP TABLE IF EXISTS floor_rows"))
    conn.execute(
        text(
            f"CREATE TEMP TABLE floor_rows AS SELECT row_number() OVER () AS n, {columns} "
            "FROM (SELECT * FROM contacts ORDER BY md5(id::text) LIMIT :rows) sample"
        ),
        {"rows": rows},
    )
    conn.commit()


def insert_seconds(conn, columns, drop=(), triggers=True):
    """Seconds of one INSERT ... SELECT of the sample with new UUIDv7 ids (as an import writes them),
    with the indexes in ``drop`` dropped and the table's triggers on or off; rolled back."""
    from sqlalchemy import bindparam, text
    from sqlalchemy.dialects.postgresql import ARRAY, UUID

    from piiri.ids import uuid7

    count = conn.execute(text("SELECT count(*) FROM floor_rows")).scalar()
    ids = [uuid7() for _ in range(count)]
    conn.execute(
        text("UPDATE floor_rows SET id = (:ids)[n]").bindparams(bindparam("ids", type_=ARRAY(UUID))),
        {"ids": ids},
    )
    conn.commit()
    for name in drop:
        conn.execute(text(f'DROP INDEX "{name}"'))
    if not triggers:
        conn.execute(text("ALTER TABLE contacts DISABLE TRIGGER USER"))
    started = time.perf_counter()
    conn.execute(text(f"INSERT INTO contacts ({columns}) SELECT {columns} FROM floor_rows"))
    elapsed = time.perf_counter() - started
    conn.rollback()
    return elapsed


def median_seconds(conn, columns, rounds, **variant):
    return statistics.median(insert_seconds(conn, columns, **variant) for _ in range(rounds))


def floor_seconds_per_contact(engine, rows=10_000, rounds=3):
    """Seconds one backend spends on a contact inserted with every index and trigger (the median of
    ``rounds`` inserts of ``rows`` contacts, rolled back): the floor an import is measured against
    (bench/import_bench.py runs it on its own database before its imports)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.execute(text("SET jit = off"))
        columns = copied_columns(conn)
        sample_rows(conn, columns, rows)
        insert_seconds(conn, columns)  # warm the caches once
        full = median_seconds(conn, columns, rounds)
        conn.execute(text("DROP TABLE IF EXISTS floor_rows"))
        conn.commit()
    return full / rows


def main(argv=None):
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    args = parse_args(argv)
    print(f"Set-up (database {args.prefix}_contacts)", flush=True)
    engine = prepare(args)
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.execute(text("SET jit = off"))
        contacts = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
        columns = copied_columns(conn)
        indexes = secondary_indexes(conn)
        sample_rows(conn, columns, args.rows)
        insert_seconds(conn, columns)  # warm the caches once
        full = median_seconds(conn, columns, args.rounds)
        untriggered = median_seconds(conn, columns, args.rounds, triggers=False)
        bare = median_seconds(conn, columns, args.rounds, drop=indexes, triggers=False)
        each = {name: full - median_seconds(conn, columns, args.rounds, drop=(name,)) for name in indexes}
    engine.dispose()
    per_row = 1e6 / args.rows
    print(f"\n{args.rows:,} contacts inserted into {contacts:,} (median of {args.rounds}, rolled back)")
    variants = [
        ("every index and trigger (what an import writes)", full),
        ("every index, no triggers", untriggered),
        ("the bare table: no secondary index, no trigger", bare),
    ]
    table = [(name, f"{s:.2f}", f"{s * per_row:,.0f}") for name, s in variants]
    print(format_table(("insert", "seconds", "µs a contact"), table, "lrr"))
    print("\nhow much faster the insert is without each index (not additive: the indexes share PostgreSQL's")
    print("cache, and one index less leaves more of it to the others):")
    ranked = sorted(each.items(), key=lambda item: -item[1])
    print(format_table(("index", "µs a contact less"), [(n, f"{s * per_row:,.0f}") for n, s in ranked], "lr"))
    budget = CORES * 1e6 / TARGET_ROWS_PER_SECOND
    print(
        f"\nOne PostgreSQL backend inserts at most {args.rows / full:,.0f} contacts/s here "
        f"({full * per_row:,.0f} µs each). I1's target, {TARGET_ROWS_PER_SECOND:,} rows/s end to end on "
        f"{CORES} cores, leaves {budget:.0f} µs of CPU a row for everything: reading the file, checking, "
        "matching, writing, audit."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
