#!/usr/bin/env python
"""Contact search latency: through the API (HTTP -> gateway -> RPC -> contacts -> SQL) and bare SQL.

Seeds N contacts (default 1,000,000) with `piiri seed`, starts `piiri run` on its own port, vhost and
databases, and for a fixed set of queries prints p50/p95 per-request latency through
GET /api/v1/contacts and of the same storage.search() call run directly on the database, so the
overhead of the service stack is visible. Target: API p95 < 50 ms at 1M contacts (2 cores).

    .venv/bin/python bench/search_bench.py                  # 1,000,000 contacts, 30 rounds
    .venv/bin/python bench/search_bench.py --reuse          # keep the seeded table if it has N rows
    .venv/bin/python bench/search_bench.py --smoke          # 2,000 contacts, 3 rounds, no targets (CI)

Exit status: 0, or 1 when a query misses the p95 target (not checked with --smoke).
"""

import argparse
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Server,
    apply_env,
    contacts_engine,
    ensure_admin,
    format_table,
    isolated_env,
    percentile,
    piiri_executable,
    port_in_use,
    reseed_contacts,
    start_setup,
    token_for,
    wait_for_health,
)

PREFIX = "piiri_bench"
VHOST = "piiri_bench"
PORT = 8100
# --smoke must never clobber a seeded 1M table, nor share a vhost with a full run in progress.
SMOKE_PREFIX = "piiri_bench_smoke"
SMOKE_VHOST = "piiri_bench_smoke"
SMOKE_PORT = 8101

TARGET_P95_MS = 50.0
LIMIT = 25
DEEP_PAGE = 50
WARMUP = 3


@dataclass(frozen=True)
class Query:
    label: str
    q: str
    page: int = 1  # >1: measure that page, reached by following next_cursor


# In the seeded data (services/contacts/demo_data.py) each Finnish surname is ~1.4 % of contacts,
# each Swedish one ~0.3 %; the "matches" column of the report shows the real counts.
QUERIES = (
    Query("common surname", "virtanen"),
    Query("rarer surname", "lönnqvist"),
    Query("accent-less", "aijala"),
    Query("prefix", "korho"),
    Query("first name", "matti"),
    Query("two words", "anna virtanen"),
    Query("typo -> fuzzy", "virtnen"),
    Query("typo, accents", "aijla"),
    Query("no match", "qxzvwk"),
    Query("e-mail prefix", "juha.heinonen17@ex"),
    Query("common e-mail prefix", "info@"),
    Query("phone prefix", "040 12"),
    Query("cyrillic", "иван"),
    Query("everyone (empty q)", ""),
    Query(f"common, page {DEEP_PAGE}", "virtanen", page=DEEP_PAGE),
)


@dataclass
class Result:
    query: Query
    page: int = 1
    position: dict | None = None
    cursor: str | None = None
    match: str = ""
    matches: int = 0
    hits: int = 0
    sql_hits: int = 0
    api_ms: list = field(default_factory=list)
    sql_ms: list = field(default_factory=list)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--contacts", type=int, default=1_000_000, help="contacts to seed (default 1,000,000)"
    )
    parser.add_argument("--reuse", action="store_true", help="skip seeding if the table already has N rows")
    parser.add_argument("--rounds", type=int, default=30, help="measured requests per query (default 30)")
    parser.add_argument("--smoke", action="store_true", help="2,000 contacts, 3 rounds, no targets (CI)")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of every query")
    args = parser.parse_args(argv)
    args.prefix, args.vhost, args.port = PREFIX, VHOST, PORT
    if args.smoke:
        args.contacts, args.rounds = 2_000, 3
        args.prefix, args.vhost, args.port = SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT
    if args.contacts < 1 or args.rounds < 1:
        parser.error("--contacts and --rounds must be at least 1")
    return args


# --- set-up -----------------------------------------------------------------------------------------


def count_contacts(engine):
    from sqlalchemy.orm import Session

    from services.contacts import storage

    with Session(engine) as session:
        return storage.count_contacts(session)


