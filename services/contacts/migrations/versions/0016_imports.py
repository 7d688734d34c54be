"""Imports (I1): chunks committed once per import, the changes an import made (for undo), and the
indexes of duplicate matching.

Revision ID: 0016
Revises: 0015

- ``contact_import_chunks`` (import_id, chunk_no): a chunk's commit inserts its row first, so a
  retried chunk (worker crash after commit) finds it and writes nothing twice.
- ``contact_import_changes``: per import and contact, created|updated, the before image of an update,
  the version the import left, the memberships and consents it added.
- ``piiri_import_emails(emails, email)`` / ``piiri_import_phones(phones, phone)``: every listed address
  (lower case) or number as text[], GIN-indexed without the pending list (fastupdate off: with it, a
  lookup after many inserts scans the whole list, seconds per chunk); ``piiri_import_name(first,
  last)``: the normalised name, indexed with the birth date.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

FUNCTIONS = """
CREATE FUNCTION piiri_import_emails(emails jsonb, email text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT address), '{}') FROM (
        SELECT lower(entry->>'address') AS address FROM jsonb_array_elements(coalesce(emails, '[]')) entry
        UNION ALL SELECT lower(email)
    ) listed WHERE address IS NOT NULL
$$;
CREATE FUNCTION piiri_import_phones(phones jsonb, phone text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT number), '{}') FROM (
        SELECT entry->>'number' AS number FROM jsonb_array_elements(coalesce(phones, '[]')) entry
        UNION ALL SELECT phone
    ) listed WHERE number IS NOT NULL
$$;
CREATE FUNCTION piiri_import_name(first_name text, last_name text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT piiri_norm(coalesce(first_name, '') || ' ' || coalesce(last_name, ''))
$$;
"""


def upgrade():
    op.create_table(
        "contact_import_chunks",
        sa.Column("import_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("chunk_no", sa.Integer, primary_key=True),
        sa.Column("result", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("committed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "contact_import_changes",
        sa.Column("import_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("contact_id", postgresql.UUID(as_uuid=True), primary_key=True),
        sa.Column("chunk_no", sa.Integer, nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("before", postgresql.JSONB),
        sa.Column("version_after", sa.Integer, nullable=False),
        sa.Column(
            "membership_ids",
            postgresql.ARRAY(postgresql.UUID(as_uuid=True)),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
        sa.Column(
            "consent_ids",
            postgresql.ARRAY(postgresql.UUID(as_uuid=True)),
            nullable=False,
            server_default=sa.text("'{}'"),
        ),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("action IN ('created', 'updated')", name="contact_import_changes_action"),
    )
    op.create_index("contact_import_changes_contact", "contact_import_changes", ["contact_id"])
    op.execute(FUNCTIONS)
    op.execute(
        "CREATE INDEX contacts_import_emails ON contacts USING gin (piiri_import_emails(emails, email))"
        " WITH (fastupdate = off)"
    )
    op.execute(
        "CREATE INDEX contacts_import_phones ON contacts USING gin (piiri_import_phones(phones, phone))"
        " WITH (fastupdate = off)"
    )
    op.execute(
        "CREATE INDEX contacts_import_name_birth ON contacts "
        "(birth_date, piiri_import_name(first_name, last_name)) WHERE birth_date IS NOT NULL"
    )


def downgrade():
    op.drop_index("contacts_import_name_birth", table_name="contacts")
    op.drop_index("contacts_import_phones", table_name="contacts")
    op.drop_index("contacts_import_emails", table_name="contacts")
    op.execute("DROP FUNCTION piiri_import_name(text, text)")
    op.execute("DROP FUNCTION piiri_import_phones(jsonb, text)")
    op.execute("DROP FUNCTION piiri_import_emails(jsonb, text)")
    op.drop_index("contact_import_changes_contact", table_name="contact_import_changes")
    op.drop_table("contact_import_changes")
    op.drop_table("contact_import_chunks")
