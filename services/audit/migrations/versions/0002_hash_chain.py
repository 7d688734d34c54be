"""The hash chain (S2) over ``audit_events``, its head and checkpoints, and the search indexes (G2).

Existing records are chained in the order they were received (``seq``), in batches, with the
append-only trigger disabled only inside this migration's transaction.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from services.audit.chain import GENESIS, row_hash

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BATCH = 5000
SEARCH_INDEXES = (
    ("audit_events_actor_username", ["actor_username", "seq"]),
    ("audit_events_action", ["action", "seq"]),
    ("audit_events_service", ["service", "seq"]),
    ("audit_events_subject_type", ["subject_type", "seq"]),
    ("audit_events_request_id", ["request_id"]),
)


def chain_existing_records(connection):
    """Give every existing record its chain position and hashes, oldest first; returns the head."""
    last_seq, last_hash, after = 0, GENESIS, 0
    while True:
        rows = connection.execute(
            sa.text("SELECT * FROM audit_events WHERE seq > :after ORDER BY seq LIMIT :batch"),
            {"after": after, "batch": BATCH},
        ).all()
        if not rows:
            return last_seq, last_hash
        updates = []
        for row in rows:
            data = dict(row._mapping)
            last_seq += 1
            data["prev_hash"] = last_hash
            last_hash = row_hash(data)
            updates.append(
                {"seq": data["seq"], "chain_seq": last_seq, "prev": data["prev_hash"], "hash": last_hash}
            )
        connection.execute(
            sa.text(
                "UPDATE audit_events SET chain_seq = :chain_seq, prev_hash = :prev, hash = :hash"
                " WHERE seq = :seq"
            ),
            updates,
        )
        after = rows[-1].seq


def upgrade():
    op.add_column("audit_events", sa.Column("chain_seq", sa.BigInteger))
    op.add_column("audit_events", sa.Column("prev_hash", sa.Text))
    op.add_column("audit_events", sa.Column("hash", sa.Text))
    op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only")
    last_seq, last_hash = chain_existing_records(op.get_bind())
    op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only")
    for column in ("chain_seq", "prev_hash", "hash"):
        op.alter_column("audit_events", column, nullable=False)
    op.create_unique_constraint("audit_events_chain_seq_key", "audit_events", ["chain_seq"])
    op.create_unique_constraint("audit_events_hash_key", "audit_events", ["hash"])
    for name, columns in SEARCH_INDEXES:
        op.create_index(name, "audit_events", columns)

    op.create_table(
        "audit_chain_head",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.Text, nullable=False),
        sa.CheckConstraint("id = 1", name="audit_chain_head_single_row"),
    )
    op.get_bind().execute(
        sa.text("INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, :seq, :hash)"),
        {"seq": last_seq, "hash": last_hash},
    )
    op.create_table(
        "audit_chain_checkpoints",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("last_seq", sa.BigInteger, nullable=False),
        sa.Column("last_hash", sa.Text, nullable=False),
        sa.Column("records", sa.BigInteger, nullable=False),
    )
    op.execute(
        """
        CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER audit_chain_checkpoints_append_only
        BEFORE UPDATE OR DELETE ON audit_chain_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()
        """
    )


def downgrade():
    op.execute("DROP TRIGGER audit_chain_checkpoints_append_only ON audit_chain_checkpoints")
    op.drop_table("audit_chain_checkpoints")
    op.drop_table("audit_chain_head")
    for name, _columns in SEARCH_INDEXES:
        op.drop_index(name, "audit_events")
    op.drop_constraint("audit_events_hash_key", "audit_events")
    op.drop_constraint("audit_events_chain_seq_key", "audit_events")
    for column in ("hash", "prev_hash", "chain_seq"):
        op.drop_column("audit_events", column)
