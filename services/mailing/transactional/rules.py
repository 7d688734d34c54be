"""Pure rules of transactional mail (B3, issue 14): the SMTP settings, building a message (Message-ID,
VERP return path, attachments, DKIM), reading an SMTP refusal and a delivery status notification (RFC 3464
multipart/report), and the retry schedule. No I/O but reading the DKIM key file once at configuration."""

import re
import smtplib
import socket
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from services.mailing.contract import errors

SECURITY = ("none", "starttls", "tls")
VERP = re.compile(r"^bounce\+([0-9a-fA-F-]{36})@", re.IGNORECASE)
CRLF = "\r\n"
MESSAGE_ID = re.compile(r"<([0-9a-fA-F-]{36})\.piiri@[^>]+>")


class NotConfigured(ValueError):
    """The SMTP settings are missing or wrong: the setting named in ``args[0]``."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # none | starttls | tls
    user: str
    password: str
    from_address: str
    from_name: str
    reply_to: str
    bounce_domain: str  # the VERP return path's domain: bounce+<mail id>@<bounce_domain>
    timeout: float
    dkim_selector: str
    dkim_domain: str
    dkim_key: bytes  # the private key's PEM ("" : no signing)
    max_attempts: int
    backoff_first: float
    backoff_max: float


def settings_from(config):
    """SmtpSettings of the configuration (SMTP_*); NotConfigured naming the setting when wrong."""
    host = str(config.get("SMTP_HOST") or "").strip()
    if not host:
        raise NotConfigured("SMTP_HOST")
    security = str(config.get("SMTP_SECURITY") or "none").strip().lower()
    if security not in SECURITY:
        raise NotConfigured("SMTP_SECURITY")
    try:
        port = int(config.get("SMTP_PORT") or {"none": 25, "starttls": 587, "tls": 465}[security])
    except ValueError:
        raise NotConfigured("SMTP_PORT") from None
    from_address = str(config.get("SMTP_FROM") or "").strip()
    if "@" not in from_address:
        raise NotConfigured("SMTP_FROM")
    key = b""
    selector = str(config.get("SMTP_DKIM_SELECTOR") or "").strip()
    if selector:
        try:
            with open(str(config.get("SMTP_DKIM_KEY_FILE") or ""), "rb") as file:
                key = file.read()
        except OSError:
            raise NotConfigured("SMTP_DKIM_KEY_FILE") from None
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        user=str(config.get("SMTP_USER") or ""),
        password=str(config.get("SMTP_PASSWORD") or ""),
        from_address=from_address,
        from_name=str(config.get("SMTP_FROM_NAME") or ""),
        reply_to=str(config.get("SMTP_REPLY_TO") or ""),
        bounce_domain=str(config.get("SMTP_BOUNCE_DOMAIN") or from_address.rsplit("@", 1)[1]),
        timeout=float(config.get("SMTP_TIMEOUT") or 30),
        dkim_selector=selector,
        dkim_domain=str(config.get("SMTP_DKIM_DOMAIN") or from_address.rsplit("@", 1)[1]),
        dkim_key=key,
        max_attempts=max(int(config.get("SMTP_MAX_ATTEMPTS") or 8), 1),
        backoff_first=float(config.get("SMTP_BACKOFF_SECONDS") or 30),
        backoff_max=float(config.get("SMTP_BACKOFF_MAX_SECONDS") or 3600),
    )


def new_message_id(mail_id, domain):
    """The Message-ID of a mail: its id in Piiri, so that a DSN quoting it finds the mail."""
    return f"<{mail_id}.piiri@{domain}>"


def mail_id_of_message_id(value):
    found = MESSAGE_ID.search(str(value or ""))
    return _uuid(found.group(1)) if found else None


def verp_address(mail_id, domain):
    """The envelope sender (return path) of a mail: bounce+<mail id>@domain (VERP), where DSNs go."""
    return f"bounce+{mail_id}@{domain}"


def mail_id_of_verp(address):
    found = VERP.match(str(address or "").strip().strip("<>"))
    return _uuid(found.group(1)) if found else None


def _uuid(text):
    try:
        return uuid.UUID(text)
    except ValueError:
        return None


def build(mail, settings, attachments, date):
    """The EmailMessage of a mail row: plain-text body, attachments [(file name, content type, bytes)],
    From/Reply-To of the settings, the mail's fixed Message-ID; DKIM-signed bytes come from ``sign``."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = formataddr((settings.from_name, settings.from_address))
    message["To"] = mail["recipient"]
    if settings.reply_to:
        message["Reply-To"] = settings.reply_to
    message["Subject"] = mail["subject"]
    message["Date"] = format_datetime(date)
    message["Message-ID"] = mail["message_id"]
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail["body"], charset="utf-8")
    for file_name, content_type, data in attachments:
        main, _, sub = (content_type or "application/octet-stream").partition("/")
        message.add_attachment(data, maintype=main, subtype=sub or "octet-stream", filename=file_name)
    message["Content-Language"] = mail.get("language") or "fi"  # after the content, which clears Content-*
    return message


