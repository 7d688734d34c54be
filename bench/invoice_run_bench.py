#!/usr/bin/env python
"""B1/B2 benchmark: a mass invoice run with PDFs. N contacts (seeded with COPY) in one group, a membership
fee run started through the API (gateway -> billing -> the run queue), two billing workers as separate
processes (`piiri run --services billing_worker`, real broker and database) that issue the invoices and
make and store every invoice's PDF. Target: 50,000 invoices with their PDFs stored in 60 s.

    .venv/bin/python bench/invoice_run_bench.py                  # 50,000 contacts -> 50,000 invoices
    .venv/bin/python bench/invoice_run_bench.py --bare-sample 5000  # bare loop on 5,000, scaled up
    .venv/bin/python bench/invoice_run_bench.py --smoke          # 200 invoices, no target (CI)
    .venv/bin/python bench/invoice_run_bench.py --render-only 2000  # CPU ms per PDF, no services

--render-only renders generated invoices (varied names, numbers, languages) in this process, nothing
else: the figure each rendering change was measured with (bench/README.md).

Timed: from POST /api/v1/billing/runs to the run done and every PDF stored (GET run: pdfs.done = total),
with the moment the last invoice was issued; the CPU seconds (from /proc) of the workers, of the
services' process and of the PostgreSQL backends connected to the benchmark's databases. Then the bare
loop: the same invoices read back and rendered with documents/pdf.py in this one process, nothing stored.
Printed: the run's seconds, the bare loop's seconds and CPU ms per PDF, the ratio of the run to the bare
loop and to the bare loop shared by the workers (bare / workers: what two cores could do at best).
Own databases (piiri_runbench_*), vhost (piiri_runbench) and port 8116; --smoke: piiri_runbench_smoke_*,
vhost piiri_runbench_smoke, port 8115; --prefix, --vhost and --port give others (two runs on one machine
must not share them). Exit status 1 when the target is missed (never with --smoke).
"""

import argparse
import os
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    AMQP_SERVER,
    Server,
    apply_env,
    contacts_engine,
    ensure_admin,
    isolated_env,
    piiri_executable,
    port_in_use,
    run,
    scalar,
    start_setup,
    token_for,
    wait_for_health,
)

