"""I1 import benchmark (issue 17): a generated N-row x 20-column .xlsx imported through the API into a
database that already holds M contacts, with one and with two import workers; prints the insert floor of
the same database (bench/insert_floor.py: one backend inserting contacts with every index and trigger),
rows/s end to end (upload, mapping, validation of every row, commit), each as a share of the floor, and
two workers' rate over one worker's.

    .venv/bin/python bench/import_bench.py                       # 100,000 rows into 1,000,000 contacts
    .venv/bin/python bench/import_bench.py --contacts 100000 --rows 20000 --reuse
    .venv/bin/python bench/import_bench.py --smoke               # 1,000 contacts, 300 rows (CI)

The services run as deploy/compose.yml runs them (--layout compose, the default): contacts x2, audit x2,
gateway and imports each in its own `piiri run --services X` process, the import workers beside them;
--layout one puts contacts, audit, gateway and imports in one process (`piiri run` as on a laptop;
the default of --smoke, which CI runs: fewer processes to start).
While each import runs, the benchmark also watches it every half second: GET /health's answer time, the
resident memory (VmRSS) of every process, and the job's progress (rows validated, then committed), and
prints the slowest /health, each process's memory growth after the first tenth of the rows, and the
longest time the progress did not move (issue 17: a 1,000,000-row file with flat memory, a moving
progress bar and /health within 1 s throughout: `--rows 1000000 --workers 1`).

Own databases (piiri_ibench_*), vhost (piiri_ibench) and port (8105); --smoke uses piiri_ibench_smoke_*,
vhost piiri_ibench_smoke, port 8106; --prefix/--port for a run beside another. Targets: one worker >= 75 %
of the floor end to end, two workers >= 1.5 times one worker.
"""

import argparse
import os
import random
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    apply_env,
    contacts_engine,
    cpu_seconds,
    ensure_admin,
    format_table,
    isolated_env,
    memory_kb,
    piiri_executable,
    port_in_use,
    reseed_contacts,
    start_setup,
    token_for,
    wait_for_health,
)
from services.contacts.demo_data import FI_FEMALE, FI_MALE, FI_SURNAMES, ascii_fold  # noqa: E402

