"""The changes a user made, newest first, for the dashboard's "my recent changes" (issue 13 item 2).

Revision ID: 0004
Revises: 0003

``audit_events_actor_changes``: (actor_id, seq) of the records that are not reads
(services/audit/models.py CHANGES_SQL), so a user's last changes are the first entries of one index
range, however many pages they have viewed since.
"""

import sqlalchemy as sa
from alembic import op

# services/audit/models.py CHANGES_SQL as it was when this migration was written (a later change of the
# list of reads needs a migration of its own that makes the index again).
CHANGES_SQL = (
    r"action !~ '^audit\.|\.([a-z_]*_)?(viewed|listed|counted|searched|exported|downloaded|previewed|compared"
    r"|used|read|report|no_photo|dry_run|disclosed)$'"
)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "audit_events_actor_changes",
        "audit_events",
        ["actor_id", "seq"],
        postgresql_where=sa.text(CHANGES_SQL),
    )


def downgrade():
    op.drop_index("audit_events_actor_changes", table_name="audit_events")
