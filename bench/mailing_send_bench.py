#!/usr/bin/env python
"""B3 / issue 14: 10,000 personalised transactional mails sent by 2 mailing workers (separate processes,
`piiri run --services mailing_worker`, as deploy/ runs them) to the local SMTP catcher (emulators/smtp, a
process of its own); target >= 500 mails/s. In the same run, a bare smtplib loop (one connection, the same
kind of mails, no database, no audit) sends to the same catcher: the ratio says what Piiri's own work costs
(claim with SKIP LOCKED, the disclosure on the audit log per batch, the status per mail with its event).

    .venv/bin/python bench/mailing_send_bench.py                  # 10,000 mails, 2 workers
    .venv/bin/python bench/mailing_send_bench.py --workers 1      # one worker
    .venv/bin/python bench/mailing_send_bench.py --smoke          # 300 mails, no target (CI)

Own databases (piiri_mailbench_*) and vhost (piiri_mailbench); an audit service process takes the
disclosure records, as in production. The mails are queued with one INSERT (as queue_mail leaves them:
personalised subject and body, one per recipient) after the workers are warm (a warm-up batch sent by
both). Timed: from the INSERT's commit to the last mail's status sent. Exit status 1 when the target is
missed (never with --smoke).
"""

import argparse
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ROOT,
    Server,
    apply_env,
    cpu_seconds,
    isolated_env,
    piiri_executable,
    socket_ports,
    start_setup,
    verdict,
)

PREFIX, VHOST, PORT = "piiri_mailbench", "piiri_mailbench", 8112
SMOKE_PREFIX, SMOKE_VHOST = "piiri_mailbench_smoke", "piiri_mailbench_smoke"
TARGET = 500.0
WARM_UP = 200


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mails", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=4, help="SMTP connections per worker")
    parser.add_argument("--smoke", action="store_true", help="300 mails, no target")
    args = parser.parse_args(argv)
    args.prefix, args.vhost = (SMOKE_PREFIX, SMOKE_VHOST) if args.smoke else (PREFIX, VHOST)
    if args.smoke:
        args.mails = 300
    args.port = PORT
    return args


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def queue(engine, prefix, count, actor):
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mail_messages (key, recipient, subject, body, language, message_id, actor)"
                " SELECT :prefix || n, 'jasen' || n || '@example.fi', 'Jäsenmaksusi ' || n,"
                " 'Hei jäsen ' || n || E',\\n\\nkiitos jäsenyydestäsi vuonna 2027. Jäsennumerosi on ' || n"
                " || E'.\\n\\nYstävällisin terveisin\\nYhdistys', 'fi',"
                " '<' || :prefix || n || '.' || :tag || '@piiri.example>', :actor"
                " FROM generate_series(1, :count) AS n"
            ),
            {"prefix": prefix, "count": count, "actor": actor, "tag": uuid.uuid4().hex},
        )


def sent(engine, prefix):
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(
            text("SELECT count(*) FROM mail_messages WHERE status = 'sent' AND key LIKE :p"),
            {"p": prefix + "%"},
        ).scalar()


def bare_loop(port, count):
    """mails/s of smtplib in a plain loop on one connection, the same mails built by Piiri's rules."""
    import smtplib

    from services.mailing.transactional import rules

    settings = rules.settings_from({"SMTP_HOST": "127.0.0.1", "SMTP_FROM": "laskutus@piiri.example"})
    made = []
    for number in range(count):
        mail_id = uuid.uuid4()
        mail = {
            "id": mail_id,
            "recipient": f"vertailu{number}@example.fi",
            "subject": f"Jäsenmaksusi {number}",
            "body": f"Hei jäsen {number},\n\nkiitos jäsenyydestäsi vuonna 2027.\n",
            "language": "fi",
            "message_id": rules.new_message_id(mail_id, "piiri.example"),
        }
        raw = rules.build(mail, settings, [], datetime.now(UTC)).as_bytes()
        made.append((rules.verp_address(mail_id, "piiri.example"), mail["recipient"], raw))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        for envelope_from, recipient, raw in made:
            client.sendmail(envelope_from, [recipient], raw)
    return count / (time.perf_counter() - started)


