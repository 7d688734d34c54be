"""Delivery status notifications (RFC 3464) as a receiving mail system writes them: a multipart/report to
the envelope sender (for Piiri the VERP address bounce+<mail id>@…), with a human-readable part, the
message/delivery-status fields per recipient, and the returned message's headers (text/rfc822-headers)."""

import uuid
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid

REPORTING_MTA = "piiri-smtp-emulator.invalid"


def make_dsn(envelope_from, recipient, original, status="5.1.1", diagnostic="550 5.1.1 User unknown"):
    """The DSN's bytes for ``recipient`` of the ``original`` message (bytes), sent to ``envelope_from``."""
    boundary = f"dsn-{uuid.uuid4().hex}"
    now = format_datetime(datetime.now(UTC))
    head = original.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0].decode("utf-8", "replace")
    text = "\r\n".join(
        [
            f"From: Mail Delivery System <MAILER-DAEMON@{REPORTING_MTA}>",
            f"To: <{envelope_from}>",
            "Subject: Undelivered Mail Returned to Sender",
            f"Date: {now}",
            f"Message-ID: {make_msgid(domain=REPORTING_MTA)}",
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
            "",
            f"--{boundary}",
            "Content-Type: text/plain; charset=utf-8",
            "",
            f"Your message could not be delivered to {recipient}.",
            "",
            diagnostic,
            "",
            f"--{boundary}",
            "Content-Type: message/delivery-status",
            "",
            f"Reporting-MTA: dns; {REPORTING_MTA}",
            f"Arrival-Date: {now}",
            "",
            f"Final-Recipient: rfc822; {recipient}",
            f"Original-Recipient: rfc822; {recipient}",
            "Action: failed",
            f"Status: {status}",
            f"Remote-MTA: dns; {recipient.rsplit('@', 1)[-1]}",
            f"Diagnostic-Code: smtp; {diagnostic}",
            "",
            f"--{boundary}",
            "Content-Type: text/rfc822-headers",
            "",
            *head.split("\n"),
            "",
            f"--{boundary}--",
            "",
        ]
    )
    return text.encode("utf-8")
