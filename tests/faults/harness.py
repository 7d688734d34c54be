"""The fault harness of issue 12: every service as two OS processes on a throwaway PostgreSQL and
RabbitMQ, a mixed load through the API, and meanwhile SIGKILLs of random service processes, one
RabbitMQ restart and one PostgreSQL crash-restart; afterwards nothing acknowledged may be lost.

    .venv/bin/python -m tests.faults.harness                 # the long run (make faults): 240 s, 6 kills
    .venv/bin/python -m tests.faults.harness --seconds 24 --kills 1   # the short one (the pytest test)

Exit status 0 when nothing was lost; the report (counts, lost per category) goes to stdout.
Everything it starts it stops, also on failure or Ctrl-C, and it removes its temp dir (``--keep``
keeps it, with every process's log, for a post-mortem).
"""

import argparse
import atexit
import random
import signal
import sys
import threading
import time

from tests.faults import checks
from tests.faults.infra import Infrastructure
from tests.faults.load import Load, get_token
from tests.faults.system import Cluster, piiri

USERNAME = "vikatesti"
PASSWORD = "vikatesti salasana 2026"


def log(message):
    print(f"[faults {time.strftime('%H:%M:%S')}] {message}", flush=True)


def chaos_plan(seconds, kills, rng):
    """[(at second, action)]: kills spread over the run, RabbitMQ at a third, PostgreSQL at two thirds."""
    plan = [(seconds / 3, "rabbitmq"), (2 * seconds / 3, "postgresql")]
    for number in range(kills):
        slot = seconds * (number + 0.5) / kills
        plan.append((max(3.0, min(seconds - 3, slot + rng.uniform(-0.1, 0.1) * seconds / kills)), "kill"))
    return sorted(plan)


def run_chaos(plan, infra, cluster, rng, started, events, stopping):
    for at, action in plan:
        if stopping.wait(max(0.0, started + at - time.monotonic())):
            return
        began = time.monotonic()
        if action == "kill":
            label = cluster.kill_random(rng)
            events.append(f"{at:5.0f}s kill -9 {label} (back in {time.monotonic() - began:.1f} s)")
        elif action == "rabbitmq":
            infra.rabbit.restart()
            events.append(f"{at:5.0f}s RabbitMQ restarted ({time.monotonic() - began:.1f} s)")
        elif action == "postgresql":
            infra.postgres.restart()
            events.append(f"{at:5.0f}s PostgreSQL crashed and restarted ({time.monotonic() - began:.1f} s)")
        log(events[-1].strip())


def run(seconds=60, kills=1, seed=None, keep=False, quiet_timeout=240):
    """One run of the harness; the checks.Report."""
    seed = seed if seed is not None else random.randrange(1_000_000)
    rng = random.Random(seed)
    report = checks.Report()
    report.counts["seed"] = seed
    infra = Infrastructure()
    cluster = None
    load = None
    closed = []

    def close():
        if closed:
            return
        closed.append(True)
        if load is not None:
            load.stop(timeout=60)
        if cluster is not None:
            cluster.stop()
        infra.close(keep=keep)

    atexit.register(close)
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        log(f"throwaway servers in {infra.root}")
        infra.start()
        log(f"PostgreSQL on {infra.postgres.port}, RabbitMQ node {infra.rabbit.node} on {infra.rabbit.port}")
        migrated = piiri(infra, "migrate")
        if migrated.returncode != 0:
            raise RuntimeError(f"piiri migrate failed: {migrated.stderr[-2000:]}")
        created = piiri(infra, "create-user", USERNAME, "--role", "admin", "--password", PASSWORD)
        if created.returncode != 0:
            raise RuntimeError(f"piiri create-user failed: {created.stderr[-2000:]}")
        checks.bind_event_queue(infra)  # before the first event
        cluster = Cluster(infra, infra.root)
        began = time.monotonic()
        cluster.start()
        log(f"{len(cluster.slots)} service processes started in {time.monotonic() - began:.0f} s")
        token = get_token(cluster.base_urls, USERNAME, PASSWORD, time.monotonic() + 60)

        load = Load(cluster.base_urls, token, seed)
        events = report.chaos
        stopping = threading.Event()
        started = time.monotonic()
        plan = chaos_plan(seconds, kills, rng)
        chaos = threading.Thread(
            target=run_chaos, args=(plan, infra, cluster, rng, started, events, stopping), daemon=True
        )
        load.start()
        chaos.start()
        chaos.join(timeout=seconds + 600)
        if chaos.is_alive():
            report.problems.append("harness: the chaos thread did not finish")
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        load.stop()
        stopping.set()
        log(f"load stopped after {time.monotonic() - started:.0f} s; waiting for the system to be quiet")
        left = checks.quiesce(infra, quiet_timeout)
        if left:
            report.problems.append(f"harness: not quiet after {quiet_timeout} s: {left}")
        checks.check(infra, load.ledger, report)
        report.counts["kills"] = len(cluster.kills)
        report.counts["broker restarts"] = infra.rabbit.restarts
        report.counts["database restarts"] = infra.postgres.restarts
        report.counts["unplanned process exits"] = len(cluster.unplanned_exits)
        report.counts["failed requests (faults)"] = dict(sorted(load.ledger.failures.items()))
        report.problems.extend(f"harness: {error}" for error in load.errors)
        report.problems.extend(f"exited on its own: {label}" for label in cluster.unplanned_exits)
        return report
    finally:
        close()
        atexit.unregister(close)
        signal.signal(signal.SIGTERM, previous)


def format_report(report):
    lines = ["chaos:"]
    lines += [f"  {event}" for event in report.chaos]
    lines.append("counts:")
    lines += [f"  {name}: {value}" for name, value in report.counts.items()]
    lines.append("lost: " + ", ".join(f"{name}={count}" for name, count in report.lost.items()))
    if report.problems:
        lines.append("problems:")
        lines += [f"  {problem}" for problem in report.problems]
    lines.append("RESULT: " + ("nothing lost" if report.ok else "LOSSES OR HARNESS PROBLEMS (above)"))
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=240, help="how long the load and faults run")
    parser.add_argument("--kills", type=int, default=6, help="SIGKILLs of random service processes")
    parser.add_argument("--seed", type=int, help="the random seed (printed in the report)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir with the logs")
    args = parser.parse_args(argv)
    report = run(args.seconds, args.kills, args.seed, keep=args.keep)
    print(format_report(report), flush=True)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
