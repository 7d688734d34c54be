#!/usr/bin/env python
"""B3 (issue 14): why the mailing workers send with the standard library's smtplib under eventlet, not
aiosmtplib. The project's SMTP emulator runs in a process of its own; this one sends --mails messages
of Piiri's shape (a text part and a 60 kB attachment, built by services/mailing/transactional/rules.py):

1. bare: smtplib in a plain loop on one connection, no eventlet (the floor);
2. green: the same under eventlet.monkey_patch(), --connections greenlets each on its own connection
   (what a mailing worker does: a batch per connection; the hub runs other work meanwhile);
3. aiosmtplib would need an asyncio loop in a thread beside the eventlet hub and a bridge to hand each
   message over and the answer back: not measured, as it is not installed (it is not a dependency).

    .venv/bin/python bench/smtp_bench.py --mails 2000 --connections 4
    BENCH_PDF_BYTES=2000 .venv/bin/python bench/smtp_bench.py    # a small attachment

Prints mails/s of each and the ratio of green to bare. Measured on the 2-core machine (1,000 mails; the
emulator, in its own process, is part of every figure): 60 kB attachment: bare 112/s, green with 4
connections 145/s (1.29x); 2 kB: bare 934/s, green 518/s with 4 connections, 411/s with 1 (0.55-0.66x:
eventlet's green sockets cost that much, and stay far above what a mail server takes from one client).
"""

import argparse
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def messages(count):
    from services.mailing.transactional import rules

    settings = rules.settings_from({"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "laskutus@piiri.example"})
    pdf = os.urandom(int(os.environ.get("BENCH_PDF_BYTES", "60000")))
    made = []
    for number in range(count):
        mail_id = uuid.uuid4()
        mail = {
            "id": mail_id,
            "recipient": f"maksaja{number}@example.fi",
            "subject": f"Lasku {number}",
            "body": "Hei,\n\nliitteenä laskunne.\n" * 5,
            "language": "fi",
            "message_id": rules.new_message_id(mail_id, "piiri.example"),
        }
        raw = rules.build(
            mail, settings, [("lasku.pdf", "application/pdf", pdf)], datetime.now(UTC)
        ).as_bytes()
        made.append((rules.verp_address(mail_id, "piiri.example"), mail["recipient"], raw))
    return made


def send(port, batch):
    import smtplib

    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        for envelope_from, recipient, raw in batch:
            client.sendmail(envelope_from, [recipient], raw)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--green", action="store_true", help=argparse.SUPPRESS)  # the child run
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.green:
        import eventlet

        eventlet.monkey_patch()
        batch = messages(args.mails)
        started = time.perf_counter()
        pool = eventlet.GreenPool(args.connections)
        share = [batch[i :: args.connections] for i in range(args.connections)]
        for part in share:
            pool.spawn(send, args.port, part)
        pool.waitall()
        print(f"{args.mails / (time.perf_counter() - started):.0f}")
        return
    smtp_port, web_port = free_port(), free_port()
    emulator = subprocess.Popen(
        [sys.executable, "-m", "emulators.smtp", "--smtp-port", str(smtp_port), "--web-port", str(web_port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        while "Mails at" not in (emulator.stdout.readline() or "Mails at"):
            pass
        batch = messages(args.mails)
        started = time.perf_counter()
        send(smtp_port, batch)
        bare = args.mails / (time.perf_counter() - started)
        green = float(
            subprocess.run(
                [sys.executable, __file__, "--green", "--port", str(smtp_port), "--mails", str(args.mails),
                 "--connections", str(args.connections)],
                capture_output=True, text=True, check=True,
            ).stdout.strip()
        )  # fmt: skip
    finally:
        emulator.terminate()
        emulator.wait(10)
    print(f"bare smtplib, one connection: {bare:.0f} mails/s")
    ratio = green / bare
    print(f"smtplib under eventlet, {args.connections} connections: {green:.0f} mails/s ({ratio:.2f}x bare)")


if __name__ == "__main__":
    main()
