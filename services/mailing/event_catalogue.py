"""The mailing service's published events (exchange ``mailing.events``, docs/events.md): each event type
with the marshmallow schema of its payload and its schema_version (docs/events/ is generated from it)."""

from services.mailing.contract import MailEvent

EXCHANGE = "mailing.events"

CATALOGUE: dict[str, dict] = {
    "mail_sent": {"schema": MailEvent, "version": 1, "exchange": EXCHANGE},
    "mail_bounced": {"schema": MailEvent, "version": 1, "exchange": EXCHANGE},
    "mail_failed": {"schema": MailEvent, "version": 1, "exchange": EXCHANGE},
}
