"""Serve the SMTP emulator: aiosmtpd on ``smtp_port`` (its asyncio loop in a thread of its own) and a small
web page with a JSON API on ``web_port`` (werkzeug, threaded), for `make run` and the tests.

    GET    {url}/                   the messages, newest first (a page, like MailDev)
    GET    {url}/api/messages       the same as JSON (no raw bytes)
    GET    {url}/api/messages/<id>  one message with its text; /raw: its bytes (message/rfc822)
    GET    {url}/api/dsns           the DSNs made, and whether they were posted
    POST   {url}/api/faults         {"unavailable": n}: the next n MAIL commands get 421 (server "down")
    DELETE {url}/api/messages       forget everything

Rules: a recipient at bounce.example is refused at RCPT with 550 5.1.1; one at dsn.example is accepted
and, ``dsn_delay`` seconds later, a DSN for it is POSTed (Content-Type message/rfc822) to ``dsn_url`` (Piiri's
bounce webhook) when one is given. Every other recipient is accepted and kept.
"""

import html
import json
import socket
import threading
import time
import urllib.request

from aiosmtpd.controller import Controller
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from emulators.smtp.dsn import make_dsn
from emulators.smtp.mailbox import BOUNCE_DOMAIN, DSN_DOMAIN, Mailbox, domain_of


class Handler:
    """aiosmtpd's handler: the rules above."""

    def __init__(self, mailbox, dsns):
        self.mailbox = mailbox
        self.dsns = dsns

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mailbox.take_unavailable():
            return "421 4.3.2 Service not available, closing transmission channel"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if domain_of(address) == BOUNCE_DOMAIN:
            self.mailbox.refuse(envelope.mail_from, address, 550)
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        raw = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        self.mailbox.store(envelope.mail_from, envelope.rcpt_tos, raw)
        for recipient in envelope.rcpt_tos:
            if domain_of(recipient) == DSN_DOMAIN:
                self.dsns.later(envelope.mail_from, recipient, raw)
        return "250 2.0.0 OK: queued"


class DsnSender:
    """Makes the DSNs of dsn.example recipients and posts each to the webhook after ``delay`` seconds."""

    def __init__(self, mailbox, url, delay):
        self.mailbox = mailbox
        self.url = url
        self.delay = delay

    def later(self, envelope_from, recipient, raw):
        threading.Timer(self.delay, self.send, (envelope_from, recipient, raw)).start()

    def send(self, envelope_from, recipient, raw):
        message = make_dsn(envelope_from, recipient, raw)
        entry = {"to": envelope_from, "recipient": recipient, "posted": None}
        if self.url:
            request = urllib.request.Request(
                self.url, data=message, method="POST", headers={"Content-Type": "message/rfc822"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as answer:
                    entry["posted"] = answer.status
            except Exception as exc:  # the webhook's refusal is kept for the page, never raised
                entry["posted"] = getattr(exc, "code", None) or type(exc).__name__
        with self.mailbox.lock:
            self.mailbox.dsns.append({**entry, "raw": message.decode("utf-8", "replace")})


def page(mailbox):
    rows = "".join(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>".format(
            html.escape(item["received_at"]),
            html.escape(", ".join(item["recipients"])),
            html.escape(item["subject"]),
            html.escape(", ".join(part["file_name"] or "" for part in item["attachments"])),
            f'<a href="api/messages/{item["id"]}">json</a> <a href="api/messages/{item["id"]}/raw">raw</a>',
        )
        for item in reversed(mailbox.listed())
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Piiri SMTP emulator</title>'
        "<style>body{font-family:sans-serif;margin:2rem}td,th{border-bottom:1px solid #ccc;padding:.3rem;"
        "text-align:left}</style></head><body><h1>Mails taken by the SMTP emulator</h1>"
        "<table><thead><tr><th>Received</th><th>To</th><th>Subject</th><th>Attachments</th><th></th>"
        f"</tr></thead><tbody>{rows}</tbody></table></body></html>"
    )


class WebApp:
    def __init__(self, mailbox):
        self.mailbox = mailbox

    def __call__(self, environ, start_response):
        return self.answer(Request(environ))(environ, start_response)

    def answer(self, request):
        parts = [part for part in request.path.split("/") if part]
        if request.method == "GET" and not parts:
            return Response(page(self.mailbox), content_type="text/html; charset=utf-8")
        if parts[:2] == ["api", "messages"] and len(parts) == 2:
            if request.method == "DELETE":
                self.mailbox.clear()
                return Response(status=204)
            return _json(self.mailbox.listed())
        if parts[:2] == ["api", "messages"] and len(parts) in (3, 4) and request.method == "GET":
            item = self.mailbox.find(parts[2])
            if item is None:
                return _json({"error": "not found"}, 404)
            if len(parts) == 4 and parts[3] == "raw":
                return Response(item["raw"], content_type="message/rfc822")
            return _json({key: value for key, value in item.items() if key != "raw"})
        if parts == ["api", "dsns"] and request.method == "GET":
            with self.mailbox.lock:
                return _json(list(self.mailbox.dsns))
        if parts == ["api", "faults"] and request.method == "POST":
            body = request.get_json(silent=True) or {}
            with self.mailbox.lock:
                self.mailbox.unavailable = max(int(body.get("unavailable", 0)), 0)
            return _json({"unavailable": self.mailbox.unavailable})
        return _json({"error": "not found"}, 404)


def _json(value, status=200):
    return Response(json.dumps(value), status=status, content_type="application/json")


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


def free_port(host="127.0.0.1"):
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class RunningSmtp:
    def __init__(self, controller, web, mailbox, host):
        self.controller = controller
        self.web = web
        self.mailbox = mailbox
        self.host = host
        threading.Thread(target=web.serve_forever, name="smtp-emulator-web", daemon=True).start()

    @property
    def smtp_port(self):
        return self.controller.port

    @property
    def url(self):
        return f"http://{self.host}:{self.web.server_port}"

    def settings(self):
        """The SMTP_* settings that point Piiri at this emulator."""
        return {
            "SMTP_HOST": self.host,
            "SMTP_PORT": self.smtp_port,
            "SMTP_SECURITY": "none",
            "SMTP_FROM": "laskutus@piiri.example",
            "SMTP_FROM_NAME": "Piiri",
        }

    def stop_smtp(self):
        """Stop taking mail (the server is away); ``start_smtp`` takes it again on the same port."""
        self.controller.stop()

    def start_smtp(self):
        self.controller.start()

    def stop(self):
        try:
            self.controller.stop()
        except (AssertionError, RuntimeError):
            pass  # already stopped
        self.web.shutdown()
        self.web.server_close()


def serve(smtp_port=0, web_port=0, host="127.0.0.1", dsn_url=None, dsn_delay=0.5):
    """Start the emulator; port 0 picks a free one."""
    mailbox = Mailbox()
    handler = Handler(mailbox, DsnSender(mailbox, dsn_url, dsn_delay))
    controller = Controller(
        handler, hostname=host, port=smtp_port or free_port(host), server_hostname="piiri-smtp-emulator"
    )
    controller.start()
    web = make_server(host, web_port, WebApp(mailbox), threaded=True, request_handler=QuietHandler)
    return RunningSmtp(controller, web, mailbox, host)


def wait_until(predicate, seconds=10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()
