"""Data protection at 1M contacts: each contact's last activity (G5 retention) and current consents
(G1 consent filter) kept in step by triggers, and an index of the deceased.

Revision ID: 0015
Revises: 0014

- ``retention_activity``: per contact, ``activity_on``: the later of the day it last changed
  (``updated_at``, UTC) and the day its last membership ended; NULL while it has a membership with no
  end (a member is never inactive). The ``inactive`` retention rule is then one range of the index
  ``retention_activity_on`` (activity_on, contact_id), in the order of "past retention since".
- Kept exact by statement-level triggers, in the same transaction as the change, on every path (RPCs,
  merges, automations, COPY): contacts INSERT and UPDATE of updated_at, memberships INSERT, UPDATE and
  DELETE recompute the touched contacts (each contact row locked first, so concurrent changes to one
  person's memberships are applied one after the other). A deleted contact's row goes with it (FK).
- ``contacts_deceased`` (deceased_on, id) WHERE deceased_on IS NOT NULL: the ``deceased`` rule's range.
- ``consent_current``: per contact and purpose, the latest row of the consent history (latest
  ``recorded_at``, then id), kept by statement-level triggers on consents (INSERT, UPDATE — a merge
  moves rows — and DELETE). The ``consent=<purpose>`` filter is then a primary-key probe per contact,
  or a range of ``consent_current_given`` (purpose, contact_id) WHERE given.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

REFRESH_FUNCTION = """
CREATE FUNCTION piiri_retention_refresh(changed uuid[]) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF coalesce(cardinality(changed), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM contacts WHERE id = ANY(changed) ORDER BY id FOR NO KEY UPDATE;
    INSERT INTO retention_activity AS r (contact_id, activity_on)
    SELECT c.id,
           CASE WHEN bool_or(m.id IS NOT NULL AND m.ends_on IS NULL) THEN NULL
                ELSE greatest((c.updated_at AT TIME ZONE 'UTC')::date, max(m.ends_on)) END
    FROM contacts c LEFT JOIN memberships m ON m.contact_id = c.id
    WHERE c.id = ANY(changed)
    GROUP BY c.id
    ORDER BY c.id
    ON CONFLICT (contact_id) DO UPDATE SET activity_on = excluded.activity_on
    WHERE r.activity_on IS DISTINCT FROM excluded.activity_on;
END
$$
"""

CONTACTS_TRIGGER_FUNCTION = """
CREATE FUNCTION piiri_retention_contacts() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM piiri_retention_refresh(ARRAY(SELECT id FROM new_rows));
    ELSE
        PERFORM piiri_retention_refresh(ARRAY(
            SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.updated_at IS DISTINCT FROM o.updated_at));
    END IF;
    RETURN NULL;
END
$$
"""

MEMBERSHIPS_TRIGGER_FUNCTION = """
CREATE FUNCTION piiri_retention_memberships() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM piiri_retention_refresh(ARRAY(SELECT DISTINCT contact_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM piiri_retention_refresh(ARRAY(
            SELECT contact_id FROM new_rows UNION SELECT contact_id FROM old_rows));
    ELSE
        PERFORM piiri_retention_refresh(ARRAY(SELECT DISTINCT contact_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$
"""

CONSENT_REFRESH_FUNCTION = """
CREATE FUNCTION piiri_consent_current_refresh(changed uuid[]) RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    IF coalesce(cardinality(changed), 0) = 0 THEN
        RETURN;
    END IF;
    PERFORM 1 FROM contacts WHERE id = ANY(changed) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM consent_current WHERE contact_id = ANY(changed);
    INSERT INTO consent_current (contact_id, purpose, given, recorded_at, consent_id)
    SELECT DISTINCT ON (c.contact_id, c.purpose) c.contact_id, c.purpose, c.given, c.recorded_at, c.id
    FROM consents c
    WHERE c.contact_id = ANY(changed)
    ORDER BY c.contact_id, c.purpose, c.recorded_at DESC, c.id DESC;
END
$$
"""

CONSENTS_TRIGGER_FUNCTION = """
CREATE FUNCTION piiri_consent_current() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM piiri_consent_current_refresh(ARRAY(SELECT DISTINCT contact_id FROM new_rows));
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM piiri_consent_current_refresh(ARRAY(
            SELECT contact_id FROM new_rows UNION SELECT contact_id FROM old_rows));
    ELSE
        PERFORM piiri_consent_current_refresh(ARRAY(SELECT DISTINCT contact_id FROM old_rows));
    END IF;
    RETURN NULL;
END
$$
"""

CONSENT_FILL = """
INSERT INTO consent_current (contact_id, purpose, given, recorded_at, consent_id)
SELECT DISTINCT ON (contact_id, purpose) contact_id, purpose, given, recorded_at, id
FROM consents
ORDER BY contact_id, purpose, recorded_at DESC, id DESC
"""

FILL = """
INSERT INTO retention_activity (contact_id, activity_on)
SELECT c.id,
       CASE WHEN bool_or(m.id IS NOT NULL AND m.ends_on IS NULL) THEN NULL
            ELSE greatest((c.updated_at AT TIME ZONE 'UTC')::date, max(m.ends_on)) END
FROM contacts c LEFT JOIN memberships m ON m.contact_id = c.id
GROUP BY c.id
"""


def upgrade():
    op.create_table(
        "retention_activity",
        sa.Column(
            "contact_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("activity_on", sa.Date),
    )
    op.create_index(
        "retention_activity_on",
        "retention_activity",
        ["activity_on", "contact_id"],
        postgresql_where=sa.text("activity_on IS NOT NULL"),
    )
    op.create_index(
        "contacts_deceased",
        "contacts",
        ["deceased_on", "id"],
        postgresql_where=sa.text("deceased_on IS NOT NULL"),
    )
    op.execute(REFRESH_FUNCTION)
    op.execute(CONTACTS_TRIGGER_FUNCTION)
    op.execute(MEMBERSHIPS_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER contacts_retention_insert AFTER INSERT ON contacts "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_retention_contacts()"
    )
    op.execute(
        "CREATE TRIGGER contacts_retention_update AFTER UPDATE ON contacts "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION piiri_retention_contacts()"
    )
    op.execute(
        "CREATE TRIGGER memberships_retention_insert AFTER INSERT ON memberships "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_retention_memberships()"
    )
    op.execute(
        "CREATE TRIGGER memberships_retention_update AFTER UPDATE ON memberships "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION piiri_retention_memberships()"
    )
    op.execute(
        "CREATE TRIGGER memberships_retention_delete AFTER DELETE ON memberships "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_retention_memberships()"
    )
    op.execute(FILL)

    op.create_table(
        "consent_current",
        sa.Column(
            "contact_id",
            postgresql.UUID(as_uuid=True),
            sa.ForeignKey("contacts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("purpose", sa.String(40), sa.ForeignKey("processing_purposes.code"), primary_key=True),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("consent_id", postgresql.UUID(as_uuid=True), nullable=False),
    )
    op.create_index(
        "consent_current_given",
        "consent_current",
        ["purpose", "contact_id"],
        postgresql_where=sa.text("given"),
    )
    op.execute(CONSENT_REFRESH_FUNCTION)
    op.execute(CONSENTS_TRIGGER_FUNCTION)
    op.execute(
        "CREATE TRIGGER consents_current_insert AFTER INSERT ON consents "
        "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_consent_current()"
    )
    op.execute(
        "CREATE TRIGGER consents_current_update AFTER UPDATE ON consents "
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION piiri_consent_current()"
    )
    op.execute(
        "CREATE TRIGGER consents_current_delete AFTER DELETE ON consents "
        "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION piiri_consent_current()"
    )
    op.execute(CONSENT_FILL)


def downgrade():
    for event in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER consents_current_{event} ON consents")
    op.execute("DROP FUNCTION piiri_consent_current()")
    op.execute("DROP FUNCTION piiri_consent_current_refresh(uuid[])")
    op.drop_index("consent_current_given", table_name="consent_current")
    op.drop_table("consent_current")
    for table, event in (
        ("contacts", "insert"),
        ("contacts", "update"),
        ("memberships", "insert"),
        ("memberships", "update"),
        ("memberships", "delete"),
    ):
        op.execute(f"DROP TRIGGER {table}_retention_{event} ON {table}")
    op.execute("DROP FUNCTION piiri_retention_memberships()")
    op.execute("DROP FUNCTION piiri_retention_contacts()")
    op.execute("DROP FUNCTION piiri_retention_refresh(uuid[])")
    op.drop_index("contacts_deceased", table_name="contacts")
    op.drop_index("retention_activity_on", table_name="retention_activity")
    op.drop_table("retention_activity")
