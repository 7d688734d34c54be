"""Issue 12 "audit at scale" / issue 18: how many audit records per second the audit consumers store, with
one and with two consumer processes, and how that compares with a bare INSERT of the same rows.

    .venv/bin/python bench/audit_bench.py                     # 100,000 records
    .venv/bin/python bench/audit_bench.py --records 20000
    .venv/bin/python bench/audit_bench.py --smoke             # 2,000 records (CI, pytest -m bench)
    .venv/bin/python bench/audit_bench.py --prefix piiri_h1_abench --vhost piiri_h1   # beside others

Target: **≥ 5,000 stored records/s with two audit consumers**, the chain one verifiable chain. Exit status 1
if it is missed (never with ``--smoke``).

What it does, for 1 and then 2 consumers:
1. Its own system: databases ``piiri_abench_*`` and vhost ``piiri_abench`` (``--smoke``:
   ``piiri_abench_smoke``; ``--prefix``, ``--vhost`` to choose others); ``piiri migrate --service
   audit``; the log emptied (TRUNCATE).
2. The chain head locked FOR UPDATE by the benchmark, then N consumer processes started
   (``piiri run --services audit``); once all N are attached to the audit queue, M signed records
   (``piiri.audit.audit_record`` with the signed context every service sends) are published to it. Each
   consumer takes a batch and waits for the head lock, so the clock starts with every consumer up and
   the queue full: releasing the lock starts it; it stops when the log holds M records.
3. ``piiri audit verify`` checks the chain (exit 1 if it does not verify).
4. The bare INSERT: the same M stored rows, copied into a scratch table with the same columns and indexes
   (no trigger, no chain logic, no broker), one INSERT executemany (psycopg pipelines it: one round trip)
   and one transaction per 500 rows: the statement the consumer sends, without the rest. (A literal
   500-row ``VALUES`` list was slower: SQLAlchemy compiles it anew each time, 877 rows/s at load 6.)
Prints records/s, the ratio of each to the bare INSERT, the load average, and the CPU time per record of
the consumer processes, of their PostgreSQL backends and of the local RabbitMQ node during the measured
interval, and their sum (from /proc: a figure that moves less with the other load on the machine than
records/s does; the broker's figure counts its other vhosts too, so read it on a quiet machine, and it is
left empty when the node is not on this machine). On 2 cores, 5,000 records/s needs the sum under 400 µs.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    apply_env,
    cpu_seconds,
    ensure_vhost,
    format_table,
    isolated_env,
    piiri_executable,
    run,
)

PREFIX, SMOKE_PREFIX = "piiri_abench", "piiri_abench_smoke"
TARGET_PER_SECOND = 5000
BARE_BATCH = 500
PUBLISH_CHUNK = 5000


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="records published per run (100,000)")
    parser.add_argument("--smoke", action="store_true", help="2,000 records, no target (CI)")
    parser.add_argument("--prefix", help=f"database prefix ({PREFIX}, with --smoke {SMOKE_PREFIX})")
    parser.add_argument("--vhost", help="RabbitMQ vhost (as --prefix; it is created if missing)")
    parser.add_argument(
        "--lock-times",
        action="store_true",
        help="also print how long the batches held the chain's head lock (per record, share of the time)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.records = 2000
    default = SMOKE_PREFIX if args.smoke else PREFIX
    args.prefix = args.prefix or default
    args.vhost = args.vhost or args.prefix
    return args


def audit_engine():
    from piiri.config import database_url, load_config
    from piiri.db import make_engine

    return make_engine(database_url(load_config(), "audit"), pool_size=2)


def empty_log(engine):
    from sqlalchemy import text

    from services.audit.chain import GENESIS

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_events, audit_chain_head, audit_chain_checkpoints"))
        conn.execute(
            text("INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, 0, :genesis)"),
            {"genesis": GENESIS},
        )


def stored(engine):
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text("SELECT last_seq FROM audit_chain_head WHERE id = 1")).scalar_one()


def records(count):
    """``count`` audit records like a contact list page's (one record, 25 contacts, a query)."""
    import uuid

    from piiri.audit import audit_record
    from piiri.context import Actor

    actor = Actor(id=str(uuid.uuid4()), username="bench", roles=("admin",), permissions=("contacts.view",))
    for number in range(count):
        yield audit_record(
            "contacts",
            "contact.listed",
            actor,
            str(uuid.uuid4()),
            "contact",
            [uuid.uuid4() for _ in range(25)],
            fields=("first_name", "last_name", "email"),
            details={"query": f"virtanen {number}", "returned": 25, "sort": "name"},
        )


