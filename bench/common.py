"""Helpers shared by the benchmarks: an isolated environment, subprocesses, HTTP waiting, percentiles.

A benchmark never touches a dev or test system: it gets its own database prefix, its own RabbitMQ
vhost and its own HTTP port, and every ``PIIRI_*`` variable that could point elsewhere is dropped.
"""

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
AMQP_SERVER = "pyamqp://guest:guest@127.0.0.1:5672"


ADMIN_USER = "bench-admin"
ADMIN_PASSWORD = "bench-admin-password-1"


def contacts_engine():
    """An engine on the contacts database of the environment applied with apply_env()."""
    from piiri.config import database_url, load_config
    from piiri.db import make_engine

    return make_engine(database_url(load_config(), "contacts"), pool_size=1)


def scalar(engine, sql, **params):
    """The single value a SQL query gives, e.g. a count."""
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text(sql), params).scalar()


def reseed_contacts(piiri, env, engine, count, tables=("contacts",)):
    """Empty ``tables`` (CASCADE: and every table referring to them) and seed ``count`` contacts with
    `piiri seed`, which adds rows: a benchmark wants exactly ``count``."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(tables)} CASCADE"))
    run([piiri, "seed", "--contacts", str(count)], env, f"piiri seed --contacts {count:,}")


def token_for(base_url):
    """A bearer token for the benchmark's admin user."""
    import requests

    response = requests.post(
        f"{base_url}/api/v1/auth/token", json={"username": ADMIN_USER, "password": ADMIN_PASSWORD}, timeout=30
    )
    if response.status_code != 201:
        raise SystemExit(f"bench: could not get a token ({response.status_code}): {response.text[:300]}")
    return response.json()["token"]


def piiri_executable():
    """The `piiri` console script next to this Python (the project's virtualenv), else on PATH."""
    candidate = VENV_BIN / "piiri"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("piiri")
    if not found:
        raise SystemExit("bench: the `piiri` console script is not installed (pip install -e .).")
    return found


def isolated_env(prefix, vhost, http_address, log_level="WARNING"):
    """os.environ with the benchmark's own databases, vhost and port forced (not defaulted)."""
    env = {
        key: value
        for key, value in os.environ.items()
        # A per-service database URL (PIIRI_CONTACTS_DATABASE_URL, ...) or another config file would
        # escape the benchmark's databases; PIIRI_DATABASE_URL (the server) may stay.
        if not (key.startswith("PIIRI_") and key.endswith("_DATABASE_URL") and key != "PIIRI_DATABASE_URL")
        and key != "PIIRI_CONFIG"
    }
    env.update(
        PIIRI_DATABASE_PREFIX=prefix,
        PIIRI_AMQP_URI=f"{AMQP_SERVER}/{vhost}",
        PIIRI_HTTP_ADDRESS=http_address,
        PIIRI_LOG_LEVEL=log_level,
        PYTHONUNBUFFERED="1",
        # no local Campaign Monitor or e-invoice emulator (`piiri run` of mailing or billing starts them on
        # fixed ports, 8443 and 8092): a `make run` or another benchmark on the machine holds those ports
        PIIRI_CM_EMULATOR="0",
        PIIRI_EINVOICE_EMULATOR="0",
    )
    return env


def apply_env(env):
    """Make this process see the same configuration as its children (for piiri.config)."""
    for key in [key for key in os.environ if key.startswith("PIIRI_") and key not in env]:
        del os.environ[key]
    os.environ.update(env)


def rabbitmqctl():
    for candidate in (shutil.which("rabbitmqctl"), "/usr/sbin/rabbitmqctl", "/sbin/rabbitmqctl"):
        if candidate and os.path.exists(candidate):
            return candidate
    return None


def vhost_reachable(vhost):
    from kombu import Connection

    try:
        with Connection(f"{AMQP_SERVER}/{vhost}", connect_timeout=3) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:
        return False


