"""The operator's command line, ``piiri``: migrate, seed, create-user, demo-admin, run, check, audit verify.

Every failure ends as one clear line on stderr and a non-zero exit status, never a traceback
(set PIIRI_DEBUG=1 to get the traceback). This module imports only the standard library at the
top: ``piiri run`` must monkey-patch eventlet before nameko, kombu or the services are imported.
"""

import argparse
import os
import re
import sys
import time
import warnings
from contextlib import contextmanager

SERVICE_CLASSES = {
    "contacts": "services.contacts.service:ContactsService",
    "contacts_worker": "services.contacts.worker:ContactsWorker",  # issue 18: its timers, off requests
    "audit": "services.audit.service:AuditService",
    "gateway": "gateway.service:GatewayService",
    "imports": "services.imports.service:ImportsService",
    "import_worker": "services.imports.worker:ImportWorker",  # I1: scaled by count on its own
    "exports": "services.exports.service:ExportsService",
    "export_worker": "services.exports.worker:ExportWorker",  # I2: scaled by count on its own
    "surveys": "services.surveys.service:SurveysService",  # Q1, Q2: LimeSurvey
    "mailing": "services.mailing.service:MailingService",
    "mailing_worker": "services.mailing.worker:MailingWorker",  # M1: syncs and sends, scaled on its own
    "billing": "services.billing.service:BillingService",
    "billing_worker": "services.billing.worker:BillingWorker",  # B1: invoice runs, scaled by count
}
SERVICE_NAMES = tuple(SERVICE_CLASSES)
# A worker kind uses its service's database.
DATABASE_OF = {
    "contacts_worker": "contacts",
    "import_worker": "imports",
    "export_worker": "exports",
    "mailing_worker": "mailing",
    "billing_worker": "billing",
}


def database_names(names):
    """The databases the given services use (each once)."""
    return list(dict.fromkeys(DATABASE_OF.get(name, name) for name in names))


CHECK_TIMEOUT = 5


class CliError(Exception):
    """A message for the operator (exit status 1)."""


# --- helpers ----------------------------------------------------------------------------------


def one_line(text):
    return " ".join(str(text).split())


def describe_url(url):
    """'postgresql+psycopg://piiri:secret@host:5432/db' -> 'db at host:5432' (never the password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return f"{parsed.database or '(server)'} at {parsed.host or 'localhost'}:{parsed.port or 5432}"


def postgres_reason(exc):
    """The useful part of a psycopg connection error: 'Connection refused', 'database "x" does not exist'."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return one_line(first.rsplit("failed: ", 1)[-1])


@contextmanager
def talking_to_postgres(url):
    """Turn connection and missing-table errors about ``url`` into one clear CliError."""
    import psycopg
    import sqlalchemy.exc

    try:
        yield
    except (psycopg.Error, sqlalchemy.exc.DBAPIError) as exc:
        original = exc.orig if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.orig is not None else exc
        where = describe_url(url)
        if isinstance(original, psycopg.errors.UndefinedTable):
            raise CliError(
                f"{where} is not migrated ({one_line(original)}): run `piiri migrate` first"
            ) from None
        if not isinstance(original, psycopg.OperationalError):
            raise
        reason = postgres_reason(original)
        if re.search(r'database ".*" does not exist', reason):
            raise CliError(f"cannot use {where}: {reason}; run `piiri migrate` first") from None
        raise CliError(
            f"cannot connect to PostgreSQL ({where}): {reason}. "
            "Is PostgreSQL running, and are PIIRI_DATABASE_URL / PIIRI_CONFIG right?"
        ) from None


