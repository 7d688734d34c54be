"""Throwaway PostgreSQL and RabbitMQ for the fault harness (issue 12): started in a temp dir on free
ports, crashed and restarted on demand, removed afterwards. The machine's shared servers (5432, 5672,
node ``rabbit@localhost``) are never touched.

PostgreSQL refuses to run as root, so when we are root ``initdb``/``pg_ctl`` run as the ``postgres``
system user (``runuser``) on a data dir that user owns. The RabbitMQ node is a second Erlang node with
its own name, ports, data, log and (empty) env file, run by ``/usr/lib/rabbitmq/bin/rabbitmq-server``
directly (Debian's ``/usr/sbin`` wrapper would read ``/etc/rabbitmq/rabbitmq-env.conf``, whose
``NODENAME`` is the machine's node), with ``HOME`` in the temp dir so it has its own Erlang cookie.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

RABBITMQ_BIN = Path("/usr/lib/rabbitmq/bin")


def free_port():
    """A TCP port nothing listens on now (loopback)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout, what, interval=0.25):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def port_open(port):
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def postgres_bindir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError("no initdb found (install postgresql)")


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own: fsync on, trust auth, 127.0.0.1 on a free port, role ``piiri``."""

    def __init__(self, root):
        self.root = Path(root)
        self.data = self.root / "pgdata"
        self.socket_dir = self.root / "pgsocket"
        self.log = self.root / "postgres.log"
        self.port = free_port()
        self.bindir = postgres_bindir()
        self.as_root = os.geteuid() == 0
        self.restarts = 0

    def _run(self, *argv, check=True, timeout=120):
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    def _own(self, *paths):
        if self.as_root:
            for path in paths:
                shutil.chown(path, "postgres", "postgres")

    def create(self):
        self.data.mkdir()
        self.socket_dir.mkdir()
        self.log.touch()
        self._own(self.root, self.data, self.socket_dir, self.log)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.socket_dir}'",
            "fsync": "on",
            "synchronous_commit": "on",
            "max_connections": "300",
            "shared_buffers": "64MB",
            "log_min_messages": "warning",
        }
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# piiri fault harness\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self.start()
        self.psql("CREATE ROLE piiri LOGIN SUPERUSER PASSWORD 'piiri'")

    def start(self):
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "120", "start")

    def crash(self):
        """Stop at once, as a crash would (no checkpoint; recovery replays the WAL at the next start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def restart(self):
        self.crash()
        self.start()
        self.restarts += 1

    def stop(self):
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop", check=False)

    def psql(self, sql, database="postgres"):
        return self._run(
            "psql", "-h", str(self.socket_dir), "-p", str(self.port), "-U", "postgres", "-d", database,
            "-v", "ON_ERROR_STOP=1", "-Atc", sql,
        ).stdout  # fmt: skip

    @property
    def url(self):
        """PIIRI_DATABASE_URL: the server, no database name."""
        return f"postgresql+psycopg://piiri:piiri@127.0.0.1:{self.port}"

    def conninfo(self, database):
        return f"host=127.0.0.1 port={self.port} user=piiri password=piiri dbname={database}"


class ThrowawayRabbit:
    """A RabbitMQ node of our own: own node name, AMQP and distribution ports, data and log dirs."""

    def __init__(self, root):
        self.root = Path(root)
        self.home = self.root / "rabbit-home"
        self.port = free_port()
        self.dist_port = free_port()
        self.node = f"piiri-faults-{os.getpid()}@localhost"
        self.process = None
        self.restarts = 0

    @property
    def env(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("RABBITMQ_", "ERL_", "PIIRI_")) and key != "HOME"
        }
        env.update(
            HOME=str(self.home),  # the Erlang cookie of this node and of our rabbitmqctl
            RABBITMQ_CONF_ENV_FILE=str(self.home / "rabbitmq-env.conf"),  # empty: not the machine's
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.root / "rabbit-mnesia"),
            RABBITMQ_LOG_BASE=str(self.root / "rabbit-log"),
            RABBITMQ_CONFIG_FILE=str(self.home / "rabbitmq"),  # rabbitmq.conf
            RABBITMQ_ADVANCED_CONFIG_FILE=str(self.home / "advanced.config"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.home / "enabled_plugins"),
            RABBITMQ_ENABLED_PLUGINS="",
            RABBITMQ_PID_FILE=str(self.root / "rabbit.pid"),
            ERL_EPMD_ADDRESS="127.0.0.1",
            ERL_FLAGS="-kernel inet_dist_use_interface {127,0,0,1}",
        )
        return env

    def create(self):
        self.home.mkdir()
        (self.home / "rabbitmq-env.conf").write_text("")
        (self.home / "enabled_plugins").write_text("[].\n")
        (self.home / "rabbitmq.conf").write_text(
            "loopback_users.guest = true\n"
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            "disk_free_limit.absolute = 50MB\n"
            "vm_memory_high_watermark.relative = 0.6\n"
        )
        (self.home / "advanced.config").write_text("[].\n")
        self.start()

    def start(self):
        log = open(self.root / "rabbit-console.log", "ab")  # noqa: SIM115 (the child keeps it open)
        self.process = subprocess.Popen(
            [str(RABBITMQ_BIN / "rabbitmq-server")],
            env=self.env,
            cwd=self.root,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"rabbitmq node {self.node} exited: see {self.root / 'rabbit-console.log'}"
                )
            if self.ctl("await_startup", "--timeout", "5", check=False).returncode == 0 and port_open(
                self.port
            ):
                return
            time.sleep(1)
        raise RuntimeError(f"rabbitmq node {self.node} did not start in 180 s")

    def ctl(self, *argv, check=True, timeout=60):
        return subprocess.run(
            [str(RABBITMQ_BIN / "rabbitmqctl"), "-n", self.node, *argv],
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def restart(self):
        """Stop the whole node (every connection drops, the queues go to disk) and start it again."""
        self.stop()
        self.start()
        self.restarts += 1

    def stop(self):
        if self.process is None:
            return
        self.ctl("stop", check=False, timeout=120)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)

    @property
    def amqp_uri(self):
        return f"pyamqp://guest:guest@127.0.0.1:{self.port}/"

    @property
    def pika_url(self):
        return f"amqp://guest:guest@127.0.0.1:{self.port}/%2F"


class Infrastructure:
    """Both servers in one temp dir; ``close`` stops them and removes the dir (also after a failure)."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="piiri-faults-"))
        os.chmod(self.root, 0o755)
        self.postgres = ThrowawayPostgres(self.root / "pg")
        self.rabbit = ThrowawayRabbit(self.root / "rabbit")
        (self.root / "pg").mkdir()
        (self.root / "rabbit").mkdir()

    def start(self):
        self.postgres.create()
        self.rabbit.create()

    def close(self, keep=False):
        try:
            self.rabbit.stop()
        finally:
            self.rabbit.kill()
            self.postgres.stop()
            if not keep:
                shutil.rmtree(self.root, ignore_errors=True)
