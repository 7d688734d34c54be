"""A mailing flag put straight into the mailing service's database, as Campaign Monitor's webhook or a
hard bounce would leave it (services/mailing/flags): for tests of the pages and files that show flags."""

from sqlalchemy import text


def flag_contact(engine, contact_id, kind="bounced", email="x@example.org", day="2026-12-03"):
    """Flag ``contact_id`` (``bounced`` or ``unsubscribed``) at noon UTC of ``day``, from the webhook."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contact_flags (contact_id, kind, email, source, occurred_at)"
                " VALUES (:id, :kind, :email, 'webhook', :at)"
            ),
            {"id": contact_id, "kind": kind, "email": email, "at": f"{day} 12:00+00"},
        )
