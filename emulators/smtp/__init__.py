"""A local SMTP server (B3, issue 14) for `make run` and the tests, like MailDev: it takes every mail Piiri
sends, keeps it for a page and a JSON API to read, and bounces by rule: a recipient at ``bounce.example``
gets a 550 at RCPT (a hard bounce the sender sees at once); one at ``dsn.example`` is accepted and a
delivery status notification (RFC 3464) follows, posted to Piiri's bounce webhook (see server.py)."""