def prepare(args, env, piiri):
    start_setup(args, env, piiri)
    engine = contacts_engine()
    existing = count_contacts(engine)
    if args.reuse and existing == args.contacts:
        print(f"  --reuse: the table already has {existing:,} contacts, not seeding")
    else:
        if existing:
            print(f"  emptying the contacts table ({existing:,} rows)")
        reseed_contacts(piiri, env, engine, args.contacts)
        existing = count_contacts(engine)
        if existing != args.contacts:
            raise SystemExit(f"bench: expected {args.contacts:,} contacts after seeding, found {existing:,}")
    ensure_admin(piiri, env)
    return engine, existing


# --- measuring --------------------------------------------------------------------------------------


def api_get(http, base_url, query, cursor=None):
    params = {"q": query.q, "limit": LIMIT}
    if cursor:
        params["cursor"] = cursor
    started = time.perf_counter()
    response = http.get(f"{base_url}/api/v1/contacts", params=params, timeout=30)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(
            f"bench: GET /api/v1/contacts q={query.q!r} -> {response.status_code}: {response.text[:300]}"
        )
    return elapsed, response.json()


def locate_page(http, base_url, result):
    """The cursor (and storage position) of the query's page, following next_cursor from page 1."""
    from services.contacts.search import decode_cursor

    cursor, page = None, 1
    while page < result.query.page:
        _, body = api_get(http, base_url, result.query, cursor)
        if not body["next_cursor"]:
            break
        cursor, page = body["next_cursor"], page + 1
    result.page, result.cursor, result.position = page, cursor, decode_cursor(cursor)


def measure_api(http, base_url, result, rounds):
    for _ in range(WARMUP):
        api_get(http, base_url, result.query, result.cursor)
    for _ in range(rounds):
        elapsed, body = api_get(http, base_url, result.query, result.cursor)
        result.api_ms.append(elapsed)
    result.match, result.hits = body["match"], len(body["items"])


def measure_sql(engine, result, rounds):
    """The storage-level call the contacts service makes, on its own connection: the bare baseline."""
    from sqlalchemy.orm import Session

    from services.contacts import storage
    from services.contacts.search import plan_search

    plan = plan_search(result.query.q)
    with Session(engine) as session:
        for index in range(WARMUP + rounds):
            started = time.perf_counter()
            items, _, _ = storage.search(session, plan, LIMIT, result.position)
            elapsed = (time.perf_counter() - started) * 1000
            session.rollback()
            if index >= WARMUP:
                result.sql_ms.append(elapsed)
    result.sql_hits = len(items)


def count_matches(engine, result):
    """How many contacts the query matches in all (exactly, or fuzzily if that is what it used)."""
    from sqlalchemy import and_, func, select, text
    from sqlalchemy.orm import Session

    from services.contacts import storage
    from services.contacts.models import contacts
    from services.contacts.search import plan_search

    plan = plan_search(result.query.q)
    with Session(engine) as session:
        if result.match == "fuzzy":
            session.execute(text(f"SET LOCAL pg_trgm.word_similarity_threshold = {storage.FUZZY_THRESHOLD}"))
            terms = [func.piiri_norm(term) for term in plan.terms]
            condition = and_(*(term.op("<%")(contacts.c.search_text) for term in terms))
        else:
            condition = storage._exact_condition(plan)
        count = session.execute(select(func.count()).select_from(contacts).where(condition)).scalar_one()
        session.rollback()
    result.matches = count


