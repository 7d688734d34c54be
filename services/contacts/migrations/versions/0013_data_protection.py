"""Data protection (G1, G4, G5): purposes and legal bases, consents with history, retention rules, erasures.

Revision ID: 0013
Revises: 0012

- ``processing_purposes``: why the organisation processes personal data (membership, newsletter,
  invoicing, …), each with its default legal basis (GDPR art. 6: consent, contract, legitimate
  interest, legal obligation, vital interest, public task); built-ins are inserted here.
- ``consents``: an append-only history per person and purpose: given or withdrawn, when, from which
  source (staff, api, import, form, paper), which text version; the latest row is the current state.
- ``legal_bases``: a person-specific legal basis for a purpose (e.g. a membership contract from a
  date), with dates, beside the purpose's default.
- ``retention_rules``: rules that flag contacts past retention (e.g. no membership and no activity for
  N years); ``config`` holds the rule's parameters.
- ``erasures``: each right-to-be-forgotten request: who asked, when, and per service when it was done
  (``services``: {service: completed-at or null}); the contact row itself is gone afterwards, so
  ``contact_id`` has no foreign key.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

UUID = postgresql.UUID(as_uuid=True)
BASES = "('consent', 'contract', 'legitimate_interest', 'legal_obligation', 'vital_interest', 'public_task')"
BUILTIN_PURPOSES = [
    ("membership", "Jäsenyys ja jäsenrekisteri", "Membership and member register", "contract"),
    ("newsletter", "Uutiskirje", "Newsletter", "consent"),
    ("member_communication", "Jäsenviestintä", "Member communication", "legitimate_interest"),
    ("invoicing", "Laskutus ja kirjanpito", "Invoicing and bookkeeping", "legal_obligation"),
    ("events", "Tapahtumat", "Events", "legitimate_interest"),
    ("photos", "Valokuvien julkaisu", "Publishing photos", "consent"),
    ("fundraising", "Varainhankinta", "Fundraising", "legitimate_interest"),
]


def upgrade():
    purposes = op.create_table(
        "processing_purposes",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("label_fi", sa.String(150), nullable=False),
        sa.Column("label_en", sa.String(150), nullable=False),
        sa.Column("legal_basis", sa.String(30), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("builtin", sa.Boolean, nullable=False, server_default=sa.text("false")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"legal_basis IN {BASES}", name="processing_purposes_basis"),
        sa.CheckConstraint("code ~ '^[a-z][a-z0-9_]{1,39}$'", name="processing_purposes_code"),
    )
    op.bulk_insert(
        purposes,
        [
            {"code": code, "label_fi": fi, "label_en": en, "legal_basis": basis, "builtin": True}
            for code, fi, en, basis in BUILTIN_PURPOSES
        ],
    )
    op.create_table(
        "consents",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(40), sa.ForeignKey("processing_purposes.code"), nullable=False),
        sa.Column("given", sa.Boolean, nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("text_version", sa.String(60)),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(150), nullable=False),
        sa.CheckConstraint(
            "source IN ('staff', 'api', 'import', 'form', 'paper', 'email')", name="consents_source"
        ),
    )
    op.create_index("consents_contact", "consents", ["contact_id", "purpose", "recorded_at"])
    op.create_table(
        "legal_bases",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("contact_id", UUID, sa.ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("purpose", sa.String(40), sa.ForeignKey("processing_purposes.code"), nullable=False),
        sa.Column("basis", sa.String(30), nullable=False),
        sa.Column("starts_on", sa.Date),
        sa.Column("ends_on", sa.Date),
        sa.Column("note", sa.Text),
        sa.Column("recorded_by", sa.String(150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(f"basis IN {BASES}", name="legal_bases_basis"),
        sa.CheckConstraint(
            "ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="legal_bases_dates"
        ),
    )
    op.create_index("legal_bases_contact", "legal_bases", ["contact_id"])
    op.create_table(
        "retention_rules",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("config", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("created_by", sa.String(150), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_table(
        "erasures",
        sa.Column("id", UUID, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("contact_id", UUID, nullable=False),
        sa.Column("requested_by", sa.String(150), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("reason", sa.Text),
        sa.Column("services", postgresql.JSONB, nullable=False, server_default=sa.text("'{}'::jsonb")),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("contact_id", name="erasures_contact_once"),
    )
    op.create_index(
        "erasures_pending", "erasures", ["requested_at"], postgresql_where=sa.text("completed_at IS NULL")
    )


def downgrade():
    op.drop_index("erasures_pending", table_name="erasures")
    op.drop_table("erasures")
    op.drop_table("retention_rules")
    op.drop_index("legal_bases_contact", table_name="legal_bases")
    op.drop_table("legal_bases")
    op.drop_index("consents_contact", table_name="consents")
    op.drop_table("consents")
    op.drop_table("processing_purposes")