def message_bytes(mail, settings, attachments, date):
    """The bytes of ``build``'s message. A plain-text mail (no attachment, an ASCII address, no line over
    78 characters) is written directly, the same headers and body as the ``email`` package gives, at a
    fraction of its cost (its header parsing was a sixth of a mailing worker's CPU, bench/
    mailing_send_bench.py); anything else goes through ``build``."""
    body = mail["body"].encode("utf-8").splitlines()
    if attachments or not str(mail["recipient"]).isascii() or any(len(line) > 78 for line in body):
        return build(mail, settings, attachments, date).as_bytes()
    headers = [
        ("From", formataddr((settings.from_name, settings.from_address))),
        ("To", mail["recipient"]),
        *([("Reply-To", settings.reply_to)] if settings.reply_to else []),
        ("Subject", mail["subject"]),
        ("Date", format_datetime(date)),
        ("Message-ID", mail["message_id"]),
        ("Auto-Submitted", "auto-generated"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "7bit" if all(line.isascii() for line in body) else "8bit"),
        ("MIME-Version", "1.0"),
        ("Content-Language", mail.get("language") or "fi"),
    ]
    if any("\r" in value or "\n" in value for _, value in headers):
        return build(mail, settings, attachments, date).as_bytes()  # the email package's error
    head = "".join(_header_line(name, value) for name, value in headers)
    return head.encode("ascii") + b"\r\n" + b"\r\n".join(body) + b"\r\n"


def _header_line(name, value):
    """One header line, folded and RFC 2047-encoded when its value is not ASCII or the line is long."""
    if value.isascii() and len(name) + 2 + len(value) <= 78:
        return f"{name}: {value}\r\n"
    if value.isascii():  # a long ASCII line (rare): email.header would leave a line over the limit
        return policy.SMTP.header_factory(name, value).fold(policy=policy.SMTP)
    return f"{name}: {Header(value, 'utf-8', header_name=name).encode(linesep=CRLF)}{CRLF}"


def sign(raw, settings):
    """The message's bytes with a DKIM-Signature header when a key is configured (dkimpy)."""
    if not settings.dkim_selector:
        return raw
    import dkim

    signature = dkim.sign(
        raw,
        settings.dkim_selector.encode(),
        settings.dkim_domain.encode(),
        settings.dkim_key,
        include_headers=[b"from", b"to", b"subject", b"date", b"message-id", b"reply-to"],
    )
    return signature + raw


# ---- What an SMTP failure means -------------------------------------------------------------------------

HARD = "hard"  # the server refused the recipient or the message for good: bounced
TRANSIENT = "transient"  # try again later (server away, 4xx, a broken connection)


