"""The `piiri` command line, run as the operator runs it: a subprocess of the installed console script."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from piiri_cli.cli import SERVICE_NAMES, database_names
from services.contacts.seed import count_contacts, psycopg_url

ROOT = Path(__file__).resolve().parents[2]
PIIRI = ROOT / ".venv" / "bin" / "piiri"
if not PIIRI.exists():
    PIIRI = Path(shutil.which("piiri") or Path(sys.executable).parent / "piiri")
PREFIX = os.environ["PIIRI_DATABASE_PREFIX"]
VHOST = os.environ["PIIRI_AMQP_URI"].rsplit("/", 1)[-1]
# The same databases and vhost as the rest of this test run (root conftest.py sets the defaults).
TEST_ENV = {
    "PIIRI_DATABASE_PREFIX": os.environ["PIIRI_DATABASE_PREFIX"],
    "PIIRI_AMQP_URI": os.environ["PIIRI_AMQP_URI"],
    "PIIRI_LOG_LEVEL": "WARNING",
    # a stopped `piiri run` ends in ~0.1 s instead of ~2 s (root conftest.py)
    "PIIRI_CONSUMER_POLL_SECONDS": os.environ["PIIRI_CONSUMER_POLL_SECONDS"],
    "PIIRI_AUDIT_IDLE_WAIT": os.environ["PIIRI_AUDIT_IDLE_WAIT"],
}
UNREACHABLE_DATABASE = "postgresql+psycopg://piiri:piiri@127.0.0.1:1"


def environment(**extra):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIIRI_")}
    env.update(TEST_ENV)
    # `piiri run` of everything starts the local Campaign Monitor, e-invoice and SMTP emulators: on free
    # ports, not on their fixed defaults (8443, 8092, 1025, 1080), which a `make run` on the machine may hold
    env.update(PIIRI_CM_EMULATOR_PORT=str(free_port()), PIIRI_EINVOICE_EMULATOR_PORT=str(free_port()))
    env.update(PIIRI_SMTP_EMULATOR_PORT=str(free_port()), PIIRI_SMTP_EMULATOR_WEB_PORT=str(free_port()))
    env.update(extra)
    return env


def piiri(*args, timeout=120, **extra_env):
    return subprocess.run(
        [str(PIIRI), *args], capture_output=True, text=True, env=environment(**extra_env), cwd=ROOT,
        timeout=timeout, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def assert_clean_failure(result, *fragments):
    """Exit status 1, one line on stderr naming the problem, no traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def contacts_url(databases, clean_databases):
    yield databases["contacts"]
    with psycopg.connect(psycopg_url(databases["contacts"])) as conn:
        conn.execute("TRUNCATE contacts CASCADE")  # names, statuses, memberships … reference contacts


# --- migrate and seed -------------------------------------------------------------------------


def test_migrate_says_which_databases(databases):
    result = piiri("migrate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"migrated {service}: {PREFIX}_{service} at 127.0.0.1:5432"
        for service in database_names(SERVICE_NAMES)  # an import/export worker uses its service's database
    ]
    only = piiri("migrate", "--service", "contacts")
    assert only.stdout.splitlines() == [f"migrated contacts: {PREFIX}_contacts at 127.0.0.1:5432"]


def test_seed_contacts(contacts_url):
    result = piiri("seed", "--contacts", "500", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        rf"seeded 500 contacts into {PREFIX}_contacts at 127\.0\.0\.1:5432 in [\d.]+ s \([\d,]+ rows/s\)\n",
        result.stdout,
    ), result.stdout
    assert count_contacts(contacts_url) == 500


def test_seed_demo_is_idempotent(contacts_url):
    first = piiri("seed", "--demo")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"wrote 2,500 demo contacts into {PREFIX}_contacts")
    second = piiri("seed", "--demo")
    assert second.returncode == 0, second.stderr
    assert "already has 2,500 contacts: no demo contacts written" in second.stdout
    assert count_contacts(contacts_url) == 2_500


def test_seed_needs_a_count_or_demo():
    result = piiri("seed")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert piiri("seed", "--contacts", "0").returncode == 2


@pytest.mark.parametrize("command", [("migrate",), ("seed", "--contacts", "10"), ("seed", "--demo")])
def test_unreachable_database_is_one_clear_line(command):
    result = piiri(*command, PIIRI_DATABASE_URL=UNREACHABLE_DATABASE)
    assert_clean_failure(result, f"piiri {command[0]}:", "cannot connect to PostgreSQL", "127.0.0.1:1")


def test_missing_database_says_to_migrate():
    result = piiri("seed", "--demo", PIIRI_DATABASE_PREFIX="piiri_never_created")
    assert_clean_failure(result, "piiri_never_created_contacts", "piiri migrate")


def test_missing_config_file():
    result = piiri("check", PIIRI_CONFIG="/nonexistent/piiri.yml")
    assert_clean_failure(result, "/nonexistent/piiri.yml")


# --- check ------------------------------------------------------------------------------------


