"""What follows a mail's final outcome, in the outcome's own transaction (B3, M5): the status event
(mail_sent, mail_bounced, mail_failed) through the outbox, and for a hard bounce the contact's e-mail
bounce flag (flags/) with its audit record."""

from datetime import UTC, datetime

from piiri.context import SYSTEM
from services.mailing.flags import storage as flags_storage
from services.mailing.transactional.views import event_payload


def announce(outbox, audit, session, row, source=None):
    """The mail's status event; a bounce flags its contact (source: smtp | dsn)."""
    outbox.event(session, f"mail_{row['status']}", event_payload(row))
    if row["status"] != "bounced" or not row["contact_id"]:
        return
    flagged = flags_storage.set_flag(
        session, row["contact_id"], "bounced", row["recipient"] or "", None, source, datetime.now(UTC)
    )
    if flagged:
        audit.write(
            outbox,
            session,
            SYSTEM,
            "mailing.contact_bounced",
            "contact",
            [row["contact_id"]],
            fields=["mailing_flags"],
            details={"mail_id": str(row["id"]), "source": source},
        )