PREFIX, VHOST, PORT = "piiri_ibench", "piiri_ibench", 8105
SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT = "piiri_ibench_smoke", "piiri_ibench_smoke", 8106
FLOOR_SHARE, SPEEDUP = 0.75, 1.5  # issue 17's targets
HEADERS = (
    "Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Lähiosoite", "Postinumero", "Postitoimipaikka",
    "Syntymäaika", "Titteli", "Kieli", "Sukupuoli", "Tunnisteet", "Lisätiedot", "Toinen nimi",
    "Kutsumanimi", "Kotisivu", "Työsähköposti", "Matkapuhelin", "Maa", "Arvonimi",
)  # fmt: skip
CITIES = (("00100", "Helsinki"), ("33100", "Tampere"), ("20100", "Turku"), ("90100", "Oulu"))
# the services an import uses, as deploy/compose.yml runs them (its replicas); the workers come on top
LAYOUTS = {
    "compose": (("contacts", 2), ("audit", 2), ("gateway", 1), ("imports", 1)),
    "one": (("contacts,audit,gateway,imports", 1),),
}
WATCH_SECONDS = 0.5  # how often the watch samples /health, memory and progress
HEALTH_LIMIT = 1.0  # issue 17: /health answers within 1 s throughout


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--contacts", type=int, default=1_000_000, help="contacts in the database (1,000,000)"
    )
    parser.add_argument("--rows", type=int, default=100_000, help="rows in the generated .xlsx (100,000)")
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, e.g. 1,2")
    parser.add_argument(
        "--floor-rows", type=int, default=10_000, help="contacts the insert floor inserts (10,000)"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the seeded contacts if there are N")
    parser.add_argument("--smoke", action="store_true", help="1,000 contacts, 300 rows, 1 worker (CI)")
    parser.add_argument(
        "--prefix", default=PREFIX, help=f"database prefix and vhost ({PREFIX}; another for a parallel run)"
    )
    parser.add_argument("--port", type=int, default=PORT, help=f"HTTP port ({PORT})")
    parser.add_argument(
        "--layout", choices=sorted(LAYOUTS), help="the services' processes (compose; --smoke: one)"
    )
    args = parser.parse_args(argv)
    args.vhost = args.prefix
    if args.smoke:
        args.contacts, args.rows, args.workers = 1000, 300, "1"
        args.prefix, args.vhost, args.port = SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT
    args.layout = args.layout or ("one" if args.smoke else "compose")
    args.worker_counts = [int(part) for part in args.workers.split(",") if part.strip()]
    return args


def row(index, tag=""):
    """One member, the same for the same index and tag: a first name and a double surname from the demo data's
    Finnish names (so new names fall all over the contacts' sort order and indexes, as a real member
    list does, not into one corner of them), a birth date, two e-mails (made unique by ``tag``) and two
    phones, a Finnish address."""
    rng = random.Random(f"{tag}:{index}")
    first = rng.choice(FI_FEMALE if index % 2 else FI_MALE)
    last = f"{rng.choice(FI_SURNAMES)}-{rng.choice(FI_SURNAMES)}"
    local = f"{ascii_fold(first)}.{ascii_fold(last)}.{index}{tag}"
    code, city = CITIES[index % len(CITIES)]
    born = f"{rng.randrange(1, 29)}.{rng.randrange(1, 13)}.{rng.randrange(1930, 2006)}"
    return (
        first, last, f"{local}@example.fi", f"040{rng.randrange(10_000_000):07d}", f"Kuja {index % 200 + 1}",
        code, city, born, "Asiantuntija", "suomi", "nainen" if index % 2 else "mies", "tuonti, bench",
        f"Rivi {index}", "Tapio", first, "piiri.example.fi", f"{local}@tyo.example.org",
        f"050{rng.randrange(10_000_000):07d}", "FI", "",
    )  # fmt: skip


def write_xlsx(path, rows, tag=""):
    """The benchmark file with openpyxl's write-only mode; returns seconds."""
    from openpyxl import Workbook

    started = time.perf_counter()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Jäsenet")
    sheet.append(HEADERS)
    for index in range(rows):
        sheet.append(row(index, tag))
    workbook.save(path)
    return time.perf_counter() - started


def prepare(args, env, piiri):
    from sqlalchemy import text

    start_setup(args, env, piiri)
    engine = contacts_engine()
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
    if args.reuse and count >= args.contacts:
        print(f"  --reuse: {count:,} contacts already there")
    else:
        reseed_contacts(piiri, env, engine, args.contacts)
    ensure_admin(piiri, env)
    return engine


class Watch(threading.Thread):
    """What a user and an operator see while an import runs, sampled every WATCH_SECONDS in a thread of
    the benchmark: GET /health's answer time (a load balancer's poll), the resident memory of each
    process (``processes``: {name: pid}), and the job's progress as its page shows it (rows validated,
    then committed: ``progress(job)`` is called by ``wait`` with every job it reads)."""

    def __init__(self, base_url, processes, rows, snapshot=None):
        super().__init__(daemon=True)
        self.base_url, self.processes, self.rows = base_url, processes, rows
        self.snapshot = snapshot  # what ``validated`` keeps when the job is first seen validated
        self.validated = None
        self.stopping = threading.Event()
        self.health = []  # (seconds, status code or exception name)
        self.memory = {name: [] for name in processes}  # name: [(rows done, kB)]
        self.done = 0  # rows validated + rows committed, as last read
        self.moves = []  # (monotonic time, rows done) at the first job read and whenever the progress changed

    def run(self):
        import requests

        while True:
            began = time.perf_counter()
            try:
                status = requests.get(f"{self.base_url}/health", timeout=30).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            self.health.append((time.perf_counter() - began, status))
            for name, pid in self.processes.items():
                self.memory[name].append((self.done, memory_kb(pid)))
            if self.stopping.wait(WATCH_SECONDS):
                return

    def progress(self, job):
        done = (job.get("validated_rows") or 0) + (job.get("committed_rows") or 0)
        now = time.monotonic()
        if not self.moves:  # the first job read: where the stand-stills are counted from
            self.moves.append((now, done))
        if done != self.done:
            self.done = done
            self.moves.append((now, done))
        if job.get("status") == "validated" and self.validated is None and self.snapshot:
            self.validated = self.snapshot()

    def stop(self):
        self.stopping.set()
        self.join(timeout=60)

    def longest_stall(self, finished):
        """The longest time (s) the progress did not move, from the validation's start to ``finished``."""
        times = [moment for moment, _ in self.moves] + [finished]
        return max((b - a for a, b in zip(times, times[1:], strict=False)), default=0.0)

    def report(self, finished):
        """Lines to print: /health, memory per process, progress."""
        answers = sorted(seconds for seconds, _ in self.health)
        failed = [status for _, status in self.health if status != 200]
        slow = sum(1 for seconds in answers if seconds > HEALTH_LIMIT)
        lines = []
        if answers:
            p99 = answers[min(len(answers) - 1, int(len(answers) * 0.99))]
            lines.append(
                f"    /health: {len(answers)} polls, p99 {p99 * 1000:.0f} ms,"
                f" slowest {answers[-1] * 1000:.0f} ms, {slow} over {HEALTH_LIMIT:.0f} s,"
                f" {len(failed)} not 200"
                f"{' (' + ', '.join(sorted({str(f) for f in failed})) + ')' if failed else ''}"
            )
        tenth = 2 * self.rows // 10  # rows are counted twice: validated, then committed
        for name, samples in self.memory.items():
            sizes = [kb for _, kb in samples if kb]
            if not sizes:
                continue
            settled = [kb for done, kb in samples if done >= tenth and kb] or sizes
            lines.append(
                f"    memory {name}: {sizes[0] / 1024:.0f} MB at the start, {settled[0] / 1024:.0f} MB after"
                f" the first tenth, {max(settled) / 1024:.0f} MB at most after it, {sizes[-1] / 1024:.0f} MB"
                f" at the end (growth after the first tenth {(max(settled) - settled[0]) / 1024:+.0f} MB)"
            )
        lines.append(
            f"    progress: moved {len(self.moves) - 1} times; the longest time it stood still"
            f" {self.longest_stall(finished):.1f} s"
        )
        return lines


def import_once(base_url, http, path, watch=None):
    """Upload, keep the proposed mapping, validate, start; returns (seconds until done, seconds until
    validated, the job, unmapped headers, seconds of the upload and mapping). ``watch`` (a Watch) is
    told each job read."""
    started = time.perf_counter()
    with open(path, "rb") as handle:
        response = http.post(f"{base_url}/api/v1/imports", files={"file": (path.name, handle)}, timeout=600)
    if response.status_code != 201:
        raise SystemExit(f"bench: upload failed {response.status_code}: {response.text[:500]}")
    job = response.json()
    unmapped = [header for header, key in job["mapping"].items() if not key]
    saved = http.put(
        f"{base_url}/api/v1/imports/{job['id']}/mapping",
        json={
            "mapping": job["mapping"],
            "options": {"on_duplicate": "update_fill", "match_on": ["email", "name_birth_date"]},
        },
        timeout=120,
    )
    if saved.status_code != 200:
        raise SystemExit(f"bench: mapping refused {saved.status_code}: {saved.text[:500]}")
    uploaded_at = time.perf_counter()
    http.post(f"{base_url}/api/v1/imports/{job['id']}/validate", timeout=60)
    job = wait(base_url, http, job["id"], ("validated", "failed"), watch=watch)
    validated_at = time.perf_counter()
    if job["status"] != "validated" or job["invalid_rows"]:
        raise SystemExit(f"bench: validation gave {job['status']}, {job['invalid_rows']} invalid rows: {job}")
    http.post(f"{base_url}/api/v1/imports/{job['id']}/start", json={}, timeout=60)
    job = wait(base_url, http, job["id"], ("done", "failed"), watch=watch)
    if job["status"] != "done":
        raise SystemExit(f"bench: import {job['status']}: {job.get('error')}")
    finished = time.perf_counter()
    return finished - started, validated_at - started, job, unmapped, uploaded_at - started


def wait(base_url, http, job_id, statuses, timeout=3600, watch=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = http.get(f"{base_url}/api/v1/imports/{job_id}", timeout=60).json()
        if watch is not None:
            watch.progress(job)
        if job["status"] in statuses:
            return job
        time.sleep(0.2)
    raise SystemExit(f"bench: import {job_id} did not finish in {timeout} s")


def postgres_backends(prefix):
    """Process ids of the PostgreSQL backends connected to the benchmark's databases."""
    from sqlalchemy import text

    engine = contacts_engine()
    try:
        with engine.connect() as conn:
            query = "SELECT pid FROM pg_stat_activity WHERE datname LIKE :pattern AND pid <> pg_backend_pid()"
            return list(conn.execute(text(query), {"pattern": f"{prefix}\\_%"}).scalars())
    finally:
        engine.dispose()


def postgres_cpu(prefix):
    """{process id: CPU seconds so far} of the PostgreSQL backends connected to the benchmark's
    databases (a backend's count starts when it does, so a run's share is the difference)."""
    return {pid: cpu_seconds(pid) for pid in postgres_backends(prefix)}


def start_services(args, env, piiri, workers, folder):
    """{name: Server} of the layout's services (e.g. contacts#2) and ``workers`` import workers."""
    servers = {}
    for services, count in LAYOUTS[args.layout]:
        for n in range(count):
            name = services if args.layout == "one" else f"{services}#{n + 1}"
            log_path = Path(folder) / f"{name.replace(',', '-')}.log"
            servers[name] = Server([piiri, "run", "--services", services], env, log_path).start()
    for n in range(workers):
        log_path = Path(folder) / f"import_worker-{n + 1}.log"
        servers[f"import_worker#{n + 1}"] = Server(
            [piiri, "run", "--services", "import_worker"], env, log_path
        ).start()
    return servers


def measure(args, env, piiri, base_url, workers, path, folder):
    servers = start_services(args, env, piiri, workers, folder)
    gateway = next(server for name, server in servers.items() if "gateway" in name)
    is_worker = {name: name.startswith("import_worker") for name in servers}
    try:
        wait_for_health(base_url, gateway)
        time.sleep(2)  # the workers' queues
        import requests

        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token_for(base_url)}"
        pids = {name: server.process.pid for name, server in servers.items()}

        def cpu_now():
            """{process name: CPU s}, and {PostgreSQL backend pid: CPU s}."""
            return {name: cpu_seconds(pid) for name, pid in pids.items()}, postgres_cpu(args.prefix)

        started, backends = cpu_now()
        watch = Watch(base_url, pids, args.rows, snapshot=cpu_now)
        watch.start()
        try:
            measured = import_once(base_url, http, path, watch)
        finally:
            watch.stop()
        for line in watch.report(time.monotonic()):
            print(line, flush=True)
        # CPU of the run, less sensitive to other work on the machine than the wall clock: the workers,
        # the services' processes (contacts, audit, gateway, imports) and the PostgreSQL backends of the
        # benchmark's databases (those the services' pools still hold: nearly all of them), each less
        # what it had used before the run (the benchmark's own pooled backend seeded the contacts and
        # ran the insert floor)
        ended, ended_backends = cpu_now()
        used = {name: ended[name] - started[name] for name in pids}

        def shares(before, before_backends, after, after_backends):
            return {
                "worker": sum(after[name] - before[name] for name in pids if is_worker[name]),
                "services": sum(after[name] - before[name] for name in pids if not is_worker[name]),
                "postgres": sum(
                    seconds - before_backends.get(pid, 0.0) for pid, seconds in after_backends.items()
                ),
            }

        cpu = shares(started, backends, ended, ended_backends)
        if watch.validated is not None:  # the CPU of each phase: where the validation and commit go
            validation = shares(started, backends, *watch.validated)
            commit = shares(*watch.validated, ended, ended_backends)
            per_row = 1e6 / args.rows
            print(
                "    CPU µs a row, validation | commit: "
                + ", ".join(
                    f"{name} {validation[name] * per_row:,.0f} | {commit[name] * per_row:,.0f}"
                    for name in cpu
                ),
                flush=True,
            )
        if args.layout != "one":
            print(
                "    CPU s by process: "
                + ", ".join(f"{name} {seconds:.1f}" for name, seconds in used.items() if not is_worker[name]),
                flush=True,
            )
        return (*measured, cpu)
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.stop()


def measure_floor(args, engine):
    """The insert floor (bench/insert_floor.py) on this database, before the imports: contacts/s of one
    backend inserting with every index and trigger."""
    from bench.insert_floor import floor_seconds_per_contact

    rows, rounds = (300, 1) if args.smoke else (args.floor_rows, 3)
    started = time.perf_counter()
    seconds = floor_seconds_per_contact(engine, rows, rounds)
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"  insert floor: {seconds * 1e6:,.0f} µs a contact = {1 / seconds:,.0f} contacts/s on one backend "
        f"({rows:,} contacts, median of {rounds}, rolled back; {time.perf_counter() - started:.0f} s; "
        f"load average {load})",
        flush=True,
    )
    return 1 / seconds