def classify(exc):
    """(HARD | TRANSIENT, the server's words) of a failed SMTP send."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, words = next(iter(exc.recipients.values()))
        return (HARD if 500 <= code < 600 else TRANSIENT), f"{code} {_text(words)}"
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        words = f"{code} {_text(exc.smtp_error)}"
        if isinstance(exc, smtplib.SMTPDataError) and 500 <= code < 600:
            return HARD, words
        if isinstance(exc, smtplib.SMTPSenderRefused) and 500 <= code < 600:
            return TRANSIENT, words  # our sender was refused: a setting to fix, not the recipient's fault
        return TRANSIENT, words
    if isinstance(exc, (smtplib.SMTPException, OSError, socket.timeout)):
        return TRANSIENT, type(exc).__name__ + (f": {exc}" if str(exc) else "")
    raise exc


def _text(words):
    return words.decode("utf-8", "replace") if isinstance(words, bytes) else str(words)


def next_wait(attempts, settings):
    """Seconds before the next try after ``attempts`` failed ones: doubling from backoff_first."""
    return min(settings.backoff_first * 2 ** max(attempts - 1, 0), settings.backoff_max)


# ---- Delivery status notifications (RFC 3464) ------------------------------------------------------------


@dataclass(frozen=True)
class Bounce:
    mail_id: uuid.UUID | None
    recipient: str
    action: str  # failed | delayed | delivered | relayed | expanded
    status: str  # 5.1.1
    diagnostic: str

    @property
    def hard(self):
        return self.action == "failed" and self.status.startswith("5")


def parse_dsn(raw):
    """The per-recipient reports of a DSN: [Bounce]. The mail is found by the VERP address the DSN was
    sent to, else by the Message-ID of the returned headers. ValueError if it is not a DSN."""
    if not isinstance(raw, bytes) or not raw.strip():
        raise ValueError(errors.DSN_INVALID)
    report = message_from_bytes(raw, policy=policy.default)
    if report.get_content_type() != "multipart/report" or report.get_param("report-type") != (
        "delivery-status"
    ):
        raise ValueError(errors.DSN_INVALID)
    mail_id = None
    for header in ("X-Original-To", "Delivered-To", "To"):
        for address in report.get_all(header) or []:
            mail_id = mail_id or mail_id_of_verp(_address(address))
    status_part = returned = None
    for part in report.iter_parts():
        kind = part.get_content_type()
        if kind in ("message/delivery-status", "message/global-delivery-status"):
            status_part = part
        elif kind in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            returned = part
    if status_part is None:
        raise ValueError(errors.DSN_INVALID)
    if mail_id is None and returned is not None:
        mail_id = mail_id_of_message_id(_returned_message_id(returned))
    return [_bounce(mail_id, fields) for fields in _recipient_fields(status_part)]


def _address(value):
    value = str(value)
    inside = re.search(r"<([^>]+)>", value)
    return inside.group(1) if inside else value.strip()


def _returned_message_id(part):
    payload = part.get_payload()
    if isinstance(payload, list) and payload:  # message/rfc822: the returned message itself
        return payload[0].get("Message-ID")
    text = part.get_payload(decode=True) or b""
    headers = message_from_bytes(text if isinstance(text, bytes) else str(text).encode())
    return headers.get("Message-ID")


def _recipient_fields(part):
    """The per-recipient field groups of a message/delivery-status part (the first group is per message)."""
    payload = part.get_payload()
    if isinstance(payload, list):  # the email package parses the groups as messages of headers
        groups = [dict((key.lower(), str(value)) for key, value in block.items()) for block in payload]
    else:
        text = part.get_payload(decode=True) or b""
        groups = []
        for block in re.split(r"\r?\n\s*\r?\n", text.decode("utf-8", "replace").strip()):
            headers = message_from_bytes(block.encode())
            groups.append({key.lower(): str(value) for key, value in headers.items()})
    found = [group for group in groups if "action" in group and ("final-recipient" in group)]
    if not found:
        raise ValueError(errors.DSN_INVALID)
    return found


def _bounce(mail_id, fields):
    recipient = fields.get("final-recipient", "").split(";", 1)[-1].strip()
    status = fields.get("status", "").strip().split(" ")[0]
    return Bounce(
        mail_id=mail_id,
        recipient=recipient,
        action=fields.get("action", "").strip().lower(),
        status=status,
        diagnostic=fields.get("diagnostic-code", "").split(";", 1)[-1].strip()[:500],
    )
