"""Run the whole test suite as two pytest processes side by side (what `make test` does).

Most of the suite waits on the broker, the databases, Chromium and subprocesses, so one pytest
process keeps two cores half idle (18 minutes on the 2-core CI machine). pytest-xdist cannot be used:
its workers talk to the controller through execnet threads, which eventlet's monkey patching (every
test process needs it for Nameko) deadlocks. So this script shards by test file instead: it collects
the test ids, gives each file a weight (its number of tests times what a test of its kind costs),
splits the files into two shards of about equal weight (largest first), and runs each shard in its own
pytest process with its own databases (``piiri_test_s0_*``, ``piiri_test_s1_*``) and RabbitMQ vhost
(``piiri_test_s0``, ``piiri_test_s1``). Each shard's output is shown when it ends; the exit status is
the first failing shard's, or 0.

    .venv/bin/python scripts/test_shards.py            # the whole suite
    .venv/bin/python scripts/test_shards.py -x -k i1   # options go to both pytest processes
    .venv/bin/python scripts/test_shards.py tests/e2e  # paths choose what is collected and shared out
    .venv/bin/python scripts/test_shards.py --record   # the whole suite, then rewrite scripts/test_costs.json

A file's weight is what it cost in the last recorded run (scripts/test_costs.json: seconds per file, from
each shard's JUnit XML); a file that is not there yet is weighed by its kind (COST_BY_PLACE, COST_BY_NAME).
Record again after adding or changing heavy tests, on a quiet machine.
"""

import json
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest"]
COSTS = ROOT / "scripts" / "test_costs.json"  # {file: seconds} of the last recorded run
SHARDS = 2
# Seconds a test of each kind costs, roughly (measured on the 2-core CI machine; only the ratios matter).
COST_BY_PLACE = (
    ("tests/browser/", 6.0),
    ("tests/e2e/", 2.0),
    ("tests/integration/test_", 2.0),
    ("", 0.1),  # unit tests beside the services and in tests/unit
)
# Benchmarks and the fault harness run as subprocesses; the first name a path contains wins (the load bench
# starts ten processes and drives 14 wrk runs: ~100 s; the fault harness 14 service processes, ~3 minutes).
COST_BY_NAME = (
    ("load_bench_smoke", 100.0),
    ("audit_bench_smoke", 45.0),
    ("bench_smoke", 40.0),
    ("floor_smoke", 10.0),
    ("test_api_fuzz", 25.0),  # ~560 generated requests
    ("tests/faults/", 90.0),
)


def test_files(extra):
    """{file: number of tests} of what pytest would run with ``extra``."""
    result = subprocess.run(
        [*PYTEST, "--collect-only", "-q", *extra], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode not in (0, 5):  # 5: no tests collected
        sys.stdout.write(result.stdout + result.stderr)
        raise SystemExit(result.returncode)
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    return Counter(line.split("::", 1)[0] for line in ids)


def measured_costs(path=COSTS):
    """{file: seconds} of the last recorded run, or {} without one."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}


def weight(path, tests, costs=None):
    """Seconds the file is expected to take: measured if recorded, else by the kind of its tests."""
    if costs and path in costs:
        return costs[path]
    for name, cost in COST_BY_NAME:
        if name in path:
            return tests * cost
    return tests * next(cost for place, cost in COST_BY_PLACE if path.startswith(place))


def split(files, shards=SHARDS, costs=None):
    """Files into ``shards`` lists of about equal weight: each file, heaviest first, to the lightest."""
    loads = [[0.0, []] for _ in range(shards)]
    for path, tests in sorted(files.items(), key=lambda item: (-weight(*item, costs), item[0])):
        lightest = min(loads, key=lambda load: load[0])
        lightest[0] += weight(path, tests, costs)
        lightest[1].append(path)
    return [sorted(paths) for _, paths in loads]


def costs_from_junit(reports):
    """{file: seconds} summed over the test cases of JUnit XML reports (xunit1: each case names its file;
    a case's time is its set-up, call and tear-down)."""
    seconds = defaultdict(float)
    for report in reports:
        for case in ElementTree.parse(report).getroot().iter("testcase"):
            if case.get("file"):
                seconds[case.get("file")] += float(case.get("time") or 0)
    return {path: round(total, 1) for path, total in sorted(seconds.items())}


def shard_env(number):
    # PIIRI_SHARD_PREFIX keeps two checkouts testing at once on one machine apart (own databases and vhosts)
    name = f"{os.environ.get('PIIRI_SHARD_PREFIX', 'piiri_test_s')}{number}"
    return {
        "PIIRI_SCREENSHOTS": "off",  # the browser tests' screenshots: for a person looking, not for CI
        **os.environ,
        "PIIRI_DATABASE_PREFIX": name,
        "PIIRI_AMQP_URI": f"pyamqp://guest:guest@127.0.0.1:5672/{name}",
    }


def main(argv):
    record = "--record" in argv
    argv = [arg for arg in argv if arg != "--record"]
    files = test_files(argv)
    options = [arg for arg in argv if not (ROOT / arg.split("::", 1)[0]).exists()]  # paths are in ``files``
    if not files:
        print("test_shards: no tests collected")
        return 5
    costs = measured_costs()
    started = time.monotonic()
    running = []
    with tempfile.TemporaryDirectory(prefix="piiri-shards-") as folder:
        for number, paths in enumerate(split(files, costs=costs)):
            if not paths:
                continue
            log = open(Path(folder) / f"shard{number}.log", "w+")  # noqa: SIM115 (read after the run)
            xml = ["--junitxml", f"{folder}/shard{number}.xml", "-o", "junit_family=xunit1"]
            junit = xml if record else []
            command = [*PYTEST, "-q", "-p", "no:cacheprovider", *junit, *options, *paths]
            process = subprocess.Popen(command, cwd=ROOT, env=shard_env(number), stdout=log, stderr=log)
            running.append((number, len(paths), process, log))
            expected = sum(weight(path, files[path], costs) for path in paths)
            tests = sum(files[p] for p in paths)
            print(f"shard {number}: {len(paths)} files, {tests} tests, ~{expected:.0f} s", flush=True)
        status = 0
        for number, count, process, log in running:
            code = process.wait()
            log.seek(0)
            print(f"\n===== shard {number} ({count} files): exit {code} =====", flush=True)
            sys.stdout.write(log.read())
            log.close()
            status = status or code
        if record:
            reports = [Path(folder) / f"shard{number}.xml" for number, *_ in running]
            merged = {**costs, **costs_from_junit(report for report in reports if report.exists())}
            recorded = {path: cost for path, cost in merged.items() if (ROOT / path).is_file()}
            COSTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
            print(f"test_shards: the cost of {len(recorded)} files written to {COSTS.relative_to(ROOT)}")
    print(f"\ntest_shards: {len(running)} shards in {time.monotonic() - started:.0f} s, exit {status}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
