#!/usr/bin/env python
"""M1 / issue 14: consent-gated audience evaluation of a 500,000-contact group; target <= 2 s.

The evaluation is the contacts service's own SQL (services/contacts/mailing_audience/storage.py), run as
contacts.mailing_audience runs it: the group's condition (export selection, the actor's data scope) and,
for each contact, the first reason that leaves them out -- deceased, no e-mail, an e-mail that cannot be
mailed, no valid consent or legal basis for the list's purpose (``newsletter``, consent-based) today.

    .venv/bin/python bench/audience_bench.py                    # 500,000 contacts in one group
    .venv/bin/python bench/audience_bench.py --reuse            # keep the seeded contacts
    .venv/bin/python bench/audience_bench.py --explain          # and print EXPLAIN ANALYZE
    .venv/bin/python bench/audience_bench.py --smoke            # 5,000 contacts, no target (CI)

Seeding (COPY, services/contacts/seed.py; then one INSERT ... SELECT each): every contact a member of the
group; 70 % gave the newsletter consent, 5 % of those withdrew it later (the newest row counts), 2 % have
a person-specific legal basis (legitimate interest) instead. Timed (each the best of --repeat runs):

1. the counts per reason of the whole group (what the list's page and a full sync's first page show);
2. the whole audience walked in pages of 1,000 as a full sync does (page + the reason of each contact).

Own databases (piiri_audbench_*); exit status 1 when the target is missed (never with --smoke).
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    apply_env,
    contacts_engine,
    isolated_env,
    piiri_executable,
    scalar,
    start_setup,
    verdict,
)

PREFIX, VHOST, PORT = "piiri_audbench", "piiri_audbench", 8113
SMOKE_PREFIX = "piiri_audbench_smoke"
TARGET_SECONDS = 2.0
PURPOSE = "newsletter"


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--contacts", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded contacts if there are N")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the counts")
    parser.add_argument("--no-walk", action="store_true", help="time the counts only")
    parser.add_argument("--smoke", action="store_true", help="5,000 contacts, no target")
    args = parser.parse_args(argv)
    args.prefix, args.vhost = (SMOKE_PREFIX, VHOST) if args.smoke else (PREFIX, VHOST)
    if args.smoke:
        args.contacts, args.repeat = 5_000, 1
    args.port = PORT
    return args


def seeded_group(engine, url, count, reuse, consented=70):
    """The id of the group of ``count`` contacts: with ``reuse``, the one already there when the database
    holds exactly ``count`` contacts; otherwise seeded anew (seed)."""
    if reuse and scalar(engine, "SELECT count(*) FROM contacts") == count:
        group_id = scalar(engine, "SELECT id FROM groups WHERE name = 'Uutiskirjeen tilaajat' LIMIT 1")
        if group_id is not None:
            print(f"  --reuse: {count:,} contacts already there")
            return group_id
    print(f"Seed {count:,} contacts in one group", flush=True)
    return seed(engine, url, count, consented)


def seed(engine, url, count, consented=70):
    """The contacts (COPY), the group with all of them, consents and legal bases; the group's id."""
    from sqlalchemy import text

    from services.contacts.seed import seed_contacts

    with engine.begin() as conn:
        conn.execute(text("TRUNCATE contacts, groups CASCADE"))
    started = time.perf_counter()
    seed_contacts(url, count)
    print(f"  {count:,} contacts by COPY: {time.perf_counter() - started:.1f} s", flush=True)
    started = time.perf_counter()
    with engine.begin() as conn:
        group_id = conn.execute(
            text(
                "INSERT INTO groups (id, name, path) SELECT g, 'Uutiskirjeen tilaajat', '/' || g || '/'"
                " FROM gen_random_uuid() AS g RETURNING id"
            )
        ).scalar()
        conn.execute(
            text("INSERT INTO memberships (group_id, contact_id) SELECT :g, id FROM contacts"),
            {"g": group_id},
        )
        conn.execute(
            text(
                "INSERT INTO consents (contact_id, purpose, given, recorded_at, source, recorded_by)"
                " SELECT id, :p, true, now() - interval '30 days', 'form', 'bench' FROM contacts"
                " WHERE abs(hashtext(id::text)) % 100 < :share"
            ),
            {"p": PURPOSE, "share": consented},
        )
        conn.execute(
            text(
                "INSERT INTO consents (contact_id, purpose, given, recorded_at, source, recorded_by)"
                " SELECT id, :p, false, now() - interval '1 day', 'form', 'bench' FROM contacts"
                " WHERE abs(hashtext(id::text)) % 100 < :share AND abs(hashtext(id::text || 'w')) % 100 < 5"
            ),
            {"p": PURPOSE, "share": consented},
        )
        conn.execute(
            text(
                "INSERT INTO legal_bases (contact_id, purpose, basis, recorded_by)"
                " SELECT id, :p, 'legitimate_interest', 'bench' FROM contacts"
                " WHERE abs(hashtext(id::text || 'b')) % 100 < 2"
            ),
            {"p": PURPOSE},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in ("contacts", "memberships", "consents", "consent_current", "legal_bases", "groups"):
            conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")
    print(
        f"  group, consents, legal bases, VACUUM ANALYZE: {time.perf_counter() - started:.1f} s", flush=True
    )
    return group_id


def evaluate(session, group_id, walk):
    """(seconds of the counts, {reason: n}, seconds of the walk or None, contacts walked)."""
    from piiri.context import Actor
    from services.contacts.export_rows import selection as selections
    from services.contacts.export_rows import storage as rows_storage
    from services.contacts.mailing_audience import storage

    actor = Actor(id="bench", username="bench", permissions=("mail.send", "contacts.view"))
    found = storage.purpose(session, PURPOSE)
    chosen = selections.check({"kind": "group", "id": str(group_id), "include_subgroups": True})
    started = time.perf_counter()
    condition = selections.scoped_condition(chosen, session, actor)
    counts = storage.reasons_of(session, condition, found["code"], found["legal_basis"])
    counted = time.perf_counter() - started
    session.rollback()
    if not walk:
        return counted, counts, None, 0
    started = time.perf_counter()
    position, walked = None, 0
    while True:
        condition = selections.scoped_condition(chosen, session, actor)
        items, position = rows_storage.page(session, condition, 1000, position, ["first_name", "email"])
        storage.reasons_by_id(session, [item["id"] for item in items], found["code"], found["legal_basis"])
        session.rollback()
        walked += len(items)
        if not position:
            break
    return counted, counts, time.perf_counter() - started, walked


def explain(session, group_id):
    from sqlalchemy import func, literal, select, text, tuple_
    from sqlalchemy.dialects import postgresql

    from piiri.context import Actor
    from services.contacts.export_rows import selection as selections
    from services.contacts.mailing_audience import storage
    from services.contacts.models import contacts

    actor = Actor(id="bench", username="bench", permissions=("mail.send",))
    chosen = selections.check({"kind": "group", "id": str(group_id), "include_subgroups": True})
    condition = selections.scoped_condition(chosen, session, actor)
    captured = []
    original = session.execute

    def capture(query, *args, **kwargs):  # the query reasons_of runs, explained instead
        captured.append(query)
        return []

    session.execute = capture
    try:
        storage.reasons_of(session, condition, PURPOSE, "consent")
    finally:
        session.execute = original
    compiled = captured[0].compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    print("  EXPLAIN ANALYZE of the counts per reason:")
    for (line,) in session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")):
        print("   ", line)
    session.rollback()
    middle = session.execute(
        select(contacts.c.sort_name, contacts.c.id)
        .where(condition)
        .order_by(contacts.c.sort_name, contacts.c.id)
        .offset(func.greatest(literal(0), select(func.count()).select_from(contacts).scalar_subquery() / 2))
        .limit(1)
    ).first()
    session.rollback()
    page = (
        select(contacts.c.id, contacts.c.email, contacts.c.sort_name)
        .where(
            condition,
            tuple_(contacts.c.sort_name, contacts.c.id) > tuple_(literal(middle[0]), literal(middle[1])),
        )
        .order_by(contacts.c.sort_name, contacts.c.id)
        .limit(1001)
    )
    compiled = page.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    print("  EXPLAIN ANALYZE of a page of 1,000 in the middle of the group (keyset, as a full sync reads):")
    for (line,) in session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS) {compiled}")):
        print("   ", line)
    session.rollback()


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    apply_env(env)
    start_setup(args, env, piiri_executable())
    from sqlalchemy.orm import Session

    from piiri.config import database_url, load_config

    engine = contacts_engine()
    url = database_url(load_config(), "contacts")
    group_id = seeded_group(engine, url, args.contacts, args.reuse)
    best_count, best_walk = None, None
    with Session(engine) as session:
        for _ in range(args.repeat):
            counted, counts, walked_seconds, walked = evaluate(session, group_id, not args.no_walk)
            best_count = counted if best_count is None else min(best_count, counted)
            if walked_seconds is not None:
                best_walk = walked_seconds if best_walk is None else min(best_walk, walked_seconds)
        if args.explain:
            explain(session, group_id)
    total = sum(counts.values())
    print(f"Audience of {total:,} group members, purpose {PURPOSE}:")
    for reason, number in sorted(counts.items(), key=lambda item: str(item[0])):
        print(f"  {reason or 'mailable'}: {number:,}")
    print(f"  counts per reason (the whole group evaluated): {best_count:.2f} s (best of {args.repeat})")
    if best_walk is not None:
        print(f"  walked in pages of 1,000 as a full sync does: {best_walk:.2f} s ({walked:,} contacts)")
    missed = best_count > TARGET_SECONDS
    return verdict(args.smoke, f"{best_count:.2f} s > {TARGET_SECONDS:.0f} s" if missed else None)


if __name__ == "__main__":
    sys.exit(main())
