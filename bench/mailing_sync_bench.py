#!/usr/bin/env python
"""M1 / issue 14: full sync of a 100,000-member list to the Campaign Monitor emulator, end to end; target
>= 5,000 subscribers/s, and the ratio to the emulator's bare import rate.

End to end: mailing.start_sync over the broker -> the durable job queue -> MailingWorker -> pages of the
consent-gated audience from contacts.mailing_audience (RPC, one audited read per page) -> the real
`createsend` client's import_subscribers in calls of 1,000 (code 210 read row by row) -> the members and the
audited disclosure per call -> the run done. The emulator (services/mailing/emulator) runs in a process of
its own, over HTTPS, as Campaign Monitor would. Bare: the same rows posted with createsend in a loop to a
new list of the same emulator, nothing else.

    .venv/bin/python bench/mailing_sync_bench.py                 # 100,000 members
    .venv/bin/python bench/mailing_sync_bench.py --reuse         # keep the seeded contacts
    .venv/bin/python bench/mailing_sync_bench.py --smoke         # 3,000 members, no target (CI)

Contacts, audit, mailing and the mailing worker each run as a process of their own (`piiri run --services
...`, as deploy/ runs them) on their own databases (piiri_syncbench_*) and vhost (piiri_syncbench);
``--in-process`` runs the four in this one process instead (one interpreter: they share a core).
Seeding: COPY (services/contacts/seed.py), every contact a member of the group, 95 % with the newsletter
consent. Exit status 1 when the target is missed (never
with --smoke).
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

from bench.audience_bench import seeded_group  # noqa: E402
from bench.common import (  # noqa: E402
    ROOT,
    Server,
    apply_env,
    contacts_engine,
    isolated_env,
    piiri_executable,
    socket_ports,
    start_setup,
    verdict,
)
from bench.mailing_send_bench import cpu_seconds  # noqa: E402

PREFIX, VHOST, PORT = "piiri_syncbench", "piiri_syncbench", 8114
SMOKE_PREFIX, SMOKE_VHOST = "piiri_syncbench_smoke", "piiri_syncbench_smoke"
TARGET = 5000.0
FIELDS = ["first_name", "last_name", "city"]
API_KEY, CLIENT_ID = "bench-key", "bench-client"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded contacts if there are N")
    parser.add_argument("--smoke", action="store_true", help="3,000 members, no target")
    parser.add_argument("--in-process", action="store_true", help="the services in this process")
    args = parser.parse_args(argv)
    args.prefix, args.vhost = (SMOKE_PREFIX, SMOKE_VHOST) if args.smoke else (PREFIX, VHOST)
    if args.smoke:
        args.members = 3_000
    args.port = PORT
    return args


def start_emulator():
    """The emulator in its own process: (process, its settings)."""
    cert_dir = tempfile.mkdtemp(prefix="piiri-syncbench-cm-")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.mailing.emulator", "--port", "0",
         "--api-key", API_KEY, "--client-id", CLIENT_ID, "--cert-dir", cert_dir],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    settings = {}
    while len(settings) < 4:
        line = process.stdout.readline()
        if not line:
            raise SystemExit("bench: the Campaign Monitor emulator did not start")
        key, _, value = line.strip().partition("=")
        settings[key.removeprefix("PIIRI_")] = value
    return process, settings


def bare_import(settings, rows):
    """subscribers/s of the same rows posted with createsend, 1,000 a call, to a new list."""
    import createsend

    from services.mailing import campaign_monitor

    account = campaign_monitor.configure(settings)
    list_id = account.call(account.lists().create, CLIENT_ID, f"Bare {time.time():.0f}", "", False, "")
    for name in ("first_name", "last_name", "city"):
        account.call(account.lists(list_id).create_custom_field, name, "Text")
    subscribers = createsend.Subscriber(account.auth)
    started = time.perf_counter()
    for start in range(0, len(rows), 1000):
        account.call(subscribers.import_subscribers, list_id, rows[start : start + 1000], True)
    return len(rows) / (time.perf_counter() - started)


def actor_context():
    from piiri.context import Actor, context_data_for

    return context_data_for(
        Actor(
            id="bench",
            username="bench",
            permissions=("mail.send", "contacts.view", "groups.manage", "contacts.export"),
        )
    )


def ready_by(config, context, deadline):
    """Wait until the mailing and contacts services answer (a service that is connected may not yet
    consume its RPC queue)."""
    from nameko.exceptions import RpcTimeout
    from nameko.standalone.rpc import ClusterRpcProxy

    while True:
        try:
            with ClusterRpcProxy(config, context_data=context, timeout=3) as cluster:
                cluster.mailing.list_lists()
                cluster.contacts.list_groups()
            return
        except RpcTimeout:
            if time.monotonic() > deadline:
                raise SystemExit("bench: the services do not answer") from None


def rows_of(engine, count):
    """Import rows like the sync's (services/mailing/sync/rules.subscriber_row) for ``count`` contacts."""
    from sqlalchemy import text

    with engine.connect() as conn:
        found = conn.execute(
            text(
                "SELECT email, first_name, last_name, city FROM contacts WHERE email IS NOT NULL"
                " ORDER BY sort_name, id LIMIT :n"
            ),
            {"n": count},
        ).all()
    return [
        {
            "EmailAddress": row.email.strip(),
            "Name": f"{row.first_name or ''} {row.last_name or ''}".strip(),
            "CustomFields": [
                {"Key": f"[{name}]", "Value": getattr(row, name)}
                for name in ("first_name", "last_name", "city")
            ],
            "ConsentToTrack": "No",
        }
        for row in found
    ]


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    apply_env(env)
    start_setup(args, env, piiri_executable())

    from nameko.runners import ServiceRunner
    from nameko.standalone.rpc import ClusterRpcProxy

    from piiri.config import database_url, load_config
    from piiri.db import make_engine
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService
    from services.mailing.service import MailingService
    from services.mailing.worker import MailingWorker

    engine = contacts_engine()
    url = database_url(load_config(), "contacts")
    group_id = seeded_group(engine, url, args.members, args.reuse, consented=95)
    config = load_config()
    with make_engine(database_url(config, "mailing"), pool_size=1).begin() as conn:
        conn.exec_driver_sql("TRUNCATE mailing_lists CASCADE")
    emulator, cm_settings = start_emulator()
    config.update(cm_settings, MAILING_RPC_TIMEOUT=600)
    runner, servers = None, []
    if args.in_process:
        runner = ServiceRunner(config)
        for cls in (ContactsService, AuditService, MailingService, MailingWorker):
            runner.add_service(cls)
        runner.start()
    else:
        env.update(
            {f"PIIRI_{key}": value for key, value in cm_settings.items()}, PIIRI_MAILING_RPC_TIMEOUT="600"
        )
        logs = Path("/tmp") / f"{args.prefix}-logs"
        servers = [
            Server([piiri_executable(), "run", "--services", name], env, logs / f"{name}.log").start()
            for name in ("contacts", "audit", "mailing", "mailing_worker")
        ]
        deadline = time.monotonic() + 120
        while not all(5672 in socket_ports(server.process.pid, "remote") for server in servers):
            if time.monotonic() > deadline or not all(server.alive() for server in servers):
                raise SystemExit("bench: the services did not start:\n" + servers[0].log_tail())
            time.sleep(0.2)
        ready_by(config, actor_context(), deadline)
    try:
        with ClusterRpcProxy(config, context_data=actor_context(), timeout=900) as cluster:
            mailing_list = cluster.mailing.create_list(
                {
                    "name": f"Uutiskirje {time.time():.0f}",
                    "purpose": "newsletter",
                    "source_kind": "group",
                    "source_id": str(group_id),
                    "include_subgroups": True,
                    "fields": FIELDS,
                }
            )
            print(f"Full sync of a {args.members:,}-member list", flush=True)
            watched = [("emulator", emulator.pid)] + [
                (server.args[-1], server.process.pid) for server in servers
            ]
            cpu_before = {name: cpu_seconds(pid) for name, pid in watched}
            started = time.perf_counter()
            run = cluster.mailing.start_sync(mailing_list["id"])
            while True:
                run = cluster.mailing.sync_run(run["id"])
                if run["status"] in ("done", "failed"):
                    break
                time.sleep(0.1)
            seconds = time.perf_counter() - started
            cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in watched}
        counts = run["counts"]
        if run["status"] != "done":
            raise SystemExit(f"bench: the sync {run['status']}: {run}")
        rate = counts["pushed"] / seconds
        bare = bare_import(cm_settings, rows_of(engine, counts["pushed"]))
    finally:
        if runner is not None:
            runner.stop()
        for server in servers:
            server.terminate()
        for server in servers:
            server.stop()
        emulator.terminate()
        emulator.wait(10)
    print(f"  audience {counts['audience']:,}, left out {counts['excluded']}, pushed {counts['pushed']:,}")
    print(f"  full sync end to end: {seconds:.1f} s = {rate:,.0f} subscribers/s")
    print("  CPU seconds during the sync: " + ", ".join(f"{name} {value:.1f}" for name, value in cpu.items()))
    print(f"  bare createsend import loop to the emulator: {bare:,.0f} subscribers/s")
    print(f"  ratio sync / bare: {rate / bare:.2f}")
    return verdict(args.smoke, f"{rate:,.0f} subscribers/s < {TARGET:,.0f}" if rate < TARGET else None)


if __name__ == "__main__":
    sys.exit(main())
