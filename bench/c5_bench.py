#!/usr/bin/env python
"""C5 benchmark: the seven heavy reads at 1,000,000 contacts and 10,000 groups, through the API and as
bare SQL (the same storage calls the contacts service makes), p50/p95 and their ratio.

Rows: free-text search, a 3-filter structured search (POST /api/v1/contacts:search), page 1,000 of a
list sorted by created_at, members including subgroups of a large group, the groups tree with member
counts, duplicate candidates for one contact, and upcoming round birthdays. Target: API p95 < 100 ms
for every row (2 cores).

    .venv/bin/python bench/c5_bench.py             # seed 1M contacts + 10k groups, 30 rounds
    .venv/bin/python bench/c5_bench.py --reuse     # keep the seeded data if it has N contacts and G groups
    .venv/bin/python bench/c5_bench.py --smoke     # 2,000 contacts, 50 groups, 3 rounds, no targets (CI)

Own databases (piiri_c5bench_*), vhost (piiri_c5bench) and port (8102); --smoke: piiri_c5bench_smoke_*,
vhost piiri_c5bench_smoke, port 8103. Exit status 1 when a row misses the target (never with --smoke).
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
    run,
    scalar,
    start_setup,
    token_for,
    wait_for_health,
)

PREFIX, VHOST, PORT = "piiri_c5bench", "piiri_c5bench", 8102
SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT = "piiri_c5bench_smoke", "piiri_c5bench_smoke", 8103
TARGET_P95_MS = 100.0
LIMIT = 25
DEEP_PAGE = 1_000
WARMUP = 3
DUPLICATES_PATH = "/api/v1/contacts/{contact_id}/duplicates"
TREE_DEPTH = 2  # the depth the /groups page asks for (gateway/groups/web.py)


@dataclass
class Case:
    label: str
    request: str  # what is sent through the API, for the table
    api: object = None  # function(http) -> response
    sql: object = None  # function(session) -> rows (a list), the bare baseline
    available: bool = True
    note: str = ""
    api_ms: list = field(default_factory=list)
    sql_ms: list = field(default_factory=list)
    rows: int = 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--contacts", type=int, default=1_000_000, help="contacts to seed (default 1,000,000)"
    )
    parser.add_argument("--groups", type=int, default=10_000, help="groups to seed (default 10,000)")
    parser.add_argument(
        "--reuse", action="store_true", help="skip seeding if the data has N contacts, G groups"
    )
    parser.add_argument("--rounds", type=int, default=30, help="measured requests per row (default 30)")
    parser.add_argument("--smoke", action="store_true", help="2,000 contacts, 50 groups, 3 rounds (CI)")
    args = parser.parse_args(argv)
    args.prefix, args.vhost, args.port, args.deep_page = PREFIX, VHOST, PORT, DEEP_PAGE
    if args.smoke:
        args.contacts, args.groups, args.rounds, args.deep_page = 2_000, 50, 3, 10
        args.prefix, args.vhost, args.port = SMOKE_PREFIX, SMOKE_VHOST, SMOKE_PORT
    if args.contacts < 1 or args.groups < 1 or args.rounds < 1:
        parser.error("--contacts, --groups and --rounds must be at least 1")
    return args


# --- set-up -----------------------------------------------------------------------------------------


def prepare(args, env, piiri):
    start_setup(args, env, piiri)
    engine = contacts_engine()
    contacts = scalar(engine, "SELECT count(*) FROM contacts")
    groups = scalar(engine, "SELECT count(*) FROM groups")
    if args.reuse and (contacts, groups) == (args.contacts, args.groups):
        print(f"  --reuse: {contacts:,} contacts and {groups:,} groups already there, not seeding")
    else:
        if contacts or groups:
            print(f"  emptying contacts ({contacts:,}) and groups ({groups:,})")
        reseed_contacts(piiri, env, engine, args.contacts, tables=("contacts", "groups"))
        run([piiri, "seed", "--groups", str(args.groups)], env, f"piiri seed --groups {args.groups:,}")
        contacts = scalar(engine, "SELECT count(*) FROM contacts")
        run_sql_autocommit(engine, "VACUUM (ANALYZE) contacts, memberships, groups")
    ensure_admin(piiri, env)
    return engine, contacts


def run_sql_autocommit(engine, sql):
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(sql)


# --- the rows ---------------------------------------------------------------------------------------


def large_group(engine):
    """(id, path) of the top-level group with the most subgroups (its subtree has the most members)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT g.id, g.path FROM groups g WHERE g.parent_id IS NULL "
                "ORDER BY (SELECT count(*) FROM groups s WHERE s.path LIKE g.path || '%') DESC, g.id LIMIT 1"
            )
        ).one()


def deep_position(engine, page):
    """The keyset position after the last row of page ``page - 1`` of everyone sorted by created_at."""
    from sqlalchemy import text

    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT created_at, id FROM contacts ORDER BY created_at, id OFFSET :skip LIMIT 1"),
            {"skip": (page - 1) * LIMIT - 1},
        ).one()
    return {
        "m": "a",
        "o": "created_at",
        "d": "asc",
        "n": 0,
        "k": row.created_at.isoformat(),
        "i": str(row.id),
    }


