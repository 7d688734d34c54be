#!/usr/bin/env python
"""Load benchmark (issues 12 and 18): every request kind staff send, driven to saturation with wrk through
the gateway of the multi-process layout, with 1 and then 2 gateway processes; req/s, p50/p95/p99, errors,
CPU milliseconds per request of every process (from /proc), and the bare-SQL throughput of the searches.

    .venv/bin/python bench/load_bench.py            # seed 1,000,000 contacts, 20 s per kind and layout
    .venv/bin/python bench/load_bench.py --reuse    # keep the seeded database if it has N contacts
    .venv/bin/python bench/load_bench.py --contacts 200000 --seconds 10 --connections 32
    .venv/bin/python bench/load_bench.py --smoke    # 1,000 contacts, 1 s per kind, no warm-up (CI)

The layout: every service in its own `piiri run --services X` process (contacts x2, contacts_worker,
audit x2, imports, exports, import_worker, export_worker, mailing, mailing_worker, billing,
billing_worker, gateway x1 then x2 sharing the port with SO_REUSEPORT). Own databases
(piiri_loadbench_*), vhost (piiri_loadbench) and port (127.0.0.1:8110), or --name and --port; --smoke:
piiri_loadbench_smoke_*, vhost piiri_loadbench_smoke, port 8111. Needs wrk (Debian package `wrk`;
scripts/setup.sh --browser installs it). Loopback only; every wrk run is bounded in time and connections.
"""

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    ADMIN_PASSWORD,
    ADMIN_USER,
    Server,
    apply_env,
    contacts_engine,
    ensure_admin,
    format_table,
    isolated_env,
    piiri_executable,
    port_in_use,
    reseed_contacts,
    scalar,
    start_setup,
    token_for,
)

PREFIX, VHOST, PORT = "piiri_loadbench", "piiri_loadbench", 8110
SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT = "piiri_loadbench_smoke", "piiri_loadbench_smoke", 8111
LIMIT = 25
# The multi-process layout of issue 18 (the gateway is added on top: 1, then 2 processes).
LAYOUT = (
    ("contacts", 2),
    ("contacts_worker", 1),  # the contacts service's timers and automations (issue 18)
    ("audit", 2),
    ("imports", 1),
    ("exports", 1),
    ("import_worker", 1),
    ("export_worker", 1),
    ("mailing", 1),  # /health is "ok" only when every service and worker answers
    ("mailing_worker", 1),
    ("billing", 1),
    ("billing_worker", 1),
)
SAMPLES = 200  # distinct surnames / e-mail prefixes / contacts the requests choose among
NO_SLOTS = ("remaining connection slots are reserved", "too many clients")
RESTARTS = 5
WRK_TIMEOUT = "30s"  # a slower answer counts as a timeout error
WRK_MISSING = (
    "bench: wrk is not installed. Install the Debian package `wrk` (apt-get install wrk), or run "
    "scripts/setup.sh --browser, which installs it with the other test tools."
)


@dataclass
class Kind:
    key: str
    label: str
    request: str  # what it asks, for the table
    mix_weight: int  # share in the staff mix (0: not part of it)
    paths: list = field(default_factory=list)
    terms: list = field(default_factory=list)  # the search terms (searches only), for the bare-SQL baseline


def kinds():
    """The request kinds, each measured on its own; the staff mix chooses among them by mix_weight."""
    return [
        Kind("name", "search by name", "GET /api/v1/contacts?q=<surname>&limit=25", 30),
        Kind("email", "search by e-mail prefix", "GET /api/v1/contacts?q=<local part>@<d>&limit=25", 10),
        Kind("open", "open a contact", "GET /api/v1/contacts/<id>", 35),
        Kind("list", "contact list page", "GET /contacts (HTML, session cookie)", 10),
        Kind("me", "/api/v1/me", "GET /api/v1/me", 15),
        Kind("health", "/health", "GET /health", 0),
    ]