def main(argv=None):
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    args = parse_args(argv)
    http_address = f"127.0.0.1:{args.port}"
    base_url = f"http://{http_address}"
    env = isolated_env(args.prefix, args.vhost, http_address)
    apply_env(env)
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: something already listens on {http_address}; stop it first.")
    piiri = piiri_executable()
    engine = prepare(args, env, piiri)
    floor = measure_floor(args, engine)
    results = []
    with tempfile.TemporaryDirectory(prefix="piiri-ibench-") as folder:
        for workers in args.worker_counts:
            path = Path(folder) / f"tuonti-{workers}.xlsx"
            written = write_xlsx(path, args.rows, tag=f".w{workers}.{int(time.time())}")
            print(
                f"  wrote {path.name}: {args.rows:,} rows x {len(HEADERS)} columns in {written:.1f} s",
                flush=True,
            )
            before = os.getloadavg()
            measured = measure(args, env, piiri, base_url, workers, path, folder)
            total, validated, job, unmapped, uploaded, cpu = measured
            phases = (uploaded, validated - uploaded, total - validated)
            load = f"{before[0]:.1f}-{os.getloadavg()[0]:.1f}"
            results.append((workers, total, phases, args.rows / total, load, job))
            per_row = ", ".join(f"{name} {seconds * 1e6 / args.rows:,.0f}" for name, seconds in cpu.items())
            rate = f"{total:.1f} s, {args.rows / total:,.0f} rows/s"
            print(f"  {workers} worker(s): {rate}; CPU µs a row: {per_row}", flush=True)
            if unmapped:
                print(f"  columns not mapped by the proposal (read, not stored): {', '.join(unmapped)}")
    with engine.connect() as conn:
        from sqlalchemy import text

        contacts = conn.execute(text("SELECT count(*) FROM contacts")).scalar()
    engine.dispose()
    one = next((rate for w, _, _, rate, _, _ in results if w == 1), None)
    headers = ("workers", "end to end s", "upload s", "validation s", "commit s", "rows/s", "of floor",
               f">={FLOOR_SHARE:.0%}", "x 1 worker", "load average")  # fmt: skip
    table = [
        (w, f"{t:.1f}", f"{p[0]:.1f}", f"{p[1]:.1f}", f"{p[2]:.1f}", f"{r:,.0f}", f"{r / floor:.0%}",
         "yes" if r >= FLOOR_SHARE * floor else "NO", f"{r / one:.2f}" if one else "-", load)
        for w, t, p, r, load, _ in results
    ]  # fmt: skip
    print(f"\n{args.rows:,} rows x {len(HEADERS)} columns into {contacts:,} contacts (after the imports)")
    print(f"insert floor (bench/insert_floor.py, this database): {floor:,.0f} contacts/s on one backend")
    print(format_table(headers, table, "rrrrrrrlrr"))
    print("upload: the file posted and the proposed mapping saved; validation: every row read, checked and")
    print("stored in batches by the worker; commit: the batches written by the contacts service.")
    print(
        f"Targets (issue 17): 1 worker >= {FLOOR_SHARE:.0%} of the floor; 2 workers >= {SPEEDUP}x 1 worker."
    )
    for workers, *_rest, job in results:
        print(f"  {workers} worker(s): {job['counts']}")
    print(f"Machine: {os.cpu_count()} CPUs, load average {'/'.join(f'{x:.1f}' for x in os.getloadavg())}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
