"""B3: the SMTP emulator itself, driven by the standard library's smtplib as Piiri's workers drive it: it
keeps what it takes (page and JSON), refuses bounce.example at RCPT with 550, posts a DSN for dsn.example
to the webhook, and answers 421 while its fault switch says it is down."""

import json
import smtplib
import threading
import urllib.request
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from emulators.smtp.server import serve, wait_until
from services.mailing.transactional import rules


@pytest.fixture(scope="module")
def hook():
    received = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(
                (self.headers["Content-Type"], self.rfile.read(int(self.headers["Content-Length"])))
            )
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/dsn", received
    server.shutdown()


@pytest.fixture(scope="module")
def emulator(hook):
    running = serve(dsn_url=hook[0], dsn_delay=0.05)
    yield running
    running.stop()


def a_message(to, subject="Lasku 1001"):
    message = EmailMessage()
    message["From"] = "laskutus@piiri.example"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = "<6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10.piiri@piiri.example>"
    message.set_content("Hei")
    message.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="lasku-1001.pdf")
    return message


def read(url):
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.read()


def test_b3_a_mail_is_kept_and_shown_on_the_page_and_as_json(emulator):
    with smtplib.SMTP("127.0.0.1", emulator.smtp_port, timeout=5) as client:
        client.send_message(a_message("maija@example.fi"), from_addr="bounce+x@piiri.example")
    listed = json.loads(read(f"{emulator.url}/api/messages"))
    taken = [item for item in listed if item["recipients"] == ["maija@example.fi"]][-1]
    assert (taken["subject"], taken["mail_from"]) == ("Lasku 1001", "bounce+x@piiri.example")
    assert taken["attachments"] == [
        {"file_name": "lasku-1001.pdf", "content_type": "application/pdf", "size": 8}
    ]
    assert "Hei" in json.loads(read(f"{emulator.url}/api/messages/{taken['id']}"))["text"]
    assert b"Lasku 1001" in read(f"{emulator.url}/")
    assert b"Subject: Lasku 1001" in read(f"{emulator.url}/api/messages/{taken['id']}/raw")


def test_b3_a_recipient_at_bounce_invalid_is_refused_at_rcpt_with_550(emulator):
    with smtplib.SMTP("127.0.0.1", emulator.smtp_port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            client.send_message(a_message("ei.ole@bounce.example"), from_addr="bounce+x@piiri.example")
    assert rules.classify(refused.value)[0] == rules.HARD
    assert not emulator.mailbox.to("ei.ole@bounce.example")


def test_b3_a_recipient_at_dsn_invalid_is_taken_and_a_dsn_is_posted_that_piiri_reads(emulator, hook):
    verp = rules.verp_address("6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10", "piiri.example")
    with smtplib.SMTP("127.0.0.1", emulator.smtp_port, timeout=5) as client:
        client.send_message(a_message("poissa@dsn.example"), from_addr=verp)
    assert emulator.mailbox.to("poissa@dsn.example")
    assert wait_until(lambda: any(verp.encode() in body for _, body in hook[1]), 5)
    content_type, body = next(item for item in hook[1] if verp.encode() in item[1])
    assert content_type == "message/rfc822"
    [bounce] = rules.parse_dsn(body)
    assert (str(bounce.mail_id), bounce.recipient, bounce.hard) == (
        "6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10",
        "poissa@dsn.example",
        True,
    )


def test_b3_while_down_the_emulator_answers_421_which_is_transient(emulator):
    request = urllib.request.Request(
        f"{emulator.url}/api/faults", data=b'{"unavailable": 1}', method="POST",
        headers={"Content-Type": "application/json"},
    )  # fmt: skip
    read(request)
    with smtplib.SMTP("127.0.0.1", emulator.smtp_port, timeout=5) as client:
        with pytest.raises(smtplib.SMTPSenderRefused) as down:
            client.send_message(a_message("myohemmin@example.fi"), from_addr="bounce+x@piiri.example")
        assert rules.classify(down.value)[0] == rules.TRANSIENT  # smtplib closes the session on 421
    with smtplib.SMTP("127.0.0.1", emulator.smtp_port, timeout=5) as client:
        client.send_message(a_message("myohemmin@example.fi"), from_addr="bounce+x@piiri.example")
    assert len(emulator.mailbox.to("myohemmin@example.fi")) == 1
