"""Issue 18: what the audit record of one read costs its service before the read may return, with each
record waiting for its own publisher confirm (nameko's ``Publisher``, ``use_confirms``: the way before)
and with pipelined confirms on one channel (``piiri.confirms.ConfirmingPublisher``, what
``piiri.audit.AuditTrail`` uses now). Both fail closed: a read returns only after its record is confirmed.

    .venv/bin/python bench/confirm_bench.py                 # 2,000 records per run
    .venv/bin/python bench/confirm_bench.py --smoke         # 200 (pytest -m bench)

For each publisher, one caller after another (sequential) and 16 callers at once (concurrent, as reads of
one service process are): wall milliseconds per read until confirmed, reads/s, and this process's CPU
milliseconds per read. The records are contact list pages (as bench/audit_bench.py publishes); they go to
the audit queue of the benchmark's own vhost ``piiri_cbench``, which no consumer reads: it is purged
before and after. Prints the load average.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import eventlet

eventlet.monkey_patch()

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.audit_bench import purge_queue, records  # noqa: E402
from bench.common import AMQP_SERVER, ensure_vhost, format_table  # noqa: E402

VHOST = "piiri_cbench"
CONCURRENCY = 16


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=2000, help="records per run (2,000)")
    parser.add_argument("--smoke", action="store_true", help="200 records (CI)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.records = 200
    return args


def per_record_confirms(amqp_uri):
    """The way before: nameko's Publisher, each publish waiting for its confirm (piiri.messaging)."""
    from piiri.messaging import audit_publisher

    publisher = audit_publisher(amqp_uri)

    def publish(record, headers):
        publisher.publish(record, routing_key=record["action"], extra_headers=headers)

    return publish, lambda: None


def pipelined_confirms(amqp_uri):
    from piiri.confirms import ConfirmingPublisher
    from piiri.messaging import AUDIT_EXCHANGE, AUDIT_QUEUE

    publisher = ConfirmingPublisher(amqp_uri, AUDIT_EXCHANGE, declare=(AUDIT_QUEUE,))

    def publish(record, headers):
        publisher.publish(
            record, routing_key=record["action"], headers=headers, message_id=record["event_id"]
        )

    return publish, publisher.close


def measure(publish, count, concurrency):
    """(wall ms per read, reads/s, CPU ms per read) of ``count`` confirmed publishes."""
    from piiri import signing
    from piiri.messaging import context_headers

    headers = context_headers({}, signing.context_keys())
    batch = list(records(count))
    publish(batch[0], headers)  # connect before the clock starts
    pool = eventlet.GreenPool(concurrency)
    latencies = []

    def one(record):
        started = time.perf_counter()
        publish(record, headers)
        latencies.append(time.perf_counter() - started)

    wall, cpu = time.perf_counter(), time.process_time()
    for _ in pool.imap(one, batch[1:]):
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    done = len(batch) - 1
    return sum(latencies) / done * 1000, done / wall, cpu / done * 1000


def main(argv):
    args = parse_args(argv)
    ensure_vhost(VHOST)
    amqp_uri = f"{AMQP_SERVER}/{VHOST}"
    os.environ["PIIRI_AMQP_URI"] = amqp_uri
    rows = []
    for name, make in (
        ("per-record confirm (before)", per_record_confirms),
        ("pipelined (now)", pipelined_confirms),
    ):
        for concurrency in (1, CONCURRENCY):
            purge_queue(amqp_uri)
            publish, close = make(amqp_uri)
            try:
                latency, rate, cpu = measure(publish, args.records, concurrency)
            finally:
                close()
            rows.append((name, str(concurrency), f"{latency:.2f}", f"{rate:,.0f}", f"{cpu:.3f}"))
            print(f"  {name}, {concurrency} at once: {latency:.2f} ms per read", flush=True)
    purge_queue(amqp_uri)
    print()
    print(
        format_table(
            ["publisher", "callers", "ms per read until confirmed", "reads/s", "CPU ms per read"],
            rows,
            "lrrrr",
        )
    )
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