def a_contact_with_namesakes(engine):
    """A person another contact shares the name and birth date with (the duplicate check then has a
    candidate to score), else one whose name others share."""
    return scalar(
        engine,
        "SELECT min(id::text)::uuid FROM contacts WHERE kind = 'person' AND birth_date IS NOT NULL "
        "GROUP BY sort_name, birth_date HAVING count(*) > 1 LIMIT 1",
    ) or scalar(
        engine,
        "SELECT id FROM contacts WHERE kind = 'person' AND last_name = 'Virtanen' ORDER BY id LIMIT 1",
    )


def checked(response, what):
    if response.status_code != 200:
        raise SystemExit(f"bench: {what} -> {response.status_code}: {response.text[:300]}")
    return response


def cases(engine, base_url, http):
    import services.contacts.service  # noqa: F401  (registers every feature's search filters)
    from piiri import clock
    from services.contacts import storage
    from services.contacts.advanced_search import storage as advanced_storage
    from services.contacts.advanced_search.storage import condition_for
    from services.contacts.birthdays import rules as birthday_rules
    from services.contacts.birthdays import storage as birthday_storage
    from services.contacts.birthdays.rpc import important_conditions
    from services.contacts.groups import storage as group_storage
    from services.contacts.search import encode_cursor, plan_search

    group_id, group_path = large_group(engine)
    structured = {
        "and": [
            {"filter": "group_id", "value": str(group_id)},
            {"filter": "age_min", "value": "30"},
            {"filter": "has_email", "value": "true"},
        ]
    }
    everyone = {"filter": "deceased", "value": "include"}
    position = deep_position(engine, DEEP)
    deep_cursor = encode_cursor(position)
    contact_id = a_contact_with_namesakes(engine)

    def post(path, body):
        return lambda h: checked(h.post(f"{base_url}{path}", json=body, timeout=30), path)

    def get(path, params=None):
        return lambda h: checked(h.get(f"{base_url}{path}", params=params, timeout=30), path)

    def birthdays_sql(session):
        settings = birthday_storage.get_settings(session)
        ranges = birthday_rules.birth_ranges(clock.today(), settings["horizon_days"], settings["round_ages"])
        conditions = important_conditions(settings["important_filters"])
        return birthday_storage.upcoming(session, ranges, conditions, birthday_rules.LIST_LIMIT)

    def tree_sql(session):
        from services.contacts.groups import tree as group_tree

        rows = group_storage.all_groups(session, max_depth=TREE_DEPTH)
        ids = [row["id"] for row in rows]
        direct, total = group_storage.stored_member_counts(session, clock.today(), group_ids=ids)
        return group_tree.build_tree(rows, direct, total)

    group = {"id": group_id, "path": group_path}
    rows = [
        Case(
            "free-text search",
            "GET /api/v1/contacts?q=virtanen",
            get("/api/v1/contacts", {"q": "virtanen", "limit": LIMIT}),
            lambda s: storage.search(s, plan_search("virtanen"), LIMIT, None)[0],
        ),
        Case(
            "3-filter structured search",
            "POST /api/v1/contacts:search group_id AND age_min=30 AND has_email",
            post("/api/v1/contacts:search", {"expression": structured, "limit": LIMIT}),
            lambda s: advanced_storage.page(s, condition_for(structured), "name", "asc", LIMIT, None)[0],
        ),
        Case(
            f"page {DEEP:,}, sorted by created_at",
            f"POST /api/v1/contacts:search sort=created_at, cursor of page {DEEP:,}",
            post(
                "/api/v1/contacts:search",
                {"expression": everyone, "sort": "created_at", "limit": LIMIT, "cursor": deep_cursor},
            ),
            lambda s: advanced_storage.page(s, condition_for(everyone), "created_at", "asc", LIMIT, position)[
                0
            ],
        ),
        Case(
            "members incl. subgroups, large group",
            "GET /api/v1/groups/{id}/members",
            get(f"/api/v1/groups/{group_id}/members", {"limit": LIMIT}),
            lambda s: group_storage.members_page(s, group, True, clock.today(), LIMIT, None)[0],
        ),
        Case(
            "groups tree with member counts",
            f"GET /api/v1/groups?max_depth={TREE_DEPTH} (the tree page: direct and incl. subgroups counts)",
            get("/api/v1/groups", {"max_depth": TREE_DEPTH}),
            tree_sql,
        ),
        duplicates_case(base_url, http, contact_id, get),
        Case(
            "upcoming birthdays",
            "GET /api/v1/birthdays",
            get("/api/v1/birthdays"),
            birthdays_sql,
        ),
    ]
    return rows