def purge_queue(amqp_uri):
    from kombu import Connection

    from piiri.messaging import AUDIT_EXCHANGE, AUDIT_QUEUE

    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        AUDIT_EXCHANGE.bind(channel).declare()
        AUDIT_QUEUE.bind(channel).declare()
        AUDIT_QUEUE.bind(channel).purge()


def queue_state(amqp_uri):
    """(messages ready, consumers) of the audit queue."""
    from kombu import Connection

    from piiri.messaging import AUDIT_QUEUE

    with Connection(amqp_uri) as connection:
        ok = connection.channel().queue_declare(queue=AUDIT_QUEUE.name, passive=True)
        return ok.message_count, ok.consumer_count


def publish(amqp_uri, count):
    """``count`` signed records to the audit exchange; publisher confirms once per chunk, so this
    process does not bound the measurement."""
    from kombu import Connection, Producer

    from piiri import signing
    from piiri.messaging import AUDIT_EXCHANGE, context_headers

    headers = context_headers({}, signing.context_keys())
    with Connection(amqp_uri) as connection:
        producer = Producer(connection.channel(), exchange=AUDIT_EXCHANGE, serializer="json")
        for record in records(count):
            producer.publish(record, routing_key=record["action"], headers=headers, delivery_mode=2)


def cpu_seconds_of(pids):
    """User + system CPU seconds used so far by these processes (a vanished one counts 0)."""
    return sum(cpu_seconds(pid) for pid in pids)


def rabbitmq_pids():
    """The local RabbitMQ node's Erlang VM (beam.smp), if this machine runs it and /proc shows it: its
    CPU is the broker's share of a record (delivery, acks, the message store); other vhosts' traffic
    counts too, so it is a fair figure only on a quiet machine."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0", 1)[0]
            except OSError:
                continue
            if command.endswith(b"beam.smp"):
                pids.append(int(entry.name))
    return pids


def backend_pids(engine, own_pid):
    """The PostgreSQL backends connected to the audit database, but the benchmark's own."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return (
            conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> :own"),
                {"own": own_pid},
            )
            .scalars()
            .all()
        )


def wait(condition, what, timeout, servers=()):
    deadline = time.monotonic() + timeout
    while not condition():
        for server in servers:
            if not server.alive():
                raise SystemExit(f"bench: a consumer exited early:\n{server.log_tail()}")
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: gave up waiting for {what}")
        time.sleep(0.05)


