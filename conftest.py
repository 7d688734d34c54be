"""Test set-up shared by every suite: eventlet first, then a test configuration, databases and services.

Tests use their own databases (``piiri_test_<service>``) and their own RabbitMQ vhost
(``piiri_test``) so that a running `make run` is never disturbed.
"""

import warnings

warnings.filterwarnings("ignore", message=".*Eventlet is deprecated.*")

import eventlet  # noqa: E402

eventlet.monkey_patch()  # before anything imports sockets (stack.md trap 6)

import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402

os.environ.setdefault("PIIRI_DATABASE_PREFIX", "piiri_test")
os.environ.setdefault("PIIRI_AMQP_URI", "pyamqp://guest:guest@127.0.0.1:5672/piiri_test")
os.environ.setdefault("PIIRI_LOG_LEVEL", "WARNING")
# Consumers of the services a test starts look every 0.05 s whether to stop (production: every second), so
# that stopping them, in this process or a `piiri run` a test started (SIGTERM), takes ~0.1 s, not ~2 s
os.environ.setdefault("PIIRI_CONSUMER_POLL_SECONDS", "0.05")
os.environ.setdefault("PIIRI_AUDIT_IDLE_WAIT", "0.05")
# and the audit consumers store a record sooner than in production (0.1 s): tests wait for what they check
os.environ.setdefault("PIIRI_AUDIT_BATCH_WAIT", "0.02")

import kombu.mixins  # noqa: E402
import werkzeug.routing.rules  # noqa: E402

import piiri  # noqa: E402,F401  (psycopg/eventlet patch)
from piiri.config import database_url, load_config  # noqa: E402
from piiri.context import Actor  # noqa: E402

ALL_PERMISSIONS = (
    "contacts.view",
    "contacts.edit",
    "contacts.delete",
    "audit.view",
    "users.manage",
)


# Nameko's queue consumers notice a stop only when a drain_events() wait of `safety_interval` (kombu's
# default: 1 s) ends, twice over; that made every test that starts services spend 2 s stopping them.
# Tests poll every 0.05 s instead (STOP_POLL); production keeps kombu's default.
STOP_POLL = float(os.environ["PIIRI_CONSUMER_POLL_SECONDS"])
_kombu_consume = kombu.mixins.ConsumerMixin.consume


def _consume_with_short_waits(self, limit=None, timeout=None, safety_interval=1, **kwargs):
    return _kombu_consume(self, limit=limit, timeout=timeout, safety_interval=STOP_POLL, **kwargs)


kombu.mixins.ConsumerMixin.consume = _consume_with_short_waits


# Every start of the gateway builds its werkzeug URL map anew, and werkzeug generates and compiles two
# Python functions per rule (URL building) for its ~360 routes: ~0.25 s of CPU per test that starts the
# system. Tests reuse a generated function for the same rule (it takes the rule as its first argument, so
# one function serves every Rule object of the same pattern); production builds its map once anyway.
_compile_builder = werkzeug.routing.rules.Rule._compile_builder
_builders = {}


def _reused_builder(self, append_unknown=True):
    key = (self.rule, tuple(self._trace), tuple(sorted((self.defaults or {}).items())), append_unknown)
    try:
        return _builders[key]
    except TypeError:  # a default that cannot be a key
        return _compile_builder(self, append_unknown)
    except KeyError:
        _builders[key] = _compile_builder(self, append_unknown)
        return _builders[key]


werkzeug.routing.rules.Rule._compile_builder = _reused_builder


# argon2id with the library's recommended parameters costs ~0.2 s of CPU per hash or check; tests create
# users and log in thousands of times (a test's admin alone: one hash, one check). The gateway running in
# the test process hashes with the cheapest argon2id parameters instead (~1 ms; the unknown-user dummy
# hash too, so both paths still cost the same); production keeps the recommended ones. Processes a test
# starts (`piiri`, benchmarks, the fault harness) use those as well. gateway/tests/test_off_loop_work.py
# checks the off-loop hashing with the production parameters.
TEST_ARGON2 = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