PREFIX, VHOST, PORT = "piiri_runbench", "piiri_runbench", 8116
SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT = "piiri_runbench_smoke", "piiri_runbench_smoke", 8115
TARGET_SECONDS = 60.0
IBAN = "FI2112345600000785"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--invoices", type=int, default=50_000, help="contacts = invoices (default 50,000)")
    parser.add_argument("--workers", type=int, default=2, help="billing worker processes (default 2)")
    parser.add_argument(
        "--bare-sample", type=int, default=0, help="render only this many in the bare loop and scale up"
    )
    parser.add_argument("--smoke", action="store_true", help="200 invoices, no target")
    parser.add_argument("--render-only", type=int, default=0, metavar="N", help="only render N PDFs")
    parser.add_argument(
        "--prefix", help=f"database prefix (default {PREFIX}; --smoke: {SMOKE_PREFIX}); emptied and reseeded"
    )
    parser.add_argument("--vhost", help=f"RabbitMQ vhost (default {VHOST}; --smoke: {SMOKE_VHOST})")
    parser.add_argument(
        "--port", type=int, help=f"the services' HTTP port (default {PORT}; --smoke: {SMOKE_PORT})"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.invoices = 200
    defaults = (SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT) if args.smoke else (PREFIX, VHOST, PORT)
    args.prefix = args.prefix or defaults[0]
    args.vhost = args.vhost or defaults[1]
    args.port = args.port or defaults[2]
    if not re.fullmatch(r"[a-z][a-z0-9_]*", args.prefix):
        parser.error("--prefix: lower-case letters, digits and _ only")
    return args


def billing_engine():
    from piiri.config import database_url, load_config
    from piiri.db import make_engine

    return make_engine(database_url(load_config(), "billing"), pool_size=1)


def seed_contacts(piiri, env, engine, count):
    """``count`` contacts by COPY (`piiri seed`), every one with a postal address and alive: each gets
    an invoice on paper."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE contacts, groups CASCADE"))
    run([piiri, "seed", "--contacts", str(count)], env, f"piiri seed --contacts {count:,}")
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE contacts SET street = coalesce(street, 'Mannerheimintie 1'),"
                " postal_code = coalesce(postal_code, '00100'), city = coalesce(city, 'Helsinki'),"
                " deceased_on = NULL WHERE street IS NULL OR postal_code IS NULL OR city IS NULL"
                " OR deceased_on IS NOT NULL"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) contacts")
    print(f"  every contact with an address: {time.perf_counter() - started:.1f} s", flush=True)


def empty_billing(engine):
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE invoice_pdfs, invoices, invoice_runs, fee_types, outbox CASCADE"))
        conn.execute(text("DELETE FROM number_counters"))


def add_members(engine, group_id):
    """Every contact into the group in one INSERT ... SELECT (the group's counts follow by trigger), then
    ANALYZE of the memberships, as seed_contacts analyses the contacts: the development machine's
    PostgreSQL runs without autovacuum, so the payer pages would be planned on a table never analysed."""
    from sqlalchemy import text

    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO memberships (group_id, contact_id) SELECT :group, id FROM contacts"),
            {"group": group_id},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE memberships")  # as autovacuum would (it may be off: seed_contacts)
    print(f"  every contact into the group: {time.perf_counter() - started:.1f} s", flush=True)


def consumers(vhost, queue_name):
    from kombu import Connection

    with Connection(f"{AMQP_SERVER}/{vhost}") as conn:
        return conn.default_channel.queue_declare(queue_name, passive=True).consumer_count


def wait_for_workers(vhost, count, workers, timeout=90):
    from services.billing.contract import PDF_QUEUE_NAME, RUN_QUEUE_NAME

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for worker in workers:
            if not worker.alive():
                raise SystemExit(f"bench: a billing worker exited early:\n{worker.log_tail()}")
        try:
            if consumers(vhost, RUN_QUEUE_NAME) >= count and consumers(vhost, PDF_QUEUE_NAME) >= count:
                return
        except Exception:  # the queue is declared by the first worker
            pass
        time.sleep(0.25)
    raise SystemExit("bench: the billing workers did not start consuming")


def cpu_seconds(pid):
    """User + system CPU seconds of a process and its children that were waited for (/proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(value) for value in fields[11:15]) / ticks


def backend_pids(engine, prefix):
    """The PostgreSQL backends connected to this benchmark's databases (their CPU is the run's too):
    ``<prefix>_<service>`` exactly, so not the --smoke run's ``<prefix>_smoke_<service>`` (LIKE
    '<prefix>_%' matched those too), nor this query's own backend."""
    from sqlalchemy import text

    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname ~ :pattern AND pid <> pg_backend_pid()"),
            {"pattern": f"^{re.escape(prefix)}_[a-z]+$"},
        )
        return [row.pid for row in rows]


def cpu_of(pids):
    """{pid: CPU seconds} of the processes still there."""
    found = {}
    for pid in pids:
        try:
            found[pid] = cpu_seconds(pid)
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            pass
    return found


def follow(http, base_url, run_id, timeout):
    """Poll the run until done and every PDF stored; (seconds to the last invoice, to the last PDF, run)."""
    started = time.perf_counter()
    issued = None
    while time.perf_counter() - started < timeout:
        response = http.get(f"{base_url}/api/v1/billing/runs/{run_id}", timeout=30)
        response.raise_for_status()
        found = response.json()
        if found["status"] == "failed":
            raise SystemExit(f"bench: the run failed: {found.get('error')}")
        if found["status"] == "done" and issued is None:
            issued = time.perf_counter()
        pdfs = found.get("pdfs") or {}
        if issued and pdfs.get("total") and pdfs["done"] + pdfs["failed"] == pdfs["total"]:
            return issued, time.perf_counter(), found
        time.sleep(0.2)
    raise SystemExit(f"bench: the run was not finished within {timeout} s")


def bare_loop(engine, sample):
    """Render the run's invoices (or the first ``sample``) with pdf.render in this process: (wall
    seconds, CPU seconds, how many)."""
    from sqlalchemy import text

    from piiri.config import load_config
    from services.billing.documents import pdf
    from services.billing.invoice_pdfs import storage
    from services.billing.settings import from_config

    settings = from_config(load_config())
    with engine.connect() as conn:
        query = "SELECT * FROM invoices ORDER BY number" + (f" LIMIT {int(sample)}" if sample else "")
        rows = [dict(row) for row in conn.execute(text(query)).mappings()]
    from sqlalchemy.orm import Session

    with Session(engine) as session:
        lines = {}
        for start in range(0, len(rows), 5000):
            lines.update(storage.lines_of(session, [row["id"] for row in rows[start : start + 5000]]))
    wall, cpu = time.perf_counter(), time.process_time()
    for row in rows:
        pdf.render(row, lines[row["id"]], settings)
    return time.perf_counter() - wall, time.process_time() - cpu, len(rows)


def render_only(count):
    """CPU ms per invoice PDF of ``count`` generated invoices, no services, nothing stored."""
    import uuid
    from datetime import date, timedelta

    from services.billing.documents import pdf
    from services.billing.invoices import rules
    from services.billing.references import rules as references
    from services.billing.settings import from_config
    from services.billing.vat.rules import BUILTIN_RATES

    settings = from_config(
        {"BILLING_IBAN": IBAN, "BILLING_BIC": "NDEAFIHH", "BILLING_PAYEE_NAME": "Yhdistys ry"}
    )
    lines = rules.priced_lines(
        [{"description": "Jäsenmaksu 2027", "unit_price": "35.00"}], list(BUILTIN_RATES), date(2027, 1, 15)
    )
    invoices = []
    for index in range(count):
        reference = references.national(1000 + index)
        invoices.append(
            {
                "id": uuid.uuid4(),
                "number": 1000 + index,
                "kind": "invoice",
                "payer_name": f"Henkilö{index} {'Virtanen-Åström' if index % 3 else 'Meikäläinen'}",
                "street": f"Mannerheimintie {index % 200} A {index % 40}",
                "postal_code": f"{index % 99999:05d}",
                "city": "Helsinki",
                "language": ("fi", "sv", "en")[index % 3],
                "invoice_date": date(2027, 1, 15),
                "due_date": date(2027, 1, 15) + timedelta(days=14 + index % 7),
                "reference": reference,
                "rf_reference": references.rf(reference),
                **rules.totals_of(lines),
            }
        )
    pdf.render(invoices[0], lines, settings)  # fonts registered
    size, wall, cpu = 0, time.perf_counter(), time.process_time()
    for invoice in invoices:
        size += len(pdf.render(invoice, lines, settings))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print("PDFs\tCPU ms per PDF\twall ms per PDF\taverage kB")
    print(f"{count}\t{cpu / count * 1000:.2f}\t{wall / count * 1000:.2f}\t{size / count / 1024:.1f}")


def main(argv=None):
    warnings.filterwarnings("ignore")
    args = parse_args(argv)
    if args.render_only:
        render_only(args.render_only)
        return 0
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    env.update(
        PIIRI_BILLING_IBAN=IBAN,
        PIIRI_BILLING_BIC="NDEAFIHH",
        PIIRI_BILLING_PAYEE_NAME="Esimerkkiyhdistys ry",
        PIIRI_BILLING_PAYEE_BUSINESS_ID="1234567-8",
    )
    apply_env(env)
    piiri = piiri_executable()
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: port {args.port} is in use")
    start_setup(args, env, piiri)
    contacts = contacts_engine()
    billing = billing_engine()
    empty_billing(billing)
    seed_contacts(piiri, env, contacts, args.invoices)
    ensure_admin(piiri, env)

    logs = Path(tempfile.mkdtemp(prefix="piiri-run-bench-"))
    server = Server([piiri, "run", "--services", "contacts,audit,gateway,billing"], env, logs / "run.log")
    workers = [
        Server([piiri, "run", "--services", "billing_worker"], env, logs / f"worker{index}.log")
        for index in range(args.workers)
    ]
    server.start()
    failed = False
    try:
        wait_for_health(f"http://127.0.0.1:{args.port}", server)
        for worker in workers:
            worker.start()
        import requests

        base_url = f"http://127.0.0.1:{args.port}"
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token_for(base_url)}"
        group = http.post(f"{base_url}/api/v1/groups", json={"name": "Jäsenet 2027"}, timeout=30)
        group.raise_for_status()
        add_members(contacts, group.json()["id"])
        fee = http.post(
            f"{base_url}/api/v1/billing/fee-types",
            json={"name": "Jäsenmaksu 2027", "amount": "35.00", "vat_class": "none", "account": "3010"},
            timeout=30,
        )
        fee.raise_for_status()
        wait_for_workers(args.vhost, args.workers, workers)
        cpu_before = [cpu_seconds(worker.process.pid) for worker in workers]
        server_before = cpu_seconds(server.process.pid)
        database_before = cpu_of(backend_pids(billing, args.prefix))
        print(f"  {args.workers} billing workers consuming; the run starts", flush=True)

        started = time.perf_counter()
        response = http.post(
            f"{base_url}/api/v1/billing/runs",
            json={
                "fee_type_id": fee.json()["id"],
                "selection": {"kind": "group", "id": group.json()["id"]},
                "invoice_date": "2027-01-15",
                "due_date": "2027-02-15",
            },
            timeout=60,
        )
        if response.status_code not in (200, 201, 202):
            raise SystemExit(f"bench: starting the run -> {response.status_code}: {response.text[:500]}")
        issued, finished, found = follow(http, base_url, response.json()["id"], timeout=3600)
        seconds, issue_seconds = finished - started, issued - started
        worker_cpu = [
            cpu_seconds(w.process.pid) - before for w, before in zip(workers, cpu_before, strict=True)
        ]
        server_cpu = cpu_seconds(server.process.pid) - server_before
        database_cpu = sum(
            seconds - database_before.get(pid, 0.0)
            for pid, seconds in cpu_of(backend_pids(billing, args.prefix)).items()
        )
        stored = scalar(billing, "SELECT count(*) FROM invoice_pdfs WHERE pdf IS NOT NULL")
        invoices = scalar(billing, "SELECT count(*) FROM invoices")
        size = scalar(billing, "SELECT coalesce(avg(length(pdf)), 0) FROM invoice_pdfs")
        if invoices != args.invoices or stored != invoices or found["pdfs"]["failed"]:
            raise SystemExit(f"bench: {invoices:,} invoices, {stored:,} PDFs stored, run {found}")

        print(f"  the bare loop: rendering {args.bare_sample or invoices:,} PDFs in one process", flush=True)
        bare_wall, bare_cpu, rendered = bare_loop(billing, args.bare_sample)
        scale = invoices / rendered
        bare_wall, bare_cpu = bare_wall * scale, bare_cpu * scale
        per_pdf = bare_cpu / invoices * 1000
        ideal = bare_wall / args.workers
        ok = seconds <= TARGET_SECONDS
        cores = os.cpu_count() or 1
        print(f"\n{invoices:,} invoices and PDFs, {args.workers} billing workers, {cores} cores (shared)\n")
        print("what\tseconds\tPDFs/s\tratio")
        print(
            f"run: start to every PDF stored\t{seconds:.1f}\t{invoices / seconds:,.0f}\t"
            f"{seconds / bare_wall:.2f} x bare, {seconds / ideal:.2f} x bare/{args.workers}\t"
            f"<={TARGET_SECONDS:.0f} s {'ok' if ok else 'MISSED'}"
        )
        print(f"  of which: start to the last invoice issued\t{issue_seconds:.1f}")
        print(
            f"bare loop, 1 process{' (scaled from ' + format(rendered, ',') + ')' if scale != 1 else ''}\t"
            f"{bare_wall:.1f}\t{invoices / bare_wall:,.0f}\t1.00"
        )
        print(f"bare loop shared by {args.workers} cores (ideal)\t{ideal:.1f}\t{invoices / ideal:,.0f}\t")
        print(
            f"\nbare CPU per PDF {per_pdf:.2f} ms; workers' CPU {sum(worker_cpu):.1f} s "
            f"({', '.join(f'{value:.1f}' for value in worker_cpu)}), "
            f"{sum(worker_cpu) / invoices * 1000:.2f} ms per invoice with its PDF; "
            f"average PDF {size / 1024:.1f} kB"
        )
        total_cpu = sum(worker_cpu) + server_cpu + database_cpu
        print(
            f"services' CPU (contacts, audit, gateway, billing) {server_cpu:.1f} s; PostgreSQL backends "
            f"{database_cpu:.1f} s; all but the broker {total_cpu:.1f} s = "
            f"{total_cpu / invoices * 1000:.2f} ms per invoice "
            f"(60 s on 2 cores: under {2 * TARGET_SECONDS / invoices * 1000:.2f})"
        )
        failed = not ok
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.stop()
        server.stop()
    if failed and not args.smoke:
        print(f"missed the target of {TARGET_SECONDS:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