def wait(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"bench: timed out waiting for {what}")


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    smtp_port, web_port = free_port(), free_port()
    env.update(
        PIIRI_SMTP_HOST="127.0.0.1",
        PIIRI_SMTP_PORT=str(smtp_port),
        PIIRI_SMTP_SECURITY="none",
        PIIRI_SMTP_EMULATOR="0",
        PIIRI_MAILING_SMTP_CONNECTIONS=str(args.connections),
    )
    apply_env(env)
    piiri = piiri_executable()
    start_setup(args, env, piiri)

    from piiri.config import database_url, load_config
    from piiri.context import Actor
    from piiri.db import make_engine

    engine = make_engine(database_url(load_config(), "mailing"), pool_size=1)
    with engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE mail_messages, outbox")
    actor = Actor(id="bench", username="bench", permissions=("mail.send",)).to_header()
    catcher = subprocess.Popen(
        [sys.executable, "-m", "emulators.smtp", "--smtp-port", str(smtp_port), "--web-port", str(web_port)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    logs = Path("/tmp") / f"{args.prefix}-logs"
    servers = [Server([piiri, "run", "--services", "audit"], env, logs / "audit.log").start()]
    workers = [
        Server([piiri, "run", "--services", "mailing_worker"], env, logs / f"worker{n}.log").start()
        for n in range(args.workers)
    ]
    servers += workers
    try:
        while "Mails at" not in (catcher.stdout.readline() or "Mails at"):
            pass
        print(f"Warm-up: {args.workers} workers, {args.connections} SMTP connections each", flush=True)
        seen = set()
        for round_no in range(10):
            queue(engine, f"warm{round_no}:", WARM_UP, actor)
            deadline = time.monotonic() + 60
            while sent(engine, f"warm{round_no}:") < WARM_UP and time.monotonic() < deadline:
                seen |= {
                    worker.process.pid
                    for worker in workers
                    if smtp_port in socket_ports(worker.process.pid, "remote")
                }
                time.sleep(0.02)
            if len(seen) == len(workers):
                break
        else:
            raise SystemExit("bench: not every worker sent a warm-up mail")
        print(f"Send {args.mails:,} personalised mails", flush=True)
        cpu_before = [cpu_seconds(server.process.pid) for server in servers]
        catcher_before = cpu_seconds(catcher.pid)
        started = time.perf_counter()
        queue(engine, "bench:", args.mails, actor)
        wait(lambda: sent(engine, "bench:") >= args.mails, 600, f"{args.mails} mails sent")
        seconds = time.perf_counter() - started
        cpu = [
            cpu_seconds(server.process.pid) - before
            for server, before in zip(servers, cpu_before, strict=True)
        ]
        catcher_cpu = cpu_seconds(catcher.pid) - catcher_before
        rate = args.mails / seconds
        bare = bare_loop(smtp_port, args.mails)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.stop()
        catcher.terminate()
        catcher.wait(10)
    print(f"  {args.workers} mailing workers: {args.mails:,} mails in {seconds:.1f} s = {rate:,.0f} mails/s")
    per_mail = ", ".join(
        f"{name} {value / args.mails * 1000:.2f}"
        for name, value in zip(["audit", *(f"worker {n + 1}" for n in range(args.workers))], cpu, strict=True)
    )
    print(f"  CPU ms per mail: {per_mail}, catcher {catcher_cpu / args.mails * 1000:.2f}")
    print(f"  bare smtplib loop, one connection: {bare:,.0f} mails/s")
    print(f"  ratio workers / bare: {rate / bare:.2f}")
    return verdict(args.smoke, f"{rate:,.0f} mails/s < {TARGET:,.0f}" if rate < TARGET else None)


if __name__ == "__main__":
    sys.exit(main())
