#!/usr/bin/env python
"""Q1/Q2 benchmark (issue 16): push 20,000 members of a group to a LimeSurvey survey as participants
(contacts.survey_recipients_page pages -> batched add_participants -> participant rows and their audit
records), then pull and map 10,000 responses from people who were not pushed, each matched against the
registry's contacts with the imports' duplicate matching (contacts.upsert_batch, new_people "skip": half
of them duplicates of existing contacts, half new). Targets: push <= 20 s, responses <= 60 s.

    .venv/bin/python bench/surveys_bench.py                       # 20,000 participants, 10,000 responses
    .venv/bin/python bench/surveys_bench.py --contacts 1000000    # matching against 1,000,000 contacts
    .venv/bin/python bench/surveys_bench.py --smoke               # 300 / 200 / 2,000 contacts, no targets

The surveys, contacts and audit services run in this process on their own databases (piiri_surveybench_*)
and vhost (piiri_surveybench); LimeSurvey is the project's emulator (emulators/limesurvey) in a process of
its own, as a real LimeSurvey would be, reached through the real citric client. Exit status 1 when a
target is missed (never with --smoke).
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

from bench.common import (  # noqa: E402
    apply_env,
    contacts_engine,
    isolated_env,
    piiri_executable,
    reseed_contacts,
    scalar,
    start_setup,
)

PREFIX, VHOST, PORT = "piiri_surveybench", "piiri_surveybench", 8110
SMOKE_PREFIX, SMOKE_VHOST = "piiri_surveybench_smoke", "piiri_surveybench_smoke"
PUSH_TARGET_SECONDS = 20.0
RESPONSES_TARGET_SECONDS = 60.0
SID = 900900
MAPPING = {"etu": "first_name", "suku": "last_name", "sposti": "email", "kunta": "city"}


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=20_000)
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument(
        "--contacts", type=int, default=50_000, help="contacts in the registry (>= participants)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep the seeded contacts if there are N of them"
    )
    parser.add_argument("--smoke", action="store_true", help="300 participants, 200 responses, no targets")
    args = parser.parse_args(argv)
    if args.smoke:
        args.participants, args.responses, args.contacts = 300, 200, 2_000
        args.prefix, args.vhost = SMOKE_PREFIX, SMOKE_VHOST
    else:
        args.prefix, args.vhost = PREFIX, VHOST
    args.port = PORT
    args.contacts = max(args.contacts, args.participants)
    return args


def seed_group(engine, group_id, count):
    """``count`` contacts with an e-mail become members of the group (one INSERT … SELECT)."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO memberships (group_id, contact_id) SELECT :g, id FROM contacts "
                "WHERE email IS NOT NULL AND deceased_on IS NULL ORDER BY id LIMIT :n"
            ),
            {"g": group_id, "n": count},
        )
    return scalar(engine, "SELECT count(*) FROM memberships WHERE group_id = :g", g=group_id)


def duplicates_of(engine, count):
    """First name, last name and e-mail of ``count`` existing contacts (responses that are duplicates)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT first_name, last_name, email FROM contacts"
                " WHERE email IS NOT NULL AND first_name IS NOT NULL ORDER BY id DESC LIMIT :n"
            ),
            {"n": count},
        ).all()
    return [{"etu": r.first_name, "suku": r.last_name, "sposti": r.email, "kunta": "Oulu"} for r in rows]


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    env = isolated_env(args.prefix, args.vhost, f"127.0.0.1:{args.port}")
    apply_env(env)
    piiri = piiri_executable()
    start_setup(args, env, piiri)
    engine = contacts_engine()
    if args.reuse and scalar(engine, "SELECT count(*) FROM contacts") == args.contacts:
        print(f"  --reuse: {args.contacts:,} contacts already there")
    else:
        reseed_contacts(piiri, env, engine, args.contacts)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) contacts")

    import citric
    from nameko.runners import ServiceRunner
    from nameko.standalone.rpc import ClusterRpcProxy

    from piiri.config import database_url, load_config
    from piiri.context import Actor, context_data_for
    from piiri.db import make_engine
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService
    from services.surveys.service import SurveysService

    limesurvey = subprocess.Popen(
        [sys.executable, "-m", "emulators.limesurvey", "--port", "0", "--user", "bench",
         "--password", "bench", "--survey", f"{SID}:Benchmark:{','.join(MAPPING)}"],
        cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = limesurvey.stdout.readline().strip()
    config = load_config()
    config.update(
        LIMESURVEY_URL=url,
        LIMESURVEY_USER="bench",
        LIMESURVEY_PASSWORD="bench",
        SURVEY_SYNC_SECONDS=0,
        SURVEY_RPC_TIMEOUT=600,
    )
    with make_engine(database_url(config, "surveys"), pool_size=1).begin() as conn:
        conn.exec_driver_sql("TRUNCATE survey_links CASCADE")
    runner = ServiceRunner(config)
    for cls in (ContactsService, AuditService, SurveysService):
        runner.add_service(cls)
    runner.start()
    actor = Actor(
        id="bench",
        username="bench",
        permissions=("contacts.view", "contacts.edit", "contacts.export", "contacts.import", "groups.manage"),
    )
    missed = []
    try:
        with ClusterRpcProxy(config, context_data=context_data_for(actor), timeout=900) as cluster:
            group = cluster.contacts.create_group(f"Kysely {time.time():.0f}")
            members = seed_group(engine, group["id"], args.participants)
            print(f"Push {members:,} members as participants", flush=True)
            link = cluster.surveys.link_survey(
                {
                    "sid": SID,
                    "selection": {"kind": "group", "id": group["id"]},
                    "mapping": MAPPING,
                    "new_people": "skip",
                }  # fmt: skip
            )
            started = time.perf_counter()
            pushed = cluster.surveys.push_participants(link["id"])
            push_seconds = time.perf_counter() - started
            print(f"  {pushed['added']:,} added in {push_seconds:.1f} s")
            if pushed["added"] != members:
                missed.append(f"pushed {pushed['added']} of {members}")
            if push_seconds > PUSH_TARGET_SECONDS:
                missed.append(f"push {push_seconds:.1f} s > {PUSH_TARGET_SECONDS:.0f} s")

            half = args.responses // 2
            answers = duplicates_of(engine, half)
            answers += [
                {
                    "etu": f"Uusi{n}",
                    "suku": f"Vastaaja{n}",
                    "sposti": f"uusi.vastaaja{n}@bench.example",
                    "kunta": "Kemi",
                }
                for n in range(args.responses - len(answers))
            ]
            with citric.Client(url, "bench", "bench") as client:
                for answer in answers:
                    client.session.add_response(SID, answer)
            print(
                f"Take in {len(answers):,} responses (matching against {args.contacts:,} contacts)",
                flush=True,
            )
            started = time.perf_counter()
            synced = cluster.surveys.sync_survey(link["id"])
            sync_seconds = time.perf_counter() - started
            print(f"  {synced['responses']} in {sync_seconds:.1f} s")
            if sum(synced["responses"].values()) != len(answers):
                missed.append(f"took in {sum(synced['responses'].values())} of {len(answers)} responses")
            if sync_seconds > RESPONSES_TARGET_SECONDS:
                missed.append(f"responses {sync_seconds:.1f} s > {RESPONSES_TARGET_SECONDS:.0f} s")
    finally:
        runner.stop()
        limesurvey.terminate()
        limesurvey.wait(10)
    if missed and not args.smoke:
        print("MISSED: " + "; ".join(missed))
        return 1
    print("targets met" if not args.smoke else "smoke run done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