def describe_error(exc):
    """One line for any exception that reaches ``main``."""
    from piiri.errors import PiiriError

    if isinstance(exc, CliError):
        return str(exc)
    if isinstance(exc, PiiriError):  # codes in words (English, as the rest of the CLI), the code kept
        from gateway.i18n import Translator

        words = Translator("en").service_message
        listed = {
            field: messages if isinstance(messages, list | tuple) else [messages]
            for field, messages in exc.details.items()
        }
        details = "; ".join(f"{field}: {' '.join(map(words, found))}" for field, found in listed.items())
        text = words(exc.message, exc.params)
        text = f"{text} ({details})" if details else text
        return one_line(f"{text} [{exc.message}]" if text != exc.message else text)
    module = type(exc).__module__.split(".")[0]
    if module in ("psycopg", "sqlalchemy"):
        original = getattr(exc, "orig", None) or exc
        return f"database error: {postgres_reason(original)}"
    if module in ("amqp", "kombu"):
        return f"RabbitMQ error: {one_line(exc)}"
    if isinstance(exc, FileNotFoundError):
        return f"file not found: {exc.filename or one_line(exc)}"
    if isinstance(exc, ConnectionError | TimeoutError):
        return f"cannot connect: {one_line(exc)}"
    if isinstance(exc, ModuleNotFoundError):
        return f"a part of Piiri is missing: {one_line(exc)}"
    return f"unexpected {type(exc).__name__}: {one_line(exc)} (set PIIRI_DEBUG=1 for the traceback)"


def load_config():
    import yaml

    from piiri.config import DEFAULT_CONFIG
    from piiri.config import load_config as load

    path = os.environ.get("PIIRI_CONFIG") or str(DEFAULT_CONFIG)
    try:
        return load(path)
    except FileNotFoundError:
        raise CliError(f"configuration file {path} not found (PIIRI_CONFIG)") from None
    except yaml.YAMLError as exc:
        raise CliError(f"configuration file {path} is not valid YAML: {one_line(exc)}") from None


def browser_address(config):
    """WEB_SERVER_ADDRESS ('0.0.0.0:8000', '127.0.0.1:8000', '8000') as a browser would use it."""
    address = str(config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000"))
    host, _, port = address.rpartition(":")
    if host in ("", "0.0.0.0", "::", "[::]"):
        host = "localhost"
    return f"{host}:{port}"


def parse_services(text):
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in SERVICE_CLASSES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown service {', '.join(unknown) or '(none)'}; choose from {', '.join(SERVICE_NAMES)}"
        )
    return list(dict.fromkeys(names))


def positive_int(text):
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def gateway_users():
    try:
        from gateway import users
    except ImportError as exc:
        raise CliError(f"the gateway is not available here ({one_line(exc)})") from None
    return users


def gateway_session(config):
    """(engine, session) on the gateway's own database."""
    from sqlalchemy.orm import Session

    from piiri.config import database_url
    from piiri.db import make_engine

    url = database_url(config, "gateway")
    engine = make_engine(url, pool_size=1)
    return url, engine, Session(engine, expire_on_commit=False)


# --- commands ---------------------------------------------------------------------------------


def cmd_migrate(args):
    from piiri.config import database_url
    from piiri_cli.databases import migrate

    config = load_config()
    for service in database_names(args.service or SERVICE_NAMES):
        url = database_url(config, service)
        with talking_to_postgres(url):
            migrate(config, [service])
        print(f"migrated {service}: {describe_url(url)}")


def cmd_seed(args):
    from piiri.config import database_url
    from services.contacts import seed

    config = load_config()
    url = database_url(config, "contacts")
    where = describe_url(url)
    with talking_to_postgres(url):
        if args.demo:
            written = seed.seed_demo(url)
            if written:
                print(f"wrote {written:,} demo contacts into {where}")
            else:
                existing = seed.count_contacts(url)
                print(f"{where} already has {existing:,} contacts: no demo contacts written")
            return
        if args.contacts:
            progress = show_progress(args.contacts) if sys.stderr.isatty() else None
            started = time.perf_counter()
            written = seed.seed_contacts(
                url, args.contacts, seed=args.seed, batch=args.batch, progress=progress
            )
            seconds = time.perf_counter() - started
            rate = written / seconds
            print(f"seeded {written:,} contacts into {where} in {seconds:.1f} s ({rate:,.0f} rows/s)")
        if args.groups:
            from services.contacts.groups.seed import seed_groups

            started = time.perf_counter()
            groups, memberships = seed_groups(url, args.groups, seed=args.seed)
            seconds = time.perf_counter() - started
            print(f"seeded {groups:,} groups and {memberships:,} memberships into {where} in {seconds:.1f} s")


