"""Issue 14 (B3, ops): two mailing workers, separate processes (`piiri run --services mailing_worker`, as
deploy/ runs them), share a queue of 300 transactional mails; one is killed with SIGKILL in the middle of
the send, and every recipient still gets exactly one mail in the SMTP catcher.

How exactly-once is reached, and where it is not: each mail is claimed with FOR UPDATE SKIP LOCKED and
leased (status sending, lease_until); a sent mail is settled (status sent) in its own transaction right
after the server's 250, and is never claimed again; a killed worker's claimed-but-unsent mails are claimed
by the other worker once their lease (here 4 s) has run out. The one window no SMTP client can close --
the server accepted the mail but the worker died before recording it -- is not what this test kills in:
the catcher holds every RCPT once 100 mails are in, so each worker's connections wait before DATA, and
the kill lands there (a death inside that window would send that one mail again, with the same Message-ID;
services/mailing/transactional/sending.py says so)."""

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text

from bench.common import socket_ports
from conftest import make_actor
from emulators.smtp.server import serve
from services.audit.service import AuditService

ROOT = Path(__file__).resolve().parents[2]
MAILS = 300
HOLD_AFTER = 100
LEASE_SECONDS = 4


def queue_mails(engine, count, actor_header):
    """``count`` due transactional mails, inserted as queue_mail would (one INSERT)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mail_messages (key, recipient, subject, body, message_id, actor)"
                " SELECT 'share:' || n, 'jasen' || n || '@example.fi', 'Tervetuloa ' || n,"
                " 'Hei jäsen ' || n || ', tervetuloa.',"
                " '<share.' || n || '.' || :tag || '@piiri.example>', :actor"
                " FROM generate_series(1, :count) AS n"
            ),
            {"count": count, "actor": actor_header, "tag": uuid.uuid4().hex},
        )


class Gate:
    """Holds the catcher's RCPT answers while closed; remembers the client ports held."""

    def __init__(self, running):
        self.closed = False
        self.held = set()
        handler = running.controller.handler
        original = handler.handle_RCPT

        async def handle_rcpt(server, session, envelope, address, options):
            port = session.peer[1]
            while self.closed:
                self.held.add(port)
                await asyncio.sleep(0.02)
            self.held.discard(port)
            return await original(server, session, envelope, address, options)

        handler.handle_RCPT = handle_rcpt


def wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.timeout(120)
def test_b3_two_mailing_workers_share_a_send_and_one_killed_mid_send_sends_no_mail_twice(
    config, clean_databases, run_services
):
    run_services(AuditService)  # takes the workers' disclosure records
    smtp = serve()
    gate = Gate(smtp)
    engine = clean_databases["mailing"]
    queue_mails(engine, MAILS, make_actor("share-sender", permissions=("mail.send",)).to_header())
    env = {
        **os.environ,
        "PIIRI_SMTP_HOST": smtp.host,
        "PIIRI_SMTP_PORT": str(smtp.smtp_port),
        "PIIRI_SMTP_SECURITY": "none",
        "PIIRI_MAILING_SMTP_LEASE_SECONDS": str(LEASE_SECONDS),
        "PIIRI_MAILING_SMTP_CONNECTIONS": "3",
        "PIIRI_SMTP_EMULATOR": "0",
        "PIIRI_CM_EMULATOR": "0",
        "PIIRI_AMQP_URI": config["AMQP_URI"],
    }
    command = [str(Path(sys.executable).parent / "piiri"), "run", "--services", "mailing_worker"]
    workers = [
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        for _ in range(2)
    ]
    try:
        wait(lambda: len(smtp.mailbox.listed()) >= HOLD_AFTER, 60, f"{HOLD_AFTER} mails")
        gate.closed = True

        def both_held():  # each worker has a connection waiting at RCPT, i.e. mails claimed, not sent
            ports = [socket_ports(worker.pid) for worker in workers]
            return all(ports_of & gate.held for ports_of in ports)

        wait(both_held, 20, "both workers' connections held at RCPT")
        time.sleep(0.5)  # a mail accepted before the gate closed is settled meanwhile
        killed = workers[0]
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(10)
        gate.closed = False

        def all_settled():
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM mail_messages WHERE status = 'sent'")).scalar()

        wait(lambda: all_settled() == MAILS, 60, "every mail sent")
        received = Counter(recipient for item in smtp.mailbox.listed() for recipient in item["recipients"])
        assert len(received) == MAILS
        assert set(received.values()) == {1}, [key for key, value in received.items() if value > 1]
        with engine.connect() as conn:
            again = conn.execute(text("SELECT count(*) FROM mail_messages WHERE attempts = 2")).scalar()
        assert again > 0  # the killed worker's claimed mails went after their lease, by the other worker

        # each mail's disclosure to the SMTP server is on the audit log, one record per batch, not per mail
        with engine.connect() as conn:
            ids = {str(key) for key in conn.execute(text("SELECT id FROM mail_messages")).scalars()}

        def disclosures():
            with clean_databases["audit"].connect() as conn:
                return (
                    conn.execute(
                        text("SELECT details FROM audit_events WHERE action = 'mailing.mail_disclosed'")
                    )
                    .scalars()
                    .all()
                )

        def disclosed():
            return {mail["mail_id"] for details in disclosures() for mail in details["mails"]}

        wait(lambda: ids <= disclosed(), 30, "every mail's disclosure on the audit log")
        assert len(disclosures()) < MAILS
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        smtp.stop()
