"""The gateway users with the reviewer role (Q3), as a round's coordinator picks them: read from the
gateway's own database (only active reviewers; each listing audited as a read of staff accounts)."""

from sqlalchemy import select

from gateway.models import users
from gateway.roles import REVIEWER_ROLE
from piiri.errors import ValidationFailed

FIELDS = ("username", "display_name")


def reviewer_users(session):
    query = (
        select(users.c.id, users.c.username, users.c.display_name)
        .where(users.c.role == REVIEWER_ROLE, users.c.active.is_(True))
        .order_by(users.c.username)
    )
    rows = [dict(row._mapping) for row in session.execute(query)]
    session.rollback()
    return [{**row, "id": str(row["id"])} for row in rows]


def reviewer_user(session, user_id):
    """The active reviewer ``user_id``, or applications.not_a_reviewer."""
    found = next((row for row in reviewer_users(session) if row["id"] == str(user_id or "")), None)
    if found is None:
        raise ValidationFailed("applications.reviewer_invalid", {"user_id": ["applications.not_a_reviewer"]})
    return found
