"""M4: the built-in processing purpose ``email_tracking``: opening and clicking a campaign mail are tracked
(Campaign Monitor's ConsentToTrack "Yes") only for contacts with a given consent for it (GDPR: tracking
is processing that needs consent, ePrivacy art. 5(3)); everyone else is sent "No".

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

PURPOSE = (
    "email_tracking",
    "Sähköpostin avausten ja klikkausten seuranta",
    "E-mail open and click tracking",
    "consent",
)


def upgrade():
    code, label_fi, label_en, basis = PURPOSE
    op.execute(
        sa.text(
            "INSERT INTO processing_purposes (code, label_fi, label_en, legal_basis, builtin)"
            " VALUES (:code, :fi, :en, :basis, true) ON CONFLICT (code) DO UPDATE SET builtin = true"
        ).bindparams(code=code, fi=label_fi, en=label_en, basis=basis)
    )


def downgrade():
    op.execute(sa.text("UPDATE processing_purposes SET builtin = false WHERE code = 'email_tracking'"))