def _cheap_password_hashing():
    from argon2 import PasswordHasher

    from gateway import users

    users.HASHER.__init__(**TEST_ARGON2)  # the one instance gateway.users and gateway.accounts hold
    users.DUMMY_HASH = PasswordHasher(**TEST_ARGON2).hash("piiri-timing-equaliser")


_cheap_password_hashing()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ensure_test_vhost(amqp_uri):
    vhost = amqp_uri.rsplit("/", 1)[-1]
    if vhost and shutil.which("rabbitmqctl"):
        subprocess.run(["rabbitmqctl", "add_vhost", vhost], capture_output=True)
        subprocess.run(
            ["rabbitmqctl", "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], capture_output=True
        )


@pytest.fixture(scope="session")
def config():
    config = load_config()
    config["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{free_port()}"
    config["RPC_TIMEOUT"] = 10
    ensure_test_vhost(config["AMQP_URI"])
    return config


@pytest.fixture(scope="session")
def databases(config):
    """Fresh test databases, migrated to head once per test run."""
    from piiri.migrate import drop_database
    from piiri_cli.databases import MIGRATION_DIRS, migrate

    for service in MIGRATION_DIRS:
        drop_database(database_url(config, service))
    migrate(config)
    return {service: database_url(config, service) for service in MIGRATION_DIRS}


@pytest.fixture(scope="session")
def engines(databases):
    from piiri.db import make_engine

    engines = {service: make_engine(url, pool_size=2) for service, url in databases.items()}
    yield engines
    for engine in engines.values():
        engine.dispose()


@pytest.fixture
def clean_databases(engines):
    """Empty every table (except Alembic's) before a test; keep the built-in rows migrations inserted.

    Reference tables with a ``builtin`` column (status kinds, processing purposes, roles) lose only the
    rows tests added, so every test starts with the data a fresh installation has.

    Only the tables a test used are truncated (each TRUNCATE costs file work in PostgreSQL: all ~85
    tables took 0.5-1 s per test): those with rows and those whose own sequences (serial, identity) were
    used since they were last restarted. An untouched table is already what TRUNCATE ... RESTART
    IDENTITY would leave.
    """
    empty_databases(engines)
    return engines


CLEANING_ATTEMPTS = 3


def empty_databases(engines, empty=None):
    """``clean_databases``'s work: each database emptied in one transaction (``empty``, default
    ``_empty_tables``), tried again when PostgreSQL ended it in a deadlock: a shared system's service
    (tests/conftest.py) had locked one table and waited for another that the TRUNCATE already held;
    the service went on, so the next try finds the table free."""
    from psycopg.errors import DeadlockDetected
    from sqlalchemy.exc import OperationalError

    for engine in engines.values():
        for attempt in range(1, CLEANING_ATTEMPTS + 1):
            try:
                (empty or _empty_tables)(engine)
                break
            except OperationalError as exc:
                if not isinstance(exc.orig, DeadlockDetected) or attempt == CLEANING_ATTEMPTS:
                    raise


def _empty_tables(engine):
    """One database's part of ``clean_databases``, in one transaction."""
    from sqlalchemy import text

    with engine.begin() as conn:
        # services of a shared system (tests/conftest.py) run meanwhile: a lock one of them holds is
        # an error naming the wait, not a test run that hangs
        conn.execute(text("SET LOCAL lock_timeout = '10s'"))
        tables = (
            conn.execute(
                text(
                    "SELECT tablename FROM pg_tables"
                    " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        with_builtins = set(
            conn.execute(
                text(
                    "SELECT table_name FROM information_schema.columns"
                    " WHERE table_schema = 'public' AND column_name = 'builtin'"
                )
            ).scalars()
        )
        emptied = used_tables(conn, [table for table in tables if table not in with_builtins])
        if emptied:
            conn.execute(
                text("TRUNCATE " + ", ".join(f'"{t}"' for t in emptied) + " RESTART IDENTITY CASCADE")
            )
        for table in sorted(with_builtins):
            conn.execute(text(f'DELETE FROM "{table}" WHERE NOT builtin'))
        if "roles" in tables:  # the gateway's built-in roles are data the migration inserted (C6)
            from gateway.roles import restore_builtin_roles

            restore_builtin_roles(conn)


def used_tables(conn, tables):
    """Those of ``tables`` that have rows or whose owned sequences have given a value since their restart."""
    from sqlalchemy import text

    if not tables:
        return []
    probe = " UNION ALL ".join(f"SELECT '{table}' WHERE EXISTS (SELECT FROM \"{table}\")" for table in tables)
    with_rows = set(conn.execute(text(probe)).scalars())
    sequences_used = set(
        conn.execute(
            text(
                "SELECT dependency.refobjid::regclass::text FROM pg_depend dependency"
                " JOIN pg_sequences sequence ON dependency.objid"
                " = (quote_ident(sequence.schemaname) || '.' || quote_ident(sequence.sequencename))::regclass"
                " WHERE dependency.deptype IN ('a', 'i') AND sequence.schemaname = 'public'"
                " AND sequence.last_value IS NOT NULL"
            )
        ).scalars()
    )
    return [table for table in tables if table in with_rows or table in sequences_used]


class SharedRunner:
    """The whole system kept running from one test of a module to the next (tests/conftest.py ``system``).

    Starting and stopping the nine services of the whole system costs about a second of a loaded CI core
    per test (46 broker connections, 70 queue declarations), and some 300 tests in about 90 modules start
    it. So consecutive tests that ask for the plain ``system``, in one module or the next, share one:
    between two tests the databases are emptied as before (``clean_databases``), what was queued is
    consumed and running workers finish (``settle``), and the gateway's cached /health answer is dropped.
    It is stopped and started anew when the configuration differs, when one of its containers stopped,
    after a test that broke the broker's audit path, when a test starts services without it
    (``run_services``: they would share its queues and its web port), when a test without it begins
    (``_no_system_left_running``), and at the end of the run.
    """

    # Every SharedRunner of the run (one: the fixture is session-wide), for ``_no_system_left_running``,
    # which asks for no fixture: tests parametrise names such as ``config`` that would shadow them.
    made = []

    def __init__(self):
        self.runner = None
        self.key = None
        self.amqp_uri = None
        SharedRunner.made.append(self)
        self.in_use = False  # by the running test (its ``run_services`` then starts services beside it)

    def start(self, config, service_classes):
        """The running shared runner of ``service_classes`` on ``config``, started anew if need be."""
        from nameko.runners import ServiceRunner

        key = (tuple(service_classes), repr(sorted(config.items())))
        if self.runner is not None and (key != self.key or not self.alive()):
            self.stop(config["AMQP_URI"])
        if self.runner is None:
            runner = ServiceRunner(dict(config))
            for cls in service_classes:
                runner.add_service(cls)
            runner.start()
            self.runner, self.key, self.amqp_uri = runner, key, config["AMQP_URI"]
        else:
            self.forget_cached_answers()
        self.in_use = True
        return self.runner

    def alive(self):
        return all(
            not container._died.ready() and not container._being_killed for container in self.containers
        )

    @property
    def containers(self):
        return list(self.runner.containers) if self.runner is not None else []

    def forget_cached_answers(self):
        """Per-process state the services keep between requests: the gateway's /health answer (its
        HealthCache set up afresh)."""
        from gateway.site.worker_health import HealthCache

        for container in self.containers:
            for extension in container.extensions:
                if isinstance(extension, HealthCache):
                    extension.setup()

    def settle(self, amqp_uri, timeout=5.0):
        """After a test: what it queued is consumed and every worker it started has ended; True if so."""
        import time

        wait_until_consumed(self.runner, amqp_uri)
        deadline = time.monotonic() + timeout
        while any(container._worker_threads for container in self.containers):
            if time.monotonic() > deadline:
                return False
            eventlet.sleep(0.02)
        return True

    def release(self, amqp_uri, keep=True):
        """The test that used it ended: keep it for the next one if it is still sound, else stop it."""
        self.in_use = False
        if self.runner is not None and not (keep and self.alive() and self.settle(amqp_uri)):
            self.stop(amqp_uri)

    def stop(self, amqp_uri):
        if self.runner is not None:
            runner, self.runner, self.key = self.runner, None, None
            if all(not container._died.ready() for container in runner.containers):
                wait_until_consumed(runner, amqp_uri)
            runner.stop()


@pytest.fixture(scope="session")
def shared_runner(config):
    """The run's SharedRunner: kept from one test module to the next while their tests ask for the plain
    ``system`` (the browser and end-to-end tests run one after another), stopped by the first test that
    does not (``_no_system_left_running``) and at the end of the run."""
    shared = SharedRunner()
    yield shared
    shared.stop(config["AMQP_URI"])


@pytest.fixture(autouse=True)
def _no_system_left_running(request):
    """A test without ``system`` finds no shared system running: its consumers would take the messages
    the test waits for on the broker, and its gateway would hold the web port."""
    if "system" not in request.fixturenames:
        for shared in SharedRunner.made:
            if shared.runner is not None:
                shared.stop(shared.amqp_uri)


@pytest.fixture
def run_services(config, clean_databases, shared_runner):
    """``run_services(ContactsService, AuditService)``: start real containers on the real broker."""
    from nameko.runners import ServiceRunner

    purge_dead_letters(config["AMQP_URI"])
    runners = []

    def start(*service_classes, extra_config=None):
        if not shared_runner.in_use:  # a system left running by an earlier test would share the queues
            shared_runner.stop(config["AMQP_URI"])
        runner = ServiceRunner({**config, **(extra_config or {})})
        for cls in service_classes:
            runner.add_service(cls)
        runner.start()
        runners.append(runner)
        return runner

    yield start
    for runner in runners:
        wait_until_consumed(runner, config["AMQP_URI"])
        runner.stop()


def purge_dead_letters(amqp_uri):
    """Every test starts with empty dead-letter queues (issue 11 item 6: /health counts them) and no erasure
    request or report left over from an earlier test (one queued for a service that test did not run would
    be taken by the next test's, erasing somebody of the earlier test there and reporting it done), nor a
    membership event kept for the contacts worker's automations by a test that ran no worker (issue 18)."""
    from kombu import Connection

    from piiri.dead_letters import QUEUES
    from piiri.erasure import DEFAULT_SERVICES, REPORT_QUEUE, request_queue
    from piiri.messaging import kept_queues
    from services.contacts.worker import ContactsWorker

    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        kept = kept_queues(ContactsWorker)
        for queue in (
            *QUEUES,
            REPORT_QUEUE,
            *(request_queue(service) for service in DEFAULT_SERVICES),
            *kept,
        ):
            bound = queue.bind(channel)
            bound.declare()
            bound.purge()


def wait_until_consumed(runner, amqp_uri, timeout=3.0):
    """Let the runner's consumers take what is already queued for them (audit records, events, jobs)
    before it stops, so that nothing a test caused is delivered to the next test's services."""
    import time

    from kombu import Connection

    names = {
        extension.queue.name
        for container in runner.containers
        for extension in container.extensions
        if getattr(getattr(extension, "queue", None), "name", None)
    }
    if not names:
        return
    deadline = time.monotonic() + timeout
    with Connection(amqp_uri) as connection:
        channel = connection.channel()
        while time.monotonic() < deadline:
            waiting = 0
            for name in names:
                try:
                    waiting += channel.queue_declare(queue=name, passive=True).message_count
                except Exception:  # the queue is gone (auto-delete): nothing waits in it
                    channel = connection.channel()
            if not waiting:
                return
            eventlet.sleep(0.05)


def make_actor(username="tester", permissions=ALL_PERMISSIONS, roles=("admin",)):
    return Actor(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, username)),
        username=username,
        roles=roles,
        permissions=tuple(permissions),
    )


@pytest.fixture
def rpc(config):
    """``with rpc(actor) as proxy: proxy.contacts.get_contact(id)`` over the real broker."""
    from contextlib import contextmanager

    from nameko.standalone.rpc import ClusterRpcProxy

    from piiri.context import context_data_for

    @contextmanager
    def proxy(actor=None, timeout=10):
        context = context_data_for(actor) if actor else {}
        with ClusterRpcProxy(config, context_data=context, timeout=timeout) as cluster:
            yield cluster

    return proxy


@pytest.fixture
def admin_actor():
    return make_actor("admin-tester")