def test_check_passes_when_everything_is_up(databases):
    result = piiri("check")
    assert result.returncode == 0, result.stderr
    assert f"PostgreSQL contacts database {PREFIX}_contacts at 127.0.0.1:5432: ok" in result.stdout
    assert f"RabbitMQ at 127.0.0.1:5672 vhost '{VHOST}': ok" in result.stdout


def test_check_fails_clearly(databases):
    result = piiri(
        "check", PIIRI_DATABASE_URL=UNREACHABLE_DATABASE, PIIRI_AMQP_URI="pyamqp://guest:guest@127.0.0.1:1/"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    failures = result.stderr.strip().splitlines()
    assert len(failures) == len(database_names(SERVICE_NAMES)) + 1  # each database and the broker
    assert all(line.startswith("FAIL ") for line in failures)
    assert "RabbitMQ at 127.0.0.1:1" in failures[-1]


# --- users ------------------------------------------------------------------------------------


def gateway_user(databases, username, password):
    users = pytest.importorskip("gateway.users")
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    engine = create_engine(databases["gateway"])
    try:
        with Session(engine) as session:
            return users.verify_credentials(session, username, password)
    finally:
        engine.dispose()


def test_create_user(databases, clean_databases):
    pytest.importorskip("gateway.users")
    created = piiri("create-user", "cli-staff", "--password", "a-long-password-1")
    assert created.returncode == 0, created.stderr
    assert created.stdout == "created user cli-staff with role staff\n"
    assert gateway_user(databases, "cli-staff", "a-long-password-1")["role"] == "staff"

    from_env = piiri(
        "create-user", "cli-admin", "--role", "admin", PIIRI_NEW_USER_PASSWORD="another-password-2"
    )
    assert from_env.returncode == 0, from_env.stderr
    assert gateway_user(databases, "cli-admin", "another-password-2")["role"] == "admin"

    again = piiri("create-user", "cli-staff", "--password", "a-long-password-1")
    assert_clean_failure(again, "user 'cli-staff' already exists")
    assert_clean_failure(piiri("create-user", "cli-weak", "--password", "short"), "at least 12 characters")
    assert_clean_failure(piiri("create-user", "cli-nobody"), "no password")  # no terminal to ask on


def test_demo_admin(databases, clean_databases):
    pytest.importorskip("gateway.users")
    first = piiri("demo-admin", PIIRI_HTTP_ADDRESS="127.0.0.1:8123")
    assert first.returncode == 0, first.stderr
    match = re.search(r"^Log in at http://127\.0\.0\.1:8123/ as admin / (\S+)$", first.stdout, re.M)
    assert match, first.stdout
    assert gateway_user(databases, "admin", match.group(1))["role"] == "admin"

    second = piiri("demo-admin", PIIRI_DEMO_PASSWORD="the-demo-password")
    assert second.returncode == 0, second.stderr
    assert "as admin / the-demo-password" in second.stdout
    assert gateway_user(databases, "admin", "the-demo-password")["role"] == "admin"
    assert gateway_user(databases, "admin", match.group(1)) is None


def test_user_commands_with_unreachable_database(databases):
    pytest.importorskip("gateway.users")
    result = piiri(
        "demo-admin", PIIRI_DATABASE_URL=UNREACHABLE_DATABASE, PIIRI_DEMO_PASSWORD="the-demo-password"
    )
    assert_clean_failure(result, "cannot connect to PostgreSQL", f"{PREFIX}_gateway at 127.0.0.1:1")


# --- run --------------------------------------------------------------------------------------


def start_piiri_run(*args, **extra_env):
    output = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [str(PIIRI), "run", *args], stdout=output, stderr=subprocess.STDOUT, text=True,
        env=environment(**extra_env), cwd=ROOT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return process, output


def wait_for_output(process, output, text, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        output.seek(0)
        seen = output.read()
        if text in seen:
            return seen
        if process.poll() is not None:
            break
        time.sleep(0.2)
    output.seek(0)
    pytest.fail(f"`piiri run` never said {text!r}; it said:\n{output.read()}")


def stop(process):
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def test_run_one_service_and_stop_on_sigterm(databases):
    process, output = start_piiri_run("--services", "contacts")
    try:
        wait_for_output(process, output, "Piiri services contacts are running")
    finally:
        status = stop(process)
    assert status == 0
    output.seek(0)
    assert "Traceback" not in output.read()


def test_run_everything_serves_http(databases):
    pytest.importorskip("gateway.service")
    port = free_port()
    process, output = start_piiri_run(PIIRI_HTTP_ADDRESS=f"127.0.0.1:{port}")
    try:
        said = wait_for_output(process, output, f"Piiri is running at http://127.0.0.1:{port}/")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        assert status < 500
        # B3: the local SMTP emulator took the place of a mail server, and its page of mails answers
        mails = re.search(r"SMTP emulator at 127\.0\.0\.1:\d+, its mails at (http://\S+)/ ", said)
        assert mails, said
        with urllib.request.urlopen(mails.group(1) + "/api/messages", timeout=10) as response:
            assert json.loads(response.read()) == []
        # M1: the Campaign Monitor emulator delivers its campaign mails to that same catcher
        smtp_address = re.search(r"SMTP emulator at (127\.0\.0\.1:\d+),", said).group(1)
        assert f"its campaign mails to {smtp_address}" in said, said
    finally:
        assert stop(process) == 0


def test_run_refuses_clearly_when_the_broker_is_down(databases):
    result = piiri("run", "--services", "contacts", PIIRI_AMQP_URI="pyamqp://guest:guest@127.0.0.1:1/")
    assert_clean_failure(result, "piiri run:", "RabbitMQ at 127.0.0.1:1")


def test_run_refuses_clearly_when_the_port_is_taken(databases):
    pytest.importorskip("gateway.service")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        result = piiri("run", PIIRI_HTTP_ADDRESS=address)
    assert_clean_failure(result, f"cannot listen on {address}")


def http_status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_issue_18_two_gateway_processes_share_one_port_and_both_serve(databases):
    """Issue 18 (a second gateway process adds capacity): with HTTP_REUSE_PORT on (the default) a second
    `piiri run --services gateway` binds the address the first one serves (SO_REUSEPORT); when the first
    stops, the second goes on answering on the same port."""
    pytest.importorskip("gateway.service")
    address = f"127.0.0.1:{free_port()}"
    first, first_output = start_piiri_run("--services", "gateway", PIIRI_HTTP_ADDRESS=address)
    second = None
    try:
        wait_for_output(first, first_output, f"Piiri is running at http://{address}/")
        # The login page: the gateway's own answer (GET /health would wait 3 s for each absent service)
        assert http_status(f"http://{address}/login") == 200
        second, second_output = start_piiri_run("--services", "gateway", PIIRI_HTTP_ADDRESS=address)
        wait_for_output(second, second_output, f"Piiri is running at http://{address}/")
        assert stop(first) == 0
        assert http_status(f"http://{address}/login") == 200  # only the second one is left
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                stop(process)


def test_issue_18_reuse_port_off_refuses_a_second_gateway(databases):
    """PIIRI_HTTP_REUSE_PORT=false: the gateway's socket is its own (no SO_REUSEPORT), so even a second
    gateway that would share (the default) is refused in one line."""
    pytest.importorskip("gateway.service")
    address = f"127.0.0.1:{free_port()}"
    first, output = start_piiri_run(
        "--services", "gateway", PIIRI_HTTP_ADDRESS=address, PIIRI_HTTP_REUSE_PORT="false"
    )
    try:
        wait_for_output(first, output, f"Piiri is running at http://{address}/")
        result = piiri("run", "--services", "gateway", PIIRI_HTTP_ADDRESS=address)
        assert_clean_failure(result, f"cannot listen on {address}")
    finally:
        assert stop(first) == 0


def test_run_unknown_service_is_a_usage_error():
    result = piiri("run", "--services", "contacts,nonsense")
    assert result.returncode == 2
    assert "unknown service nonsense" in result.stderr


def test_run_path_keeps_psycopg_cooperative(databases):
    """`piiri run` greens the process after the console script imported piiri (and psycopg): 10 queries of
    0.3 s in 10 greenlets must overlap, or one slow query would stall every service (stack.md trap 2)."""
    script = textwrap.dedent(
        f"""
        import time
        import piiri_cli.cli
        piiri_cli.cli.prepare_eventlet()
        import eventlet, psycopg

        def slow(_):
            with psycopg.connect({psycopg_url(databases["contacts"])!r}) as conn:
                conn.execute("SELECT pg_sleep(0.3)")

        started = time.monotonic()
        list(eventlet.GreenPool(10).imap(slow, range(10)))
        print(round(time.monotonic() - started, 2))
        """
    )
    python = PIIRI.parent / "python"
    result = subprocess.run(
        [str(python if python.exists() else sys.executable), "-c", script],
        capture_output=True, text=True, env=environment(), cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert float(result.stdout) < 1.5, f"10 x 0.3 s queries took {result.stdout.strip()} s"


def test_seed_groups_adds_a_group_tree_and_memberships_to_existing_contacts(contacts_url):
    """C7/C5: `piiri seed --groups G` builds the data the groups benchmark needs."""
    assert piiri("seed", "--contacts", "300").returncode == 0
    result = piiri("seed", "--groups", "20")
    assert result.returncode == 0, result.stderr
    assert "seeded 20 groups" in result.stdout
    with psycopg.connect(psycopg_url(contacts_url)) as conn:
        assert conn.execute("SELECT count(*) FROM groups").fetchone()[0] == 20
        assert conn.execute("SELECT count(*) FROM memberships").fetchone()[0] > 300
        orphans = conn.execute(
            "SELECT count(*) FROM groups g WHERE g.parent_id IS NOT NULL"
            " AND g.path NOT LIKE (SELECT path FROM groups p WHERE p.id = g.parent_id) || '%'"
        ).fetchone()[0]
        assert orphans == 0