def show_progress(total):
    from services.contacts.seed import BULK_THRESHOLD

    def progress(written, count):
        end = "\n" if written >= count else ""
        print(f"\r  copied {written:,} / {count:,}", end=end, file=sys.stderr, flush=True)
        if written >= count and count >= BULK_THRESHOLD:
            print("  rebuilding indexes and analysing ...", file=sys.stderr, flush=True)

    return progress


def read_new_password(username):
    password = os.environ.get("PIIRI_NEW_USER_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise CliError("no password: give --password, set PIIRI_NEW_USER_PASSWORD, or run in a terminal")
    import getpass

    password = getpass.getpass(f"Password for {username}: ")
    if password != getpass.getpass("Same password again: "):
        raise CliError("the two passwords differ; nothing was changed")
    return password


def cmd_create_user(args):
    from piiri.errors import Conflict

    users = gateway_users()
    config = load_config()
    password = args.password or read_new_password(args.username)
    url, engine, session = gateway_session(config)
    try:
        with talking_to_postgres(url), session:
            try:
                users.create_user(session, username=args.username, password=password, role=args.role)
            except Conflict:
                raise CliError(f"user '{args.username}' already exists; nothing was changed") from None
    finally:
        engine.dispose()
    print(f"created user {args.username} with role {args.role}")


def cmd_demo_admin(args):
    import secrets

    from piiri.errors import Conflict

    password = os.environ.get("PIIRI_DEMO_PASSWORD") or secrets.token_urlsafe(12)
    users = gateway_users()

    config = load_config()
    url, engine, session = gateway_session(config)
    try:
        with talking_to_postgres(url), session:
            try:
                users.create_user(session, username="admin", password=password, role="admin")
                print("created user admin with role admin")
            except Conflict:
                users.set_password(session, "admin", password)
                users.set_role(session, "admin", "admin", active=True)
                print("user admin exists: password set, role admin, active")
    finally:
        engine.dispose()
    print(f"Log in at http://{browser_address(config)}/ as admin / {password}")


def prepare_eventlet():
    """Green the process before nameko, kombu or any service module is imported (stack.md traps 2, 6)."""
    import eventlet

    eventlet.monkey_patch()

    import piiri  # noqa: F401  (psycopg waits cooperatively under eventlet)


def cmd_run(args):
    prepare_eventlet()

    import logging
    import logging.config

    import nameko.cli.run as nameko_run
    from nameko.exceptions import CommandError
    from nameko.runners import ServiceRunner

    config = load_config()
    names = args.services or list(SERVICE_NAMES)
    classes = []
    for name in names:
        try:
            classes.extend(nameko_run.import_service(SERVICE_CLASSES[name]))
        except (ImportError, CommandError) as exc:
            raise CliError(f"cannot load the {name} service: {one_line(exc)}") from None
    preflight(config, names)
    if "surveys" in names:
        start_limesurvey_emulator(config)
    if not args.services:  # everything in one process (make run): a local Campaign Monitor too
        catcher = local_smtp_server(config, names)
        local_campaign_monitor(config, names, catcher)
        local_einvoice_operator(config, names)
    if "LOGGING" in config:
        logging.config.dictConfig(config["LOGGING"])
    else:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if "gateway" in names:
        banner = f"Piiri is running at http://{browser_address(config)}/"
    else:
        banner = f"Piiri services {', '.join(names)} are running (no web gateway in this process)"

    class AnnouncingRunner(ServiceRunner):
        """nameko's runner, saying once that every container has started."""

        def start(self):
            super().start()
            print(banner, flush=True)

    nameko_run.ServiceRunner = AnnouncingRunner  # nameko.cli.run.run builds its runner from this name
    nameko_run.run(classes, config)


def start_limesurvey_emulator(config):
    """With LIMESURVEY_EMULATOR true and no LIMESURVEY_URL (`make run`): the project's LimeSurvey emulator
    with its demo surveys (emulators/limesurvey/demo.py) on LIMESURVEY_EMULATOR_PORT, and the surveys
    service pointed at it."""
    wanted = str(config.get("LIMESURVEY_EMULATOR") or "").strip().lower() in ("1", "true", "yes", "on")
    if not wanted or config.get("LIMESURVEY_URL"):
        return None
    from emulators.limesurvey.demo import DEMO_USER, demo_installation
    from emulators.limesurvey.server import serve

    server = serve(demo_installation(), port=int(config.get("LIMESURVEY_EMULATOR_PORT") or 0))
    config.update(
        {"LIMESURVEY_URL": server.url, "LIMESURVEY_USER": DEMO_USER[0], "LIMESURVEY_PASSWORD": DEMO_USER[1]}
    )
    print(
        f"LimeSurvey emulator with demo surveys at {server.url} ({DEMO_USER[0]} / {DEMO_USER[1]})", flush=True
    )
    return server


def local_einvoice_operator(config, names):
    """B3: without BILLING_EINVOICE_URL, `piiri run` of every service in one process (make run) starts the
    local e-invoice operator (emulators/einvoice/) on PIIRI_EINVOICE_EMULATOR_PORT (default 8092) and
    points billing at it; PIIRI_EINVOICE_EMULATOR=0 turns this off."""
    if "billing" not in names or config.get("BILLING_EINVOICE_URL"):
        return
    if os.environ.get("PIIRI_EINVOICE_EMULATOR", "1") == "0":
        return
    from emulators.einvoice.operator import serve

    port = int(os.environ.get("PIIRI_EINVOICE_EMULATOR_PORT", "8092"))
    server = serve("local-einvoice-key", port=port)
    config.update({"BILLING_EINVOICE_URL": server.url, "BILLING_EINVOICE_KEY": "local-einvoice-key"})
    print(f"E-invoice operator emulator at {server.url} (no BILLING_EINVOICE_URL set)", flush=True)


def local_smtp_server(config, names):
    """B3: without SMTP_HOST, `piiri run` of every service in one process (make run) starts the local SMTP
    emulator (emulators/smtp/) on PIIRI_SMTP_EMULATOR_PORT (default 1025), its page on
    PIIRI_SMTP_EMULATOR_WEB_PORT (default 1080), points mailing at it, and has it post its DSNs to the
    gateway's bounce webhook; PIIRI_SMTP_EMULATOR=0 turns this off."""
    if not {"mailing", "mailing_worker"} & set(names) or config.get("SMTP_HOST"):
        return None
    if os.environ.get("PIIRI_SMTP_EMULATOR", "1") == "0":
        return None
    import secrets

    from emulators.smtp.server import serve

    secret = config.get("MAILING_DSN_SECRET") or secrets.token_urlsafe(24)
    dsn_url = (
        f"http://{browser_address(config)}/api/v1/mailing/bounces/{secret}" if "gateway" in names else None
    )
    running = serve(
        int(os.environ.get("PIIRI_SMTP_EMULATOR_PORT", "1025")),
        int(os.environ.get("PIIRI_SMTP_EMULATOR_WEB_PORT", "1080")),
        dsn_url=dsn_url,
    )
    emulated = running.settings()
    config.update({key: emulated[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY")})
    config["MAILING_DSN_SECRET"] = secret
    for key in ("SMTP_FROM", "SMTP_FROM_NAME"):
        config[key] = config.get(key) or emulated[key]
    address = f"{running.host}:{running.smtp_port}"
    print(f"SMTP emulator at {address}, its mails at {running.url}/ (no SMTP_HOST set)", flush=True)
    return running


def local_campaign_monitor(config, names, catcher=None):
    """M1: without a Campaign Monitor account (CAMPAIGN_MONITOR_API_KEY unset), `piiri run` of every service
    in one process (make run) starts the local emulator (services/mailing/emulator/, port
    PIIRI_CM_EMULATOR_PORT, default 8443) and points mailing at it, so that syncs work end to end without
    the internet; PIIRI_CM_EMULATOR=0 turns this off. Its campaign mails go to PIIRI_CM_EMULATOR_SMTP
    (HOST:PORT) when set, else to the local SMTP catcher ``catcher`` when it runs, else nowhere."""
    if not {"mailing", "mailing_worker"} & set(names) or config.get("CAMPAIGN_MONITOR_API_KEY"):
        return
    if os.environ.get("PIIRI_CM_EMULATOR", "1") == "0":
        return
    from services.mailing.emulator import server

    port = int(os.environ.get("PIIRI_CM_EMULATOR_PORT", "8443"))
    try:
        smtp = server.smtp_target(os.environ.get("PIIRI_CM_EMULATOR_SMTP", ""))
    except ValueError as exc:
        raise CliError(f"PIIRI_CM_EMULATOR_SMTP: {exc}") from None
    if smtp is None and catcher is not None:
        smtp = (catcher.host, catcher.smtp_port)
    running = server.start(
        "local-emulator-key", "local-emulator-client", "var/cm-emulator", port=port, smtp=smtp
    )
    config.update(
        {
            "CAMPAIGN_MONITOR_BASE_URI": running.base_uri,
            "CAMPAIGN_MONITOR_API_KEY": "local-emulator-key",
            "CAMPAIGN_MONITOR_CLIENT_ID": "local-emulator-client",
            "CAMPAIGN_MONITOR_CA_FILE": running.cert_path,
        }
    )
    if "gateway" in names and not config.get("MAILING_WEBHOOK_BASE_URL"):
        config["MAILING_WEBHOOK_BASE_URL"] = f"http://{browser_address(config)}"
    mails = f"its campaign mails to {smtp[0]}:{smtp[1]}" if smtp else "its campaign mails not delivered"
    print(
        f"Campaign Monitor emulator at {running.base_uri}, {mails} (no CAMPAIGN_MONITOR_API_KEY set)",
        flush=True,
    )


def preflight(config, names):
    """Fail fast, with the reason, when the broker or a service's database cannot be reached."""
    from piiri.config import database_url

    failures = [message for ok, message in [check_rabbitmq(config)] if not ok]
    for name in database_names(names):
        ok, message = check_database(database_url(config, name), name)
        if not ok:
            failures.append(message)
    if "gateway" in names:
        ok, message = check_listen(config)
        if not ok:
            failures.append(message)
    if failures:
        raise CliError("; ".join(failures))


def check_database(url, service):
    import psycopg

    from services.contacts.seed import psycopg_url

    where = describe_url(url)
    try:
        with psycopg.connect(psycopg_url(url), connect_timeout=CHECK_TIMEOUT) as conn:
            try:
                revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            except psycopg.errors.UndefinedTable:
                return False, f"PostgreSQL {service} database {where} is not migrated: run `piiri migrate`"
    except psycopg.OperationalError as exc:
        reason = postgres_reason(exc)
        if re.search(r'database ".*" does not exist', reason):
            hint = "run `piiri migrate`"
        else:
            hint = "is PostgreSQL running? check PIIRI_DATABASE_URL"
        return False, f"PostgreSQL {service} database {where}: {reason} ({hint})"
    return True, f"PostgreSQL {service} database {where}: ok, migration {revision[0] if revision else 'none'}"


def check_listen(config):
    """Can the gateway listen on WEB_SERVER_ADDRESS? (Else nameko would die with tracebacks.)"""
    import socket

    from nameko.web.server import parse_address

    from piiri.config import http_reuse_port

    address = str(config.get("WEB_SERVER_ADDRESS", "0.0.0.0:8000"))
    try:
        host, port = parse_address(address)
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as eventlet.listen does
            if http_reuse_port(config):  # as gateway/listen.py: another gateway may hold the address
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else one_line(exc)
        return (
            False,
            f"the gateway cannot listen on {address}: {reason} (WEB_SERVER_ADDRESS / PIIRI_HTTP_ADDRESS)",
        )
    return True, f"the gateway can listen on {address}"


def check_rabbitmq(config):
    from kombu import Connection

    uri = str(config.get("AMQP_URI", ""))
    connection = Connection(uri, connect_timeout=CHECK_TIMEOUT)
    where = (
        f"{connection.hostname or 'localhost'}:{connection.port or 5672} vhost {connection.virtual_host!r}"
    )
    try:
        connection.connect()
    except Exception as exc:  # socket errors, refused credentials, unknown vhost: all a failed check
        reason = one_line(exc) or type(exc).__name__
        if "NOT_ALLOWED" in reason:
            hint = "create the vhost (rabbitmqctl add_vhost) or fix PIIRI_AMQP_URI"
        elif "ACCESS_REFUSED" in reason:
            hint = "check the user and password in PIIRI_AMQP_URI"
        else:
            hint = "is RabbitMQ running? check PIIRI_AMQP_URI"
        return False, f"RabbitMQ at {where}: {reason} ({hint})"
    finally:
        connection.release()
    return True, f"RabbitMQ at {where}: ok"


def cmd_check(args):
    from piiri.config import database_url

    config = load_config()
    results = [check_database(database_url(config, name), name) for name in database_names(SERVICE_NAMES)]
    results.append(check_rabbitmq(config))
    for ok, message in results:
        print(message if ok else f"FAIL {message}", file=sys.stdout if ok else sys.stderr)
    if not all(ok for ok, _message in results):
        return 1
    return 0


# --- the parser -------------------------------------------------------------------------------


def cmd_audit_verify(args):
    """S2: walk the audit log's hash chain; exit status 0 when intact, 1 with the problems listed."""
    from sqlalchemy.orm import Session

    from piiri.config import database_url
    from piiri.db import make_engine
    from services.audit.verify import format_report, verify_stored_chain

    url = database_url(load_config(), "audit")
    engine = make_engine(url, pool_size=1)
    try:
        with talking_to_postgres(url), Session(engine) as session:
            report = verify_stored_chain(session, batch_size=args.batch, checkpoint=not args.no_checkpoint)
    finally:
        engine.dispose()
    print("\n".join(format_report(report)), file=sys.stdout if report.intact else sys.stderr)
    return 0 if report.intact else 1


def audit_operator_read(config, action, letters, details):
    """Dead letters hold personal data: an operator's read of them is recorded first, fail-closed (the
    audit record is confirmed by the broker, or nothing is printed). The operator is a system actor named
    by the OS user; the subjects are the ids the letters hold (piiri/dead_letters.py)."""
    import getpass
    import uuid

    from piiri import dead_letters, signing
    from piiri.audit import audit_record
    from piiri.context import ACTOR_KEY, REQUEST_ID_KEY, Actor
    from piiri.messaging import audit_publisher, context_headers

    try:
        user = getpass.getuser()
    except Exception:
        user = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    operator = Actor(id=f"cli:{user}", username=user, kind="system")
    request_id = str(uuid.uuid4())
    record = audit_record(
        "cli",
        action,
        operator,
        request_id,
        "contact",
        dead_letters.subject_ids(letters),
        details={**details, "letters": [letter["id"] for letter in letters]},
    )
    context = {ACTOR_KEY: operator.to_header(), REQUEST_ID_KEY: request_id}
    try:
        headers = context_headers(context, signing.context_keys(config))
        audit_publisher(config["AMQP_URI"]).publish(record, routing_key=action, extra_headers=headers)
    except Exception as exc:
        print(
            f"piiri dead-letters: refused: the audit log cannot record this read of personal data ({exc})",
            file=sys.stderr,
        )
        return False
    return True


def cmd_dead_letters(args):
    """Issue 11 item 6: list, show and replay the messages consumers could not handle."""
    import json

    from piiri import dead_letters

    config = load_config()
    uri = config["AMQP_URI"]
    if args.dl_command == "list":
        letters = dead_letters.list_letters(uri, args.queue)
        if not audit_operator_read(config, "dead_letter.listed", letters, {"queue": args.queue}):
            return 1
        for letter in letters:
            error = (letter["error"] or "").splitlines()[0][:100] if letter["error"] else ""
            print(
                f"{letter['id']}  {letter['at']}  {letter['queue']}  attempts={letter['attempts']}  {error}"
            )
        print(f"{len(letters)} dead letter(s)", file=sys.stderr)
        return 0
    if args.dl_command == "show":
        letter = dead_letters.show(uri, args.id)
        if letter is None:
            print(f"piiri dead-letters: no dead letter {args.id}", file=sys.stderr)
            return 1
        if not audit_operator_read(config, "dead_letter.viewed", [letter], {}):
            return 1
        print(json.dumps(letter, indent=2, ensure_ascii=False, default=str))
        return 0
    if args.all == bool(args.id):
        print("piiri dead-letters replay: give one ID or --all", file=sys.stderr)
        return 2
    replayed = dead_letters.replay(uri, None if args.all else args.id, args.queue)
    for letter_id in replayed:
        print(f"replayed {letter_id}")
    if not replayed:
        print("piiri dead-letters: nothing replayed (no such dead letter)", file=sys.stderr)
        return 0 if args.all else 1
    return 0


def cmd_broker_users(args):
    """Issue 11 item 7: each service's own RabbitMQ user, allowed only what the service needs."""
    from piiri import broker_users

    if not args.apply:
        for user, service, permissions in broker_users.plan():
            print(f"{user} (service {service}; password from {broker_users.password_variable(service)})")
            for kind in ("configure", "write", "read"):
                print(f"  {kind:9} {permissions[kind]}")
        return 0
    environ = os.environ
    written = broker_users.apply(
        environ.get("PIIRI_RABBITMQ_MANAGEMENT_URL", "http://rabbitmq:15672"),
        environ.get("PIIRI_RABBITMQ_ADMIN_USER", "piiri"),
        environ.get("PIIRI_RABBITMQ_PASSWORD", ""),
        environ.get("PIIRI_RABBITMQ_VHOST", "piiri"),
        broker_users.passwords_from_environment(),
    )
    print(f"RabbitMQ users written: {', '.join(written)}")
    return 0


def build_parser():
    parser = argparse.ArgumentParser(
        prog="piiri",
        description="Operate Piiri. Settings: PIIRI_CONFIG (default deploy/local.yml) and PIIRI_* variables.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    migrate = commands.add_parser("migrate", help="create and migrate each service's database")
    migrate.add_argument(
        "--service",
        action="append",
        choices=SERVICE_NAMES,
        help="only this service (repeatable; default: all)",
    )
    migrate.set_defaults(handler=cmd_migrate)

    seed = commands.add_parser("seed", help="load generated contacts with COPY")
    what = seed.add_mutually_exclusive_group()
    what.add_argument("--contacts", type=positive_int, metavar="N", help="write N generated contacts")
    what.add_argument("--demo", action="store_true", help="write 2,500 demo contacts if there are none yet")
    seed.add_argument("--seed", type=int, default=1, help="random seed (same seed, same contacts; default 1)")
    seed.add_argument("--batch", type=positive_int, default=50_000, help="rows per COPY (default 50,000)")
    seed.add_argument(
        "--groups",
        type=positive_int,
        metavar="G",
        help="also write G groups in a random tree and ~1.5 memberships per contact (after --contacts)",
    )
    seed.set_defaults(handler=cmd_seed)

    create_user = commands.add_parser("create-user", help="create a user who can log in")
    create_user.add_argument("username")
    create_user.add_argument(
        "--role", default="staff", help="a role: admin, staff, read_only, mailer, treasurer, dpo or your own"
    )
    create_user.add_argument(
        "--password", help="else PIIRI_NEW_USER_PASSWORD, else asked twice (a command line is visible to ps)"
    )
    create_user.set_defaults(handler=cmd_create_user)

    demo_admin = commands.add_parser(
        "demo-admin", help="make sure user admin exists, with PIIRI_DEMO_PASSWORD or a new random password"
    )
    demo_admin.set_defaults(handler=cmd_demo_admin)

    run = commands.add_parser("run", help="run the services in this process (like `nameko run`)")
    run.add_argument(
        "--services",
        type=parse_services,
        metavar="LIST",
        help=f"comma-separated subset of {','.join(SERVICE_NAMES)} (default: all; in production one each)",
    )
    run.set_defaults(handler=cmd_run)

    check = commands.add_parser("check", help="check that PostgreSQL and RabbitMQ can be reached")
    check.set_defaults(handler=cmd_check)

    audit = commands.add_parser("audit", help="the audit log: `piiri audit verify` checks its hash chain")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = audit_commands.add_parser(
        "verify", help="report altered, removed, reordered or truncated audit records (exit 1 if any)"
    )
    verify.add_argument(
        "--batch", type=positive_int, default=5000, help="rows read at a time (default 5,000)"
    )
    verify.add_argument(
        "--no-checkpoint", action="store_true", help="do not record this run as the last verified checkpoint"
    )
    verify.set_defaults(handler=cmd_audit_verify)

    letters = commands.add_parser(
        "dead-letters", help="messages consumers could not handle: `list`, `show ID`, `replay ID|--all`"
    )
    letter_commands = letters.add_subparsers(dest="dl_command", required=True, metavar="COMMAND")
    listing = letter_commands.add_parser("list", help="every dead letter: id, when, source queue, error")
    listing.add_argument("--queue", help="only those from this source queue")
    listing.set_defaults(handler=cmd_dead_letters)
    show = letter_commands.add_parser("show", help="one dead letter with its headers and body")
    show.add_argument("id")
    show.set_defaults(handler=cmd_dead_letters)
    replay = letter_commands.add_parser(
        "replay", help="publish to its original exchange and routing key again (and remove it)"
    )
    replay.add_argument("id", nargs="?")
    replay.add_argument("--all", action="store_true", help="every dead letter (of --queue)")
    replay.add_argument("--queue", help="with --all: only those from this source queue")
    replay.set_defaults(handler=cmd_dead_letters)

    users = commands.add_parser(
        "broker-users", help="each service's RabbitMQ user and permissions (print, or --apply them)"
    )
    users.add_argument(
        "--apply",
        action="store_true",
        help="create/update them through the management API (PIIRI_RABBITMQ_MANAGEMENT_URL, "
        "PIIRI_RABBITMQ_ADMIN_USER, PIIRI_RABBITMQ_PASSWORD, PIIRI_RABBITMQ_VHOST, "
        "PIIRI_RABBITMQ_PASSWORD_<SERVICE>)",
    )
    users.set_defaults(handler=cmd_broker_users)
    return parser


def main(argv=None):
    warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")  # harmless (stack.md trap 16)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "seed" and not (args.contacts or args.groups or args.demo):
        parser.error("piiri seed: say what to seed: --contacts N, --groups G, or --demo")
    if args.command != "run":
        os.environ.setdefault("PGCONNECT_TIMEOUT", "10")  # an unreachable host fails in seconds, not minutes
    try:
        return args.handler(args) or 0
    except KeyboardInterrupt:
        print(f"piiri {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("PIIRI_DEBUG"):
            raise
        print(f"piiri {args.command}: {describe_error(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
