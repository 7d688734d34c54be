"""Grace-period automations (issue 15, B4 with C8): the trigger type ``membership_unpaid_on`` (on a day,
the members of a group who are not paid up for a period).

Revision ID: 0026
Revises: 0025
"""

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

BEFORE = "'member_joined', 'member_left', 'date_reached', 'membership_paid_changed'"


def _triggers(allowed):
    op.drop_constraint("automations_trigger", "automations", type_="check")
    op.create_check_constraint("automations_trigger", "automations", f"trigger_type IN ({allowed})")


def upgrade():
    _triggers(BEFORE + ", 'membership_unpaid_on'")


def downgrade():
    op.execute("DELETE FROM automations WHERE trigger_type = 'membership_unpaid_on'")
    _triggers(BEFORE)