def measure(args, env, engine, consumers):
    """(stored records/s, then the CPU µs per record of the consumers, of their PostgreSQL backends and of
    the local RabbitMQ node) of ``consumers`` audit consumer processes."""
    from sqlalchemy import text

    amqp_uri = env["PIIRI_AMQP_URI"]
    lock_times = Path(tempfile.gettempdir()) / f"{args.prefix}-lock-times-{consumers}.txt"
    lock_times.unlink(missing_ok=True)
    if args.lock_times:
        env = {**env, "PIIRI_AUDIT_LOCK_TIMES": str(lock_times)}
    empty_log(engine)
    purge_queue(amqp_uri)
    logs = Path(tempfile.gettempdir())
    servers = []
    with engine.connect() as lock:
        transaction = lock.begin()
        lock.execute(text("SELECT * FROM audit_chain_head WHERE id = 1 FOR UPDATE"))
        own_pid = lock.execute(text("SELECT pg_backend_pid()")).scalar_one()
        try:
            for number in range(consumers):
                server = Server(
                    [piiri_executable(), "run", "--services", "audit"],
                    env,
                    logs / f"{args.prefix}-audit-{consumers}-{number}.log",
                )
                servers.append(server.start())
            wait(lambda: queue_state(amqp_uri)[1] == consumers, "the consumers", 60, servers)
            started = time.perf_counter()
            publish(amqp_uri, args.records)
            print(f"  published {args.records:,} records: {time.perf_counter() - started:.1f} s", flush=True)
            # publish() closed its connection, so the broker has queued every record; let each
            # consumer take its first batch and wait for the head lock
            time.sleep(0.5)
            backends = backend_pids(engine, own_pid)  # each consumer's connections are open by now
            consumer_pids = [server.process.pid for server in servers]
            measured = (consumer_pids, backends, rabbitmq_pids())
            cpu_before = [cpu_seconds_of(pids) for pids in measured]
            started = time.perf_counter()
            transaction.commit()
            wait(lambda: stored(engine) >= args.records, "the records", 600, servers)
            elapsed = time.perf_counter() - started
            cpu_used = [
                (cpu_seconds_of(pids) - before) * 1e6 / args.records
                for pids, before in zip(measured, cpu_before, strict=True)
            ]
        finally:
            if transaction.is_active:
                transaction.rollback()
            for server in servers:
                server.stop()
    result = run(
        [piiri_executable(), "audit", "verify", "--no-checkpoint"], env, "piiri audit verify", check=False
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench: the chain does not verify after {consumers} consumer(s)")
    if args.lock_times:
        print_lock_times(lock_times, elapsed)
    return args.records / elapsed, *cpu_used


def print_lock_times(path, elapsed):
    """From the consumers' PIIRI_AUDIT_LOCK_TIMES lines (records, s waiting for the lock, s holding it):
    the head lock's share of the measured time and its time per record (the first batches' wait counts
    the benchmark's own hold, so waiting is left out)."""
    if not path.exists():
        print("  head lock: no times (this audit service does not write PIIRI_AUDIT_LOCK_TIMES)")
        return
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    records = sum(int(line[0]) for line in lines)
    held = sum(float(line[2]) for line in lines)
    print(
        f"  head lock: {len(lines)} batches of {records / len(lines):.0f} records on average, held"
        f" {held * 1e6 / records:.0f} µs per record, {held / elapsed:.0%} of the measured time",
        flush=True,
    )


def bare_insert(engine):
    """Rows/s of one INSERT executemany per BARE_BATCH stored rows into a scratch copy of audit_events."""
    from sqlalchemy import MetaData, Table, insert, text

    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS audit_bench_bare"))
        conn.execute(
            text("CREATE TABLE audit_bench_bare (LIKE audit_events INCLUDING DEFAULTS INCLUDING INDEXES)")
        )
    scratch = Table("audit_bench_bare", MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        rows = [
            dict(row._mapping) for row in conn.execute(text("SELECT * FROM audit_events ORDER BY chain_seq"))
        ]
    for row in rows:
        del row["seq"]
    started = time.perf_counter()
    for first in range(0, len(rows), BARE_BATCH):
        with engine.begin() as conn:
            conn.execute(insert(scratch), rows[first : first + BARE_BATCH])  # one pipelined executemany
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE audit_bench_bare"))
    return len(rows) / elapsed


def main(argv):
    args = parse_args(argv)
    env = isolated_env(args.prefix, args.vhost, "127.0.0.1:0")
    ensure_vhost(args.vhost)
    apply_env(env)
    run([piiri_executable(), "migrate", "--service", "audit"], env, "piiri migrate --service audit")
    engine = audit_engine()
    rates, cpu = {}, {}
    for consumers in (1, 2):
        print(f"{consumers} audit consumer(s), {args.records:,} records:", flush=True)
        rates[consumers], *cpu[consumers] = measure(args, env, engine, consumers)
    bare = bare_insert(engine)
    print()
    rows = [
        (
            f"{count} consumer{'s' if count > 1 else ''}",
            f"{rate:,.0f}",
            f"{rate / bare:.2f}",
            f"{cpu[count][0]:,.0f}",
            f"{cpu[count][1]:,.0f}",
            f"{cpu[count][2]:,.0f}" if cpu[count][2] else "",
            f"{sum(cpu[count]):,.0f}",
        )
        for count, rate in rates.items()
    ]
    rows.append((f"bare INSERT ({BARE_BATCH} rows per transaction)", f"{bare:,.0f}", "1.00", "", "", "", ""))
    headers = [
        "audit path",
        "records/s",
        "ratio to bare INSERT",
        "consumer CPU µs/record",
        "PostgreSQL CPU µs/record",
        "RabbitMQ CPU µs/record",
        "CPU µs/record in all",
    ]
    print(format_table(headers, rows, "lrrrrrr"))
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    engine.dispose()
    if not args.smoke and rates[2] < TARGET_PER_SECOND:
        print(f"MISSED: {rates[2]:,.0f} records/s with two consumers < {TARGET_PER_SECOND:,}")
        return 1
    print("chain verified after each run")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