MIX_LABEL = "staff mix"
KIND_KEYS = (*(kind.key for kind in kinds()), "mix")
SEARCH_KINDS = ("name", "email")  # the ones with a bare-SQL baseline


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--contacts", type=int, default=1_000_000, help="contacts to seed (default 1,000,000)"
    )
    parser.add_argument("--reuse", action="store_true", help="skip seeding if the database has N contacts")
    parser.add_argument("--seconds", type=int, default=20, help="measured seconds per kind (default 20)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="unmeasured seconds before each kind (default 3)"
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument(
        "--max-workers",
        type=int,
        default=10,
        help="PIIRI_MAX_WORKERS of every process (default 10, as deployed; a pool holds it + 2 connections)",
    )
    parser.add_argument(
        "--pool-size",
        type=int,
        help="PIIRI_DB_POOL_SIZE of every process (default unset: max_workers + 2, +4 at a peak)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="1,000 contacts, 1 s per kind, no warm-up, 8 connections (CI)"
    )
    parser.add_argument(
        "--prefix",
        "--name",
        dest="prefix",
        help=f"own database prefix and vhost (default {PREFIX}): two people benchmarking on one machine",
    )
    parser.add_argument("--port", type=int, help=f"the gateway's port on 127.0.0.1 (default {PORT})")
    parser.add_argument(
        "--kinds",
        help="measure only these kinds, comma-separated keys: " + ", ".join(KIND_KEYS) + " (default all)",
    )
    parser.add_argument(
        "--gateways",
        choices=("1", "2", "both"),
        default="both",
        help="measure with 1 gateway process, 2, or both in turn (default both)",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy (if installed) records gateway#1 and contacts#1 during each measured run into "
        "DIR/<kind>-<process>.txt (collapsed stacks: one line per stack and its sample count)",
    )
    parser.add_argument(
        "--idle",
        type=int,
        default=0,
        help="first measure every process's CPU over this many seconds with no requests (default 0: not)",
    )
    args = parser.parse_args(argv)
    prefix, port = args.prefix, args.port
    args.prefix, args.vhost, args.port = PREFIX, VHOST, PORT
    if args.smoke:
        # It proves the benchmark runs end to end, not figures: the shortest run wrk measures, no warm-up (a
        # cold first answer is far inside wrk's 30 s timeout), enough contacts for 200 distinct samples.
        args.contacts, args.seconds, args.warmup, args.connections = 1_000, 1, 0, 8
        args.max_workers = 4  # small pools: PostgreSQL's 100 connection slots are shared with other work
        args.prefix, args.vhost, args.port = SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT
    if prefix is not None:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", prefix):
            parser.error(
                "--prefix: lower-case letters, digits and _ (a PostgreSQL and RabbitMQ name), at most 40"
            )
        args.prefix = args.vhost = prefix
    args.port = port or args.port
    args.kind_keys = [key.strip() for key in (args.kinds or "").split(",") if key.strip()] or list(KIND_KEYS)
    unknown = sorted(set(args.kind_keys) - set(KIND_KEYS))
    if unknown:
        parser.error(f"--kinds: unknown {', '.join(unknown)} (known: {', '.join(KIND_KEYS)})")
    args.gateway_counts = (1, 2) if args.gateways == "both" else (int(args.gateways),)
    if not 1024 <= args.port <= 65535:
        parser.error("--port must be 1024..65535")
    if min(args.contacts, args.seconds, args.connections, args.threads, args.max_workers) < 1:
        parser.error("--contacts, --seconds, --connections, --threads and --max-workers must be at least 1")
    if min(args.warmup, args.idle) < 0:
        parser.error("--warmup and --idle may not be negative")
    if args.pool_size is not None and args.pool_size < 1:
        parser.error("--pool-size must be at least 1 (DB_POOL_SIZE)")
    if args.threads > args.connections:
        parser.error("--threads may not exceed --connections (wrk needs a connection per thread)")
    return args


# --- set-up -----------------------------------------------------------------------------------------


def prepare(args, env, piiri):
    start_setup(args, env, piiri)
    engine = contacts_engine()
    existing = scalar(engine, "SELECT count(*) FROM contacts")
    if args.reuse and existing == args.contacts:
        print(f"  --reuse: the database already has {existing:,} contacts, not seeding")
    else:
        if existing:
            print(f"  emptying the contacts table ({existing:,} rows)")
        reseed_contacts(piiri, env, engine, args.contacts)
        existing = scalar(engine, "SELECT count(*) FROM contacts")
    ensure_admin(piiri, env)
    return engine, existing


def sample_requests(engine, table_kinds):
    """Fill each kind's paths from the seeded data: common surnames, real e-mail prefixes, random ids
    (a fixed random seed: a run with --reuse asks for what the previous one asked)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.execute(text("SELECT setseed(0.12)"))  # the same sample on the same data: runs compare
        surnames = conn.execute(
            text(
                "SELECT lower(last_name) FROM contacts WHERE kind = 'person' AND last_name IS NOT NULL "
                "GROUP BY lower(last_name) ORDER BY count(*) DESC LIMIT 20"
            )
        ).scalars()
        emails = conn.execute(
            text("SELECT email FROM contacts WHERE email LIKE '%_@__%' ORDER BY random() LIMIT :n"),
            {"n": SAMPLES},
        ).scalars()
        ids = conn.execute(
            text("SELECT id FROM contacts ORDER BY random() LIMIT :n"), {"n": SAMPLES}
        ).scalars()
        surnames, emails, ids = list(surnames), list(emails), list(ids)
    local_parts = [email.split("@", 1)[0] + "@" + email.split("@", 1)[1][:2] for email in emails]
    terms = {"name": surnames, "email": local_parts}
    for kind in table_kinds:
        if kind.key in terms:
            kind.terms = terms[kind.key]
            kind.paths = [f"/api/v1/contacts?q={quote(term)}&limit={LIMIT}" for term in terms[kind.key]]
        elif kind.key == "open":
            kind.paths = [f"/api/v1/contacts/{contact_id}" for contact_id in ids]
        elif kind.key == "list":
            kind.paths = ["/contacts"]
        elif kind.key == "me":
            kind.paths = ["/api/v1/me"]
        elif kind.key == "health":
            kind.paths = ["/health"]
    if not all(kind.paths for kind in table_kinds):
        raise SystemExit("bench: the seeded data gave no surnames, e-mail addresses or contacts to ask for")


def mix_paths(table_kinds, count=1000, seed=12):
    """``count`` paths drawn from the kinds by their mix weights (fixed seed: every run asks the same)."""
    chooser = random.Random(seed)
    weighted = [kind for kind in table_kinds if kind.mix_weight]
    picks = chooser.choices(weighted, weights=[kind.mix_weight for kind in weighted], k=count)
    return [chooser.choice(kind.paths) for kind in picks]


def web_session_cookie(base_url):
    """Log in through the web form (GET /login for the CSRF pair, POST /login): the session cookie."""
    import requests

    http = requests.Session()
    form = http.get(f"{base_url}/login", timeout=30)
    match = re.search(r'name="csrf_token"\s+value="([^"]+)"', form.text)
    if form.status_code != 200 or not match:
        raise SystemExit(f"bench: GET /login gave no CSRF token ({form.status_code})")
    response = http.post(
        f"{base_url}/login",
        data={"username": ADMIN_USER, "password": ADMIN_PASSWORD, "csrf_token": match.group(1)},
        allow_redirects=False,
        timeout=30,
    )
    cookie = http.cookies.get("piiri_session")
    if response.status_code not in (302, 303) or not cookie:
        raise SystemExit(f"bench: web login failed ({response.status_code}): {response.text[:300]}")
    return f"piiri_session={cookie}"


# --- the processes ----------------------------------------------------------------------------------


class Layout:
    """The Piiri processes of the benchmark, each `piiri run --services X`, named e.g. contacts#2."""

    def __init__(self, piiri, env, prefix):
        self.piiri, self.env, self.prefix = piiri, env, prefix
        self.servers = {}
        self.restarts = {}

    def start(self, service, number):
        name = f"{service}#{number}"
        log_path = Path(tempfile.gettempdir()) / f"{self.prefix}-{service}-{number}.log"
        self.servers[name] = Server([self.piiri, "run", "--services", service], self.env, log_path).start()
        return self.servers[name]

    def check_alive(self):
        """Fail with the log of a process that exited; one refused by a full PostgreSQL (the machine's
        connection slots are shared with other work) is started again, a few times."""
        for name, server in list(self.servers.items()):
            if server.alive():
                continue
            tail = server.log_tail()
            if any(reason in tail for reason in NO_SLOTS) and self.restarts.get(name, 0) < RESTARTS:
                self.restarts[name] = self.restarts.get(name, 0) + 1
                print(f"  {name}: PostgreSQL had no free connection slot; starting it again", flush=True)
                time.sleep(2)
                service, number = name.split("#")
                self.start(service, int(number))
                continue
            raise SystemExit(f"bench: {name} exited ({server.process.returncode}):\n{tail}")

    def pids(self):
        return {name: server.process.pid for name, server in self.servers.items()}

    def stop(self):
        """SIGTERM to every process (the gateways first), then wait for each: they stop side by side (one
        after another, ~3 s each, took 50 s)."""
        servers = list(reversed(list(self.servers.items())))
        for _name, server in servers:
            server.terminate()
        return {name: server.stop() for name, server in servers}


def wait_for_banner(layout, name, text, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        layout.check_alive()  # may start it again
        server = layout.servers[name]
        if text in server.log_path.read_text(errors="replace"):
            return
        time.sleep(0.25)
    tail = layout.servers[name].log_tail()
    raise SystemExit(f"bench: {name} did not say {text!r} within {timeout} s:\n{tail}")


def wait_for_all_ok(base_url, layout, timeout=180):
    """Poll /health until every service answers and every kind of worker runs (status "ok")."""
    import requests

    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        layout.check_alive()
        try:
            response = requests.get(f"{base_url}/health", timeout=10)
            if response.status_code == 200 and response.json().get("status") == "ok":
                return
            last = f"{response.status_code} {response.text[:300]}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.5)
    raise SystemExit(f"bench: /health did not say ok within {timeout} s (last: {last})")


# --- CPU from /proc ---------------------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """utime + stime of a process in clock ticks (fields 14 and 15 of /proc/<pid>/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def other_processes(prefix):
    """{pid: group} of the PostgreSQL backends serving the benchmark's databases (grouped by database)
    and of RabbitMQ's Erlang VM (beam.smp: shared by everyone on the machine)."""
    found = {}
    database = re.compile(rf"^postgres: (?:\S+: )?\S+ {re.escape(prefix)}_(\w+) ")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        line = command_line(entry)
        match = database.match(line)
        if match:
            found[int(entry)] = f"pg {match.group(1)}"
        elif "beam.smp" in line and "rabbit" in line:
            found[int(entry)] = "rabbitmq*"
    return found


def cpu_snapshot(layout, prefix):
    """{pid: (group, ticks)} of every process whose CPU a request may cost."""
    groups = {pid: name for name, pid in layout.pids().items()}
    groups.update(other_processes(prefix))
    return {pid: (group, cpu_ticks(pid)) for pid, group in groups.items() if cpu_ticks(pid) is not None}


def cpu_ms_by_group(before, after):
    """CPU milliseconds each group used between two snapshots (a backend started in between: all of it)."""
    used = {}
    for pid, (group, ticks) in after.items():
        start = before.get(pid, (group, 0))[1]
        used[group] = used.get(group, 0.0) + (ticks - start) * 1000.0 / CLOCK_TICKS
    return used


def children_cpu_ms():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000.0


# --- wrk --------------------------------------------------------------------------------------------

LUA = """-- generated by bench/load_bench.py: GET one of the paths at random; done() prints the figures
local paths = {%(paths)s}
wrk.headers["Authorization"] = "Bearer %(token)s"
wrk.headers["Cookie"] = "%(cookie)s"
wrk.headers["Accept"] = "application/json, text/html"
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(1000 + id)
  bad = {}
  first_bad = ""
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status >= 400 then
    bad[status] = (bad[status] or 0) + 1
    if first_bad == "" then
      first_bad = status .. " " .. string.sub(string.gsub(body or "", "%%s+", " "), 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("PIIRI_WRK %%d %%d %%d %%d %%d %%d %%d %%.0f %%.0f %%.0f\\n",
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("bad")) do
      io.write(string.format("PIIRI_STATUS %%d %%d\\n", status, count))
    end
    local first = thread:get("first_bad")
    if first ~= "" then
      io.write("PIIRI_FIRST_BAD " .. first .. "\\n")
    end
  end
end
"""


@dataclass
class Figures:
    label: str
    gateways: int
    requests: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    error_detail: str = ""
    cpu_ms: dict = field(default_factory=dict)
    pg_connections: int = 0  # backends of the benchmark's databases open at the end of the run

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0


def lua_script(paths, token, cookie, directory):
    body = LUA % {"paths": ", ".join(lua_string(path) for path in paths), "token": token, "cookie": cookie}
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", dir=directory, delete=False)
    with handle:
        handle.write(body)
    return handle.name


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(wrk_path, args, base_url, script, seconds):
    command = [
        wrk_path,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        script,
        base_url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in result.stdout.splitlines() if x.startswith("PIIRI_WRK ")), None)
    if result.returncode != 0 or line is None:
        raise SystemExit(f"bench: wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    statuses = {}
    for status_line in result.stdout.splitlines():
        if status_line.startswith("PIIRI_STATUS "):
            _, status, count = status_line.split()
            statuses[int(status)] = statuses.get(int(status), 0) + int(count)
    first_bad = next((x[16:] for x in result.stdout.splitlines() if x.startswith("PIIRI_FIRST_BAD ")), "")
    return [float(value) for value in line.split()[1:]], statuses, first_bad


PROFILED = ("gateway#1", "contacts#1")


def start_profiles(args, layout, label, gateways):
    """py-spy record of the profiled processes for the measured seconds (collapsed stacks; its own CPU
    is not counted: it runs outside the process, sampling 100 times a second)."""
    if not args.profile:
        return []
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        raise SystemExit("bench: --profile needs py-spy (pip install py-spy)")
    directory = Path(args.profile)
    directory.mkdir(parents=True, exist_ok=True)
    pids = layout.pids()
    slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
    return [
        subprocess.Popen(
            [
                py_spy,
                "record",
                "--pid",
                str(pids[name]),
                "--duration",
                str(args.seconds),
                "--rate",
                "100",
                "--format",
                "raw",
                "--nonblocking",
                "--output",
                str(directory / f"{slug}-{gateways}gw-{name.replace('#', '')}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for name in PROFILED
    ]


def drive(wrk_path, args, base_url, script, label, gateways, layout):
    """Warm up, then one measured wrk run with CPU snapshots around it."""
    if args.warmup:
        wrk(wrk_path, args, base_url, script, args.warmup)
    profilers = start_profiles(args, layout, label, gateways)
    before, wrk_before = cpu_snapshot(layout, args.prefix), children_cpu_ms()
    values, statuses, first_bad = wrk(wrk_path, args, base_url, script, args.seconds)
    after, wrk_after = cpu_snapshot(layout, args.prefix), children_cpu_ms()
    for profiler in profilers:
        profiler.wait(timeout=60)
    layout.check_alive()
    requests, duration_us, connect, read, write, status, timeout, p50, p95, p99 = values
    figures = Figures(label, gateways, int(requests), duration_us / 1e6, p50 / 1000, p95 / 1000, p99 / 1000)
    figures.errors = int(connect + read + write + status + timeout)
    if figures.errors:
        figures.error_detail = (
            f"connect {connect:.0f}, read {read:.0f}, write {write:.0f}, "
            f"non-2xx/3xx {status:.0f} ({', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}), "
            f"timeout {timeout:.0f}" + (f"; first: {first_bad}" if first_bad else "")
        )
    figures.cpu_ms = cpu_ms_by_group(before, after)
    figures.cpu_ms["wrk"] = wrk_after - wrk_before
    figures.pg_connections = sum(1 for group, _ in after.values() if group.startswith("pg "))
    return figures


# --- bare SQL ---------------------------------------------------------------------------------------


def captured_statements(engine, term):
    """The statements (with parameters) services.contacts.storage.search() sends for ``term``."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    import services.contacts.service  # noqa: F401  (registers every feature's search filters)
    from services.contacts import storage
    from services.contacts.search import plan_search

    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as session:
            storage.search(session, plan_search(term), LIMIT, None)
            session.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return captured


def connect_patiently(psycopg, url, attempts=10):
    """A psycopg connection, waiting a little while PostgreSQL's (shared) connection slots are full."""
    for attempt in range(attempts):
        try:
            return psycopg.connect(url)
        except psycopg.OperationalError as exc:
            if attempt == attempts - 1 or not any(reason in str(exc) for reason in NO_SLOTS):
                raise
            time.sleep(1)


def bare_sql_rate(engine, terms, connections, seconds):
    """Searches per second when ``connections`` threads, each on its own psycopg connection, replay the
    search statements of the terms (in turn, one transaction per search) for ``seconds``."""
    import psycopg

    from services.contacts.seed import psycopg_url

    url = psycopg_url(engine.url.render_as_string(hide_password=False))
    statement_sets = [captured_statements(engine, term) for term in terms]
    counts = [0] * connections
    failures = []
    stop_at = []
    start = threading.Barrier(connections + 1, action=lambda: stop_at.append(time.monotonic() + seconds))

    def work(index):
        try:
            with connect_patiently(psycopg, url) as conn:
                start.wait()
                position = index
                while time.monotonic() < stop_at[0]:
                    with conn.cursor() as cursor:
                        for statement, parameters in statement_sets[position % len(statement_sets)]:
                            cursor.execute(statement, parameters)
                            if cursor.description:
                                cursor.fetchall()
                    conn.rollback()
                    counts[index] += 1
                    position += 1
        except Exception as exc:  # reported below; a failed baseline must not pass as a figure
            failures.append(exc)
            start.abort()

    threads = [threading.Thread(target=work, args=(index,), daemon=True) for index in range(connections)]
    for thread in threads:
        thread.start()
    try:
        start.wait(timeout=60)
    except threading.BrokenBarrierError:
        pass
    if not stop_at:  # a connection failed before the start
        stop_at.append(time.monotonic())
    began = stop_at[0] - seconds
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - began
    if failures:
        raise SystemExit(f"bench: bare SQL failed: {failures[0]!r}")
    return sum(counts) / elapsed


# --- report -----------------------------------------------------------------------------------------


def cpu_columns(results):
    order = ["gateway#1", "gateway#2"] + [
        f"{service}#{n + 1}" for service, count in LAYOUT for n in range(count)
    ]
    seen = {group for figures in results for group in figures.cpu_ms}
    others = sorted(group for group in seen if group not in order and group != "wrk")
    return [group for group in order if group in seen] + others + ["wrk"]


def report_layout(results, gateways, load):
    print(f"\n{gateways} gateway process{'es' if gateways > 1 else ''} ({load})")
    headers = ["gw", "kind", "req/s", "p50 ms", "p95 ms", "p99 ms", "requests", "errors"]
    rows = [
        [str(f.gateways), f.label, f"{f.rps:,.0f}", f"{f.p50_ms:.1f}", f"{f.p95_ms:.1f}", f"{f.p99_ms:.1f}",
         f"{f.requests:,}", str(f.errors)]
        for f in results
    ]  # fmt: skip
    print(format_table(headers, rows, "llrrrrrr"))
    for figures in results:
        if figures.errors:
            print(f"  errors in {figures.label}: {figures.error_detail}")
    columns = cpu_columns(results)
    print("\nCPU ms per request, by process (utime+stime from /proc, measured run only):")
    rows = []
    for figures in results:
        per_request = [figures.cpu_ms.get(group, 0.0) / max(figures.requests, 1) for group in columns]
        rows.append(
            [
                figures.label,
                *(f"{value:.2f}" for value in per_request),
                f"{sum(per_request):.2f}",
                str(figures.pg_connections),
            ]
        )
    print(format_table(["kind", *columns, "total", "pg conns"], rows, "l" + "r" * (len(columns) + 2)))


def report_comparison(one, two, bare, contacts):
    print(f"\nSummary ({contacts:,} contacts)")
    by_label = {figures.label: figures for figures in two}
    for figures in one:
        other = by_label.get(figures.label)
        if other:
            ratio = other.rps / figures.rps if figures.rps else 0.0
            print(
                f"  {figures.label}: 1 gateway: {figures.rps:,.0f} req/s; "
                f"2 gateways: {other.rps:,.0f} req/s (x{ratio:.2f})"
            )
    for label, sql_rate, api_rate in bare:
        ratio = sql_rate / api_rate if api_rate else 0.0
        print(
            f"  bare SQL {label}: {sql_rate:,.0f} searches/s on the same connections; "
            f"through the gateway {api_rate:,.0f} req/s (SQL/API x{ratio:.1f})"
        )


def measure_idle(layout, args):
    """CPU milliseconds of every process over ``args.idle`` seconds without a request: the cost of the
    timers, relays and consumers running in the background."""
    before = cpu_snapshot(layout, args.prefix)
    time.sleep(args.idle)
    layout.check_alive()
    return cpu_ms_by_group(before, cpu_snapshot(layout, args.prefix))


def report_idle(used, seconds):
    print(f"\nIdle, {seconds} s without requests ({load_text()}): CPU ms per second of each process")
    rows = [(group, f"{ms / seconds:,.1f}") for group, ms in sorted(used.items()) if ms]
    print(format_table(("process", "CPU ms/s"), rows))


def load_text():
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f})"


def main(argv=None):
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # stack.md trap 16
    args = parse_args(argv)
    wrk_path = shutil.which("wrk")
    if wrk_path is None:
        raise SystemExit(WRK_MISSING)
    http_address = f"127.0.0.1:{args.port}"
    base_url = f"http://{http_address}"
    env = isolated_env(args.prefix, args.vhost, http_address)
    env["PIIRI_HTTP_REUSE_PORT"] = "true"  # the second gateway shares the port (gateway/listen.py)
    env["PIIRI_MAX_WORKERS"] = str(args.max_workers)
    if args.pool_size:
        env["PIIRI_DB_POOL_SIZE"] = str(args.pool_size)
    apply_env(env)
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: something already listens on {http_address}; stop it first.")
    piiri = piiri_executable()
    started = time.perf_counter()
    engine, contacts = prepare(args, env, piiri)
    table_kinds = kinds()
    sample_requests(engine, table_kinds)

    layout = Layout(piiri, env, args.prefix)
    scripts = tempfile.TemporaryDirectory(prefix=f"{args.prefix}-lua-")
    try:
        for service, count in LAYOUT:
            for number in range(1, count + 1):
                layout.start(service, number)
        layout.start("gateway", 1)
        wait_for_all_ok(base_url, layout)
        print(f"  layout up: {', '.join(layout.servers)} (logs: {tempfile.gettempdir()}/{args.prefix}-*.log)")
        if args.idle:
            report_idle(measure_idle(layout, args), args.idle)
        token, cookie = token_for(base_url), web_session_cookie(base_url)
        plan = [(kind.label, kind.paths) for kind in table_kinds if kind.key in args.kind_keys]
        if "mix" in args.kind_keys:
            plan.append((MIX_LABEL, mix_paths(table_kinds)))
        plan = [(label, lua_script(paths, token, cookie, scripts.name)) for label, paths in plan]
        print(
            f"Measuring {len(plan)} kinds x {args.seconds} s (+{args.warmup} s warm-up), "
            f"wrk -t{args.threads} -c{args.connections}, max_workers {args.max_workers}, "
            f"pool size {args.pool_size or 'max_workers + 2 (+4)'}, "
            f"on {os.cpu_count()} CPUs; {load_text()}",
            flush=True,
        )
        results = {}
        for gateways in args.gateway_counts:
            if gateways == 2:
                layout.start("gateway", 2)
                wait_for_banner(layout, "gateway#2", f"Piiri is running at {base_url}/")
            load_before = load_text()
            results[gateways] = [
                drive(wrk_path, args, base_url, script, label, gateways, layout) for label, script in plan
            ]
            report_layout(results[gateways], gateways, f"{load_before} before, {load_text()} after")
    finally:
        codes = layout.stop()
        scripts.cleanup()
        print(
            f"  piiri processes stopped (exit {', '.join(f'{n} {c}' for n, c in codes.items())})", flush=True
        )

    # After the layout stopped: its connection pools are closed (PostgreSQL's slots are shared) and the
    # baseline has the machine to itself, as the gateway had it with the services.
    one_by_label = {figures.label: figures for figures in results[args.gateway_counts[0]]}
    bare = []
    for kind in table_kinds:
        if kind.key in SEARCH_KINDS and kind.label in one_by_label:
            rate = bare_sql_rate(engine, kind.terms, args.connections, args.seconds)
            bare.append((kind.label, rate, one_by_label[kind.label].rps))

    report_comparison(results.get(1, []), results.get(2, []), bare, contacts)
    print(
        f"Machine: {os.cpu_count()} CPUs, {load_text()} at the end (other work on the machine skews the "
        "figures). CPU columns: the Piiri processes, their PostgreSQL backends by database, rabbitmq* "
        "(the broker, shared with everything else on the machine) and wrk itself."
    )
    engine.dispose()
    errors = sum(figures.errors for layout_results in results.values() for figures in layout_results)
    print(f"\nTotal time {time.perf_counter() - started:.0f} s (seeding included); errors: {errors}.")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
