"""The chunk a validated batch must commit after (issue 17): ``import_row_batches.after_chunk``.

Revision ID: 0006
Revises: 0005

The validation knows each row's duplicate-match keys and the existing contact it matches; a batch that
shares none of them with the batches before it cannot be affected by their commit, so it need not
wait for them: ``after_chunk`` is the highest earlier chunk it shares a key or a matched contact with
(0: none), and the contacts service commits it once every chunk up to that one is committed. Batches
stored before this column (NULL) keep the old order: after the chunk just before.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("import_row_batches", sa.Column("after_chunk", sa.Integer))


def downgrade():
    op.drop_column("import_row_batches", "after_chunk")
