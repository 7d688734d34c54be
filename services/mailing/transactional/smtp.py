"""The SMTP connection of the mailing workers (B3): standard-library smtplib, green under eventlet (its
socket is the monkey-patched one, so a slow server stalls only the sending greenlet). A sending round's
connections stay open for the next round of the same timer tick (Sender keeps them), so a long queue does
not pay a connection, EHLO and QUIT per batch.

Why smtplib and not aiosmtplib: the services run on eventlet, not asyncio; aiosmtplib would need an asyncio
loop in a thread per worker and a bridge back to the green hub, while smtplib over eventlet's sockets is
already cooperative (bench/smtp_bench.py measures it against the local emulator)."""

import smtplib
import ssl

from services.mailing.transactional import rules

_context = None


def tls_context():
    """One TLS client context for the process (loading the system's certificates took a quarter of a
    worker's CPU when each batch's connection made its own, bench/mailing_send_bench.py with py-spy)."""
    global _context
    if _context is None:
        _context = ssl.create_default_context()
    return _context


class Connection:
    """An open, logged-in SMTP session; ``send`` raises smtplib's errors (rules.classify reads them)."""

    def __init__(self, settings):
        self.settings = settings
        self.client = None

    def __enter__(self):
        settings = self.settings
        if settings.security == "tls":
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=tls_context()
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            client.ehlo()
            if settings.security == "starttls":
                client.starttls(context=tls_context())
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password)
        except BaseException:
            client.close()
            raise
        self.client = client
        return self

    def send(self, raw, envelope_from, recipient):
        """Send the message's bytes to one recipient; smtplib raises on any refusal."""
        refused = self.client.sendmail(envelope_from, [recipient], raw)
        if refused:  # one recipient only: sendmail raises when all are refused, so this cannot happen
            raise smtplib.SMTPRecipientsRefused(refused)

    def reset(self):
        """After a refused message: clear the transaction so the session can send the next one."""
        try:
            self.client.rset()
        except (smtplib.SMTPException, OSError):
            pass

    def __exit__(self, *exc):
        try:
            self.client.quit()
        except (smtplib.SMTPException, OSError):
            self.client.close()
        return False


def prepare(mail, settings, attachments, date):
    """(bytes to send, envelope sender) of a mail row."""
    raw = rules.sign(rules.message_bytes(mail, settings, attachments, date), settings)
    return raw, rules.verp_address(mail["id"], settings.bounce_domain)
