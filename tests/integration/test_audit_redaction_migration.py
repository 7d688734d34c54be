"""G4/S2: migration 0003 of the audit database re-chains records that 0002 chained while the chain
still hashed the details themselves, so `piiri audit verify` finds the log intact afterwards."""

import hashlib
import json
import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from piiri.config import database_url
from piiri.db import make_engine
from piiri.migrate import drop_database, ensure_database
from piiri_cli.databases import alembic_config
from services.audit.chain import GENESIS
from services.audit.verify import verify_stored_chain

COLUMNS = (
    "event_id, occurred_at, recorded_at, service, action, actor_id, actor_username, actor_kind, request_id,"
    " subject_type, subject_ids, fields, details, schema_version, chain_seq, prev_hash, hash"
).split(", ")
INSERT = "INSERT INTO audit_events ({}) VALUES ({})".format(
    ", ".join(COLUMNS),
    ", ".join("CAST(:details AS jsonb)" if name == "details" else f":{name}" for name in COLUMNS),
)


def old_hash(prev_hash, row):
    """The 0002-era hash: the details themselves in the content."""
    content = {key: value for key, value in row.items() if key not in ("seq", "chain_seq", "prev_hash")}
    data = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(prev_hash.encode() + data).hexdigest()


def test_g4_migration_0003_rechains_records_of_the_old_form(config):
    url = database_url(config, "audit").replace("_audit", "_audit_rechain")
    drop_database(url)
    ensure_database(url)
    engine = make_engine(url, pool_size=1)
    try:
        alembic = alembic_config("audit", url)
        command.upgrade(alembic, "0002")
        prev = GENESIS
        with engine.begin() as conn:
            for number in (1, 2, 3):
                row = {
                    "event_id": str(uuid.uuid4()),
                    "occurred_at": datetime(2026, 11, 1, tzinfo=UTC).isoformat(),
                    "recorded_at": datetime(2026, 11, 1, 0, 0, number, tzinfo=UTC).isoformat(),
                    "service": "contacts",
                    "action": "contact.listed",
                    "actor_id": "u-1",
                    "actor_username": "anna",
                    "actor_kind": "user",
                    "request_id": f"r-{number}",
                    "subject_type": "contact",
                    "subject_ids": ["c-1"],
                    "fields": ["email"],
                    "details": {"query": "Jäppinen"},
                    "schema_version": 1,
                }
                digest = old_hash(prev, row)
                conn.execute(
                    text(INSERT),
                    {
                        **row,
                        "details": json.dumps(row["details"]),
                        "chain_seq": number,
                        "prev_hash": prev,
                        "hash": digest,
                    },
                )
                prev = digest
            conn.execute(text("UPDATE audit_chain_head SET last_seq = 3, last_hash = :hash"), {"hash": prev})
        command.upgrade(alembic, "head")
        with engine.connect() as conn:
            report = verify_stored_chain(Session(bind=conn), checkpoint=False)
            assert report.records == 3 and report.problems == 0, report.findings
            head = conn.execute(text("SELECT last_hash FROM audit_chain_head")).scalar_one()
            assert head != prev  # the head moved to the new form too
    finally:
        engine.dispose()
        drop_database(url)
