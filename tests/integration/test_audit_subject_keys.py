"""Issue 12 / 18: who a record is about, indexed by 64-bit keys of its subject ids (audit migration 0005,
services/audit/subject_keys.py): the SQL and the Python key agree, the migration fills the keys of the
records stored before it, and a subject's records are found through the index."""

import uuid

from sqlalchemy import text

from piiri.audit import audit_record
from services.audit import storage
from services.audit.contract import load_record
from services.audit.models import SUBJECT_INDEX, audit_events
from services.audit.subject_keys import about, key_of, key_sql

SAMPLES = [
    str(uuid.uuid4()),
    "00000000-0000-4000-8000-000000000001",
    "ffffffff-ffff-4fff-bfff-ffffffffffff",
    "12345678-9ABC-4DEF-8123-456789ABCDEF",  # not canonical: hashed
    "user:admin",
    "ä-öö",
    "",
]


def test_issue12_the_sql_key_is_the_python_key(engines):
    with engines["audit"].connect() as conn:
        for sample in SAMPLES:
            got = conn.execute(text(f"SELECT {key_sql(':id')}"), {"id": sample}).scalar_one()
            assert got == key_of(sample), sample


def test_issue12_the_migration_fills_the_keys_of_stored_records_and_they_are_found(databases, admin_actor):
    from alembic import command

    from piiri.db import make_engine
    from piiri.migrate import drop_database, ensure_database
    from piiri_cli.databases import alembic_config

    url = databases["audit"] + "_keys"
    drop_database(url)
    ensure_database(url)
    engine = make_engine(url, pool_size=1)
    anna = str(uuid.uuid4())
    try:
        command.upgrade(alembic_config("audit", url), "0004")
        with engine.begin() as conn:  # records of the old form: no keys, the GIN on the ids' text
            for number, subjects in enumerate(([anna, str(uuid.uuid4())], ["user:admin", anna], []), 1):
                record = load_record(
                    audit_record("contacts", "contact.listed", admin_actor, "r", "contact", subjects)
                )
                row = storage.prepared_row(record)
                row.pop("subject_keys")
                conn.execute(
                    audit_events.insert().values(**row, chain_seq=number, prev_hash="", hash=f"h{number}")
                )
        command.upgrade(alembic_config("audit", url), "head")
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT subject_ids, subject_keys FROM audit_events ORDER BY seq")
            ).all()
            assert [keys for _, keys in stored] == [[key_of(item) for item in ids] for ids, _ in stored]
            assert stored[2].subject_keys == []
            found = conn.execute(audit_events.select().where(about(anna))).all()
            assert len(found) == 2
            valid = conn.execute(
                text(
                    "SELECT indisvalid AND indisready FROM pg_index"
                    " WHERE indexrelid = CAST(:name AS regclass)"
                ),
                {"name": SUBJECT_INDEX},
            ).scalar()
            assert valid is True  # the migration's GIN index exists and is usable
            # the plan from the table's own statistics, not the planner's guesses for a table never
            # analysed (autovacuum may be off, as on the development machine; once, in a full run, the
            # planner passed the index over without them)
            conn.execute(text("ANALYZE audit_events"))
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(
                conn.execute(
                    text(
                        "EXPLAIN SELECT seq FROM audit_events WHERE subject_keys @> CAST(:keys AS bigint[])"
                        " AND subject_ids @> CAST(:ids AS text[])"
                    ),
                    {"keys": [key_of(anna)], "ids": [anna]},
                ).scalars()
            )
            assert SUBJECT_INDEX in plan, plan
        command.downgrade(alembic_config("audit", url), "0004")
        with engine.connect() as conn:
            columns = conn.execute(
                text("SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_events'")
            ).scalars()
            assert "subject_keys" not in set(columns)
    finally:
        engine.dispose()
        drop_database(url)