def ensure_vhost(vhost):
    """Create the RabbitMQ vhost (and guest's permissions on it) if guest cannot use it yet."""
    if vhost_reachable(vhost):
        return False
    ctl = rabbitmqctl()
    if ctl is None:
        raise SystemExit(f"bench: vhost '{vhost}' is missing and rabbitmqctl is not available to create it.")
    subprocess.run([ctl, "add_vhost", vhost], capture_output=True, check=False)
    subprocess.run(
        [ctl, "set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], capture_output=True, check=True
    )
    if not vhost_reachable(vhost):
        raise SystemExit(f"bench: could not create or reach the RabbitMQ vhost '{vhost}'.")
    return True


def run(args, env, what, timeout=None, quiet=False, check=True):
    """Run a command to completion; on failure (if ``check``) show its output and stop the benchmark."""
    started = time.perf_counter()
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    elapsed = time.perf_counter() - started
    if check and result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench: {what} failed (exit {result.returncode}): {' '.join(args)}")
    if not quiet:
        print(f"  {what}: {elapsed:.1f} s", flush=True)
    return result


def start_setup(args, env, piiri):
    """The set-up every benchmark begins with: say where it works, its own vhost, its migrated databases."""
    print(f"Set-up (databases {args.prefix}_*, vhost {args.vhost}, http 127.0.0.1:{args.port})", flush=True)
    if ensure_vhost(args.vhost):
        print(f"  created RabbitMQ vhost {args.vhost}")
    run([piiri, "migrate"], env, "piiri migrate")


def ensure_admin(piiri, env):
    """The benchmark's admin user (ADMIN_USER / ADMIN_PASSWORD); one that already exists is fine."""
    result = run(
        [piiri, "create-user", ADMIN_USER, "--role", "admin", "--password", ADMIN_PASSWORD],
        env,
        "piiri create-user",
        quiet=True,
        check=False,
    )
    output = (result.stdout + result.stderr).lower()
    if result.returncode != 0 and not any(word in output for word in ("taken", "exists")):
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("bench: piiri create-user failed")


def port_in_use(host, port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


class Server:
    """`piiri run` as a child process in its own process group; stop() sends SIGTERM and waits."""

    def __init__(self, args, env, log_path):
        self.args = args
        self.env = env
        self.log_path = Path(log_path)
        self.process = None
        self.terminated = False  # SIGTERM sent (once: a second one would start a second stop)
        self._log = None

    def start(self):
        self.terminated = False
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")  # closed in stop()
        self.process = subprocess.Popen(
            self.args,
            env=self.env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def terminate(self):
        """Send SIGTERM without waiting (stop() then waits): several servers stop side by side."""
        if self.process is not None and self.process.poll() is None and not self.terminated:
            self.process.send_signal(signal.SIGTERM)
            self.terminated = True

    def stop(self, timeout=30):
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()
        return self.process.returncode

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def wait_for_health(base_url, server, timeout=90):
    """Poll GET /health until it answers 200 (all services up), or fail with the server's log."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not server.alive():
            raise SystemExit(
                f"bench: `piiri run` exited early ({server.process.returncode}):\n{server.log_tail()}"
            )
        try:
            response = requests.get(f"{base_url}/health", timeout=5)
            if response.status_code == 200:
                return
            last = f"{response.status_code} {response.text[:200]}"
        except requests.RequestException as exc:
            last = type(exc).__name__
        time.sleep(0.25)
    raise SystemExit(
        f"bench: /health did not answer 200 within {timeout} s (last: {last}):\n{server.log_tail()}"
    )


def cpu_seconds(pid):
    """User + system CPU seconds a process has used so far (/proc/<pid>/stat; 0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kb(pid, field="VmRSS"):
    """A process's memory figure from /proc/<pid>/status in kB: VmRSS (resident now) or VmHWM (its
    peak); 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def socket_ports(pid, end="local"):
    """The local (``end="remote"``: the remote) TCP ports of a process's sockets, from /proc (no psutil)."""
    column = {"local": 1, "remote": 2}[end]
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as handle:
            for line in handle.readlines()[1:]:
                parts = line.split()
                if parts[9] in inodes:
                    ports.add(int(parts[column].rsplit(":", 1)[1], 16))
    return ports


def verdict(smoke, missed=None):
    """Print the load average and the run's verdict; the exit status: 1 when ``missed`` (how the target was
    missed, e.g. "420 mails/s < 500"), never with ``smoke``."""
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")
    if smoke:
        print("smoke run done")
        return 0
    if missed:
        print(f"MISSED: {missed}")
        return 1
    print("target met")
    return 0


def percentile(values, fraction):
    """Linear-interpolated percentile (fraction 0..1) of a non-empty list of numbers."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def format_table(headers, rows, align=None):
    """A plain-text table with a header rule; ``align`` is a string of 'l'/'r' per column."""
    align = align or "l" * len(headers)
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        parts = [
            str(cell).ljust(width) if side == "l" else str(cell).rjust(width)
            for cell, width, side in zip(cells, widths, align, strict=True)
        ]
        return " | ".join(parts).rstrip()

    rule = "-+-".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