def duplicates_case(base_url, http, contact_id, get):
    """The duplicate-candidates row, or "not available" while that feature is not in the API yet."""
    path = DUPLICATES_PATH.format(contact_id=contact_id)
    case = Case("duplicate candidates, one contact", "GET /api/v1/contacts/{id}/duplicates")
    paths = http.get(f"{base_url}/api/v1/openapi.json", timeout=30).json().get("paths", {})
    if DUPLICATES_PATH not in paths:
        case.available, case.note = False, "not available"
        return case
    try:
        from services.contacts import storage
        from services.contacts.merge import rules as merge_rules
        from services.contacts.merge import storage as merge_storage

        def sql(session):
            contact = storage.get_contact(session, contact_id)
            return merge_rules.candidates(contact, merge_storage.block_rows(session, contact))

        case.sql = sql
    except (ImportError, AttributeError):
        case.note = "no SQL baseline"
    probe = http.get(f"{base_url}{path}", timeout=30)
    if probe.status_code != 200:
        case.available, case.note = False, f"not available (HTTP {probe.status_code})"
        print(f"  duplicates: {path} -> {probe.status_code}: {probe.text[:200]}", flush=True)
        return case
    case.api = get(path)
    return case


DEEP = DEEP_PAGE


# --- measuring --------------------------------------------------------------------------------------


def measure(case, http, engine, rounds):
    from sqlalchemy.orm import Session

    for index in range(WARMUP + rounds):
        started = time.perf_counter()
        response = case.api(http)
        elapsed = (time.perf_counter() - started) * 1000
        if index >= WARMUP:
            case.api_ms.append(elapsed)
    body = response.json()
    case.rows = len(body.get("items", []))
    if case.sql is None:
        return
    with Session(engine) as session:
        for index in range(WARMUP + rounds):
            started = time.perf_counter()
            case.sql(session)
            elapsed = (time.perf_counter() - started) * 1000
            session.rollback()
            if index >= WARMUP:
                case.sql_ms.append(elapsed)


def report(results, args, contacts, groups):
    headers = ["query", "API request", "rows", "API p50", "API p95", "SQL p50", "SQL p95", "ratio"]
    headers.append(f"p95<{TARGET_P95_MS:g}ms")
    table = []
    misses = []
    for case in results:
        if not case.available:
            table.append([case.label, case.request, "-", case.note or "not available", "", "", "", "", "-"])
            continue
        api50, api95 = percentile(case.api_ms, 0.5), percentile(case.api_ms, 0.95)
        sql50 = percentile(case.sql_ms, 0.5) if case.sql_ms else None
        sql95 = percentile(case.sql_ms, 0.95) if case.sql_ms else None
        ok = api95 < TARGET_P95_MS
        if not ok:
            misses.append(case.label)
        table.append(
            [
                case.label,
                case.request,
                str(case.rows),
                f"{api50:.1f}",
                f"{api95:.1f}",
                f"{sql50:.1f}" if sql50 is not None else "-",
                f"{sql95:.1f}" if sql95 is not None else "-",
                f"{api50 / sql50:.1f}x" if sql50 else "-",
                "-" if args.smoke else ("yes" if ok else "NO"),
            ]
        )
    print(
        f"\nC5 latency, ms: {contacts:,} contacts, {groups:,} groups, {args.rounds} rounds per row, "
        f"limit={LIMIT}, after {WARMUP} warm-up requests. ratio = API p50 / SQL p50."
    )
    print(format_table(headers, table, align="llrrrrrrl"))
    return misses


def main(argv=None):
    global DEEP
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
    args = parse_args(argv)
    DEEP = args.deep_page
    http_address = f"127.0.0.1:{args.port}"
    base_url = f"http://{http_address}"
    env = isolated_env(args.prefix, args.vhost, http_address)
    apply_env(env)
    if port_in_use("127.0.0.1", args.port):
        raise SystemExit(f"bench: something already listens on {http_address}; stop it first.")
    piiri = piiri_executable()
    started = time.perf_counter()
    engine, contacts = prepare(args, env, piiri)
    groups = scalar(engine, "SELECT count(*) FROM groups")

    log_path = Path(tempfile.gettempdir()) / f"{args.prefix}-run.log"
    server = Server([piiri, "run"], env, log_path).start()
    try:
        wait_for_health(base_url, server)
        print(f"  piiri run: healthy on {base_url} (log: {log_path})", flush=True)
        import requests

        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token_for(base_url)}"
        results = cases(engine, base_url, http)
        load_before = os.getloadavg()
        print(f"Measuring {len(results)} rows x {args.rounds} rounds ...", flush=True)
        for case in results:
            if case.available:
                measure(case, http, engine, args.rounds)
        load_after = os.getloadavg()
    finally:
        code = server.stop()
        print(f"  piiri run stopped (exit {code})", flush=True)

    misses = report(results, args, contacts, groups)
    print(
        f"Machine: {os.cpu_count()} CPUs, load average (1/5/15 min) "
        f"{'/'.join(f'{x:.1f}' for x in load_before)} before, "
        f"{'/'.join(f'{x:.1f}' for x in load_after)} after."
    )
    engine.dispose()
    print(f"Total time {time.perf_counter() - started:.0f} s (seeding included). Target: API p95 < 100 ms.")
    if args.smoke:
        return 0
    if misses:
        print("MISSED the p95 target: " + ", ".join(misses))
        return 1
    print("All rows meet the p95 target.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
