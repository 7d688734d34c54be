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
    from piiri.migrate import MIGRATION_DIRS, drop_database, migrate

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
    """Empty every table (except Alembic's) before a test."""
    from sqlalchemy import text

    for engine in engines.values():
        with engine.begin() as conn:
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
            if tables:
                conn.execute(
                    text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
                )
    return engines


@pytest.fixture
def run_services(config, clean_databases):
    """``run_services(ContactsService, AuditService)``: start real containers on the real broker."""
    from nameko.runners import ServiceRunner

    runners = []

    def start(*service_classes, extra_config=None):
        runner = ServiceRunner({**config, **(extra_config or {})})
        for cls in service_classes:
            runner.add_service(cls)
        runner.start()
        runners.append(runner)
        return runner

    yield start
    for runner in runners:
        runner.stop()


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