def explain(engine, result):
    """EXPLAIN (ANALYZE, BUFFERS) of exactly the statements storage.search() sends for this query."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from services.contacts import storage
    from services.contacts.search import plan_search

    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with Session(engine) as session:
            storage.search(session, plan_search(result.query.q), LIMIT, result.position)
            session.rollback()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as conn, conn.begin() as transaction:
        for statement, parameters in captured:
            if statement.lstrip().upper().startswith("SELECT") and "contacts" in statement:
                lines = (
                    conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    .scalars()
                    .all()
                )
                plans.append(lines)
            elif statement.lstrip().upper().startswith("SET"):  # the plan must see the same settings
                conn.exec_driver_sql(statement, parameters)
        transaction.rollback()
    return plans


def print_plans(title, plans):
    print(f"\nEXPLAIN (ANALYZE, BUFFERS): {title}")
    for number, lines in enumerate(plans, 1):
        times = [line.strip() for line in lines if line.startswith(("Planning Time", "Execution Time"))]
        print(f"  statement {number}: {'; '.join(times)}")
        for line in lines:
            if not line.startswith(("Planning Time", "Execution Time")):
                print("    " + line)


# --- report -----------------------------------------------------------------------------------------


def report(results, args, contacts):
    headers = ["query", "q", "match", "matches", "API p50", "API p95", "SQL p50", "SQL p95", "ratio"]
    headers.append(f"p95<{TARGET_P95_MS:g}ms")
    rows = []
    for result in results:
        api50, api95 = percentile(result.api_ms, 0.5), percentile(result.api_ms, 0.95)
        sql50, sql95 = percentile(result.sql_ms, 0.5), percentile(result.sql_ms, 0.95)
        label = result.query.label
        if result.query.page > 1 and result.page != result.query.page:
            label += f" (only {result.page} pages)"
        rows.append(
            [
                label,
                repr(result.query.q),
                result.match,
                f"{result.matches:,}",
                f"{api50:.1f}",
                f"{api95:.1f}",
                f"{sql50:.1f}",
                f"{sql95:.1f}",
                f"{api50 / sql50:.1f}x" if sql50 else "-",
                "-" if args.smoke else ("yes" if api95 < TARGET_P95_MS else "NO"),
            ]
        )
    print(
        f"\nSearch latency, ms: {contacts:,} contacts, {args.rounds} rounds per query, limit={LIMIT}, "
        f"after {WARMUP} warm-up requests. matches: how many contacts match in all (a page shows {LIMIT})."
    )
    print(format_table(headers, rows, align="lllrrrrrrl"))
    misses = [r.query.label for r in results if percentile(r.api_ms, 0.95) >= TARGET_P95_MS]
    return misses


def main(argv=None):
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # stack.md trap 16
    args = parse_args(argv)
    http_address = f"127.0.0.1:{args.port}"
    base_url = f"http://{http_address}"
    env = isolated_env(args.prefix, args.vhost, http_address)
    apply_env(env)  # this process reads the same databases as the children
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: something already listens on {http_address}; stop it first.")
    piiri = piiri_executable()
    started = time.perf_counter()
    engine, contacts = prepare(args, env, piiri)

    log_path = Path(tempfile.gettempdir()) / f"{args.prefix}-run.log"
    server = Server([piiri, "run"], env, log_path).start()
    try:
        wait_for_health(base_url, server)
        print(f"  piiri run: healthy on {base_url} (log: {log_path})", flush=True)
        import requests

        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token_for(base_url)}"
        results = [Result(query) for query in QUERIES]
        load_before = os.getloadavg()[0]
        print(f"Measuring {len(results)} queries x {args.rounds} rounds ...", flush=True)
        for result in results:
            locate_page(http, base_url, result)
            measure_api(http, base_url, result, args.rounds)
            measure_sql(engine, result, args.rounds)
            count_matches(engine, result)
            if result.sql_hits != result.hits:
                raise SystemExit(
                    f"bench: {result.query.label}: API gave {result.hits} rows, SQL {result.sql_hits}"
                )
        load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after measuring"
    finally:
        code = server.stop()
        print(f"  piiri run stopped (exit {code})", flush=True)

    misses = report(results, args, contacts)
    print(f"Machine: {os.cpu_count()} CPUs, {load} (other work on the machine skews the figures).")
    slowest = max(results, key=lambda r: percentile(r.sql_ms, 0.95))
    print_plans(f"slowest in SQL (p95): {slowest.query.label} {slowest.query.q!r}", explain(engine, slowest))
    if args.explain:
        for result in results:
            if result is not slowest:
                print_plans(f"{result.query.label} {result.query.q!r}", explain(engine, result))
    engine.dispose()
    print(f"\nTotal time {time.perf_counter() - started:.0f} s (seeding included). Target: API p95 < 50 ms.")
    if args.smoke:
        return 0
    if misses:
        print("MISSED the p95 target: " + ", ".join(misses))
        return 1
    print("All queries meet the p95 target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
