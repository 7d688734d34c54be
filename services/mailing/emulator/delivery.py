"""The emulator's campaign mails: when a campaign is sent (now or at its scheduled time) each recipient's
mail is rendered from the content the campaign imported and delivered over SMTP, as Campaign Monitor
delivers them, to a configurable SMTP server (``make run``: the local SMTP catcher, emulators/smtp/).

Rendering follows Campaign Monitor's personalisation tags: ``[firstname,fallback=…]``, ``[lastname,…]``,
``[fullname,…]``, ``[email]`` and a list custom field's ``[Key,fallback=…]`` take the subscriber's values
(first name: the first word of the subscriber's Name, as Campaign Monitor splits it; the fallback where
the value is empty); the HTML part escapes them. An unknown tag is left as it is written, as Campaign
Monitor leaves text in brackets that is not a tag.

``Mailer`` owns one thread that takes the sends queued by ``Account`` (state.py) and delivers them over one
SMTP connection per campaign. An address the server refuses with a 5xx (at RCPT or at the end of DATA) is
recorded as the campaign's hard bounce (which deactivates the subscriber, as a real hard bounce does) and
the next recipient's mail goes on; a server that is away or answers 4xx is tried again with backoff from the
recipient it stopped at, so nobody gets a mail twice. Each campaign's
outcome is kept in ``Account.deliveries`` ({sent, bounced, failed, error}) for the control API.
"""

import html
import logging
import queue
import re
import smtplib
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

log = logging.getLogger(__name__)

TAG = re.compile(r"\[([A-Za-z0-9_]+)(?:,\s*fallback=([^\]]*))?\]")
BUILT_IN = ("firstname", "lastname", "fullname", "email")


@dataclass(frozen=True)
class Recipient:
    """One recipient's snapshot, taken when the campaign was sent: address, Name and the values of the
    list's custom fields (empty where the subscriber has none: the tag's fallback is used)."""

    email: str
    name: str
    custom: dict  # bare key -> value (a list for MultiSelectMany)


@dataclass(frozen=True)
class Send:
    """A campaign on its way: its headers and content as imported, and the recipients' snapshots."""

    campaign_id: str
    subject: str
    from_name: str
    from_email: str
    reply_to: str
    html: str
    text: str
    recipients: tuple


def values_of(recipient):
    """The values of a recipient's personalisation tags, by lower-case tag name."""
    name = " ".join(recipient.name.split())
    first, _, last = name.partition(" ")
    values = {"firstname": first, "lastname": last, "fullname": name, "email": recipient.email}
    for key, value in recipient.custom.items():
        if key.lower() not in BUILT_IN:
            values[key.lower()] = ", ".join(value) if isinstance(value, list) else str(value)
    return values


def personalise(source, values, escape):
    """``source`` with each known tag replaced by its value (or fallback); HTML-escaped when ``escape``."""

    def replace(match):
        name = match.group(1).lower()
        if name not in values:
            return match.group(0)
        value = values[name] or (match.group(2) or "")
        return html.escape(value) if escape else value

    return TAG.sub(replace, source)


def render(send, recipient):
    """The mail ``recipient`` gets of ``send``: multipart/alternative (text, HTML)."""
    values = values_of(recipient)
    message = EmailMessage()
    message["Subject"] = " ".join(personalise(send.subject, values, escape=False).split())
    message["From"] = formataddr((send.from_name, send.from_email))
    message["To"] = formataddr((recipient.name, recipient.email))
    message["Reply-To"] = send.reply_to
    message["Message-ID"] = make_msgid(domain="cm-emulator.localhost")
    message["X-Campaign-ID"] = send.campaign_id
    text = personalise(send.text, values, escape=False).replace("\r\n", "\n")
    message.set_content(text or " ")
    if send.html:
        message.add_alternative(personalise(send.html, values, escape=True), subtype="html")
    return message


def refused_code(exc):
    """The SMTP code of a server refusing one recipient's mail, at RCPT or at the end of DATA."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return next(iter(exc.recipients.values()))[0]
    return exc.smtp_code


class Mailer:
    """Delivers the queued sends to ``host``:``port`` in its own thread; ``stop`` ends it."""

    def __init__(self, account, host, port, retries=5, backoff=0.5, timeout=10.0):
        self.account = account
        self.host = host
        self.port = int(port)
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.queue = queue.Queue()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="cm-emulator-mailer", daemon=True)
        self.thread.start()

    def put(self, send):
        self.queue.put(send)

    def stop(self):
        self.stopped.set()
        self.queue.put(None)
        self.thread.join(timeout=5)

    def _run(self):
        while not self.stopped.is_set():
            send = self.queue.get()
            if send is None:
                return
            try:
                self.deliver(send)
            except Exception:  # a fault of one send never ends the thread; it is kept for the control API
                log.exception("cm emulator: campaign %s was not delivered", send.campaign_id)
                self._note(send.campaign_id, failed=len(send.recipients), error="internal_error")

    def deliver(self, send):
        """Every recipient of ``send`` once: retried from where it stopped while the server is away."""
        position, attempt = 0, 0
        while position < len(send.recipients):
            try:
                position = self._session(send, position)
            except (OSError, smtplib.SMTPException) as exc:
                attempt += 1
                if attempt > self.retries or self.stopped.is_set():
                    left = len(send.recipients) - position
                    self._note(send.campaign_id, failed=left, error=f"{type(exc).__name__}: {exc}"[:300])
                    log.warning("cm emulator: %s mails of %s not delivered: %s", left, send.campaign_id, exc)
                    return
                time.sleep(min(self.backoff * 2 ** (attempt - 1), 30.0))

    def _session(self, send, position):
        """One SMTP connection from ``position`` on; returns the position reached (all of them)."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            while position < len(send.recipients):
                recipient = send.recipients[position]
                try:
                    smtp.send_message(
                        render(send, recipient), from_addr=send.from_email, to_addrs=[recipient.email]
                    )
                    self._note(send.campaign_id, sent=1)
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as exc:
                    if refused_code(exc) < 500:
                        raise
                    smtp.rset()
                    self._bounce(send, recipient)
                position += 1
        return position

    def _bounce(self, send, recipient):
        self._note(send.campaign_id, bounced=1)
        with self.account.lock:
            if send.campaign_id in self.account.campaigns:  # not deleted meanwhile
                self.account.record_activity(
                    send.campaign_id,
                    "bounces",
                    recipient.email,
                    {"BounceType": "Hard", "Reason": "Hard Bounce"},
                )

    def _note(self, campaign_id, sent=0, bounced=0, failed=0, error=None):
        with self.account.lock:
            noted = self.account.deliveries.setdefault(
                campaign_id, {"sent": 0, "bounced": 0, "failed": 0, "error": None}
            )
            noted["sent"] += sent
            noted["bounced"] += bounced
            noted["failed"] += failed
            if error:
                noted["error"] = error
