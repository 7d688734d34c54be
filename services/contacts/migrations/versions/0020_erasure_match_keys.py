"""Erasure requests carry the person's values as keyed digests (G4, issue 19).

Revision ID: 0020
Revises: 0019

``erasures.match_keys``: digests of the person's e-mails, phones, names and own search words
(piiri/erasure_keys.py), made before the person is deleted and sent in every (re-sent) request, so that
the other services find the person's values where no contact id names them (an upload not committed,
a refused row, a file name). No value is stored, only digests.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "erasures", sa.Column("match_keys", JSONB, nullable=False, server_default=sa.text("'{}'::jsonb"))
    )


def downgrade():
    op.drop_column("erasures", "match_keys")
