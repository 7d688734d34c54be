"""Every Piiri service as its own OS process, two of each (issue 12), on the throwaway servers.

Each process is ``.venv/bin/piiri run --services NAME`` in its own process group, logging to a file
in the run's temp dir; it counts as started when it prints its banner. ``kill`` sends SIGKILL (a
crash, nothing cleaned up) and ``start`` brings the same slot back. A supervisor thread restarts a
process that exited on its own, as systemd or Kubernetes would, and counts it: the report shows it.
"""

import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIIRI = Path(sys.executable).parent / "piiri"
SERVICES = (
    "contacts",
    "contacts_worker",
    "audit",
    "imports",
    "import_worker",
    "exports",
    "export_worker",
    "gateway",
)
BANNERS = ("Piiri is running at", "are running (no web gateway")
DATABASE_PREFIX = "piiri_faults"
EXCEPTION_LINE = re.compile(r"^[\w.]+(Error|Exception|Exit)\b.*")


def service_env(infra, extra=None):
    env = dict(os.environ)
    env.update(
        PIIRI_AMQP_URI=infra.rabbit.amqp_uri,
        PIIRI_DATABASE_URL=infra.postgres.url,
        PIIRI_DATABASE_PREFIX=DATABASE_PREFIX,
        PIIRI_LOG_LEVEL="WARNING",
        PIIRI_RPC_TIMEOUT="10",
        PIIRI_IMPORT_STALE_SECONDS="6",  # a killed import worker's job goes on elsewhere soon
        PIIRI_EXPORT_STALE_SECONDS="10",
        PYTHONUNBUFFERED="1",
    )
    for key in [key for key in env if key.startswith("PIIRI_") and key.endswith("_DATABASE_URL")]:
        if key != "PIIRI_DATABASE_URL":
            del env[key]
    env.update(extra or {})
    return env


def piiri(infra, *argv, timeout=300):
    """Run a ``piiri`` CLI command against the throwaway servers; the CompletedProcess."""
    return subprocess.run(
        [str(PIIRI), *argv], env=service_env(infra), cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


class ServiceProcess:
    """One slot: a service name, an instance number and (for the gateway) its own port."""

    def __init__(self, name, instance, log_dir, env):
        self.name = name
        self.instance = instance
        self.log = Path(log_dir) / f"{name}-{instance}.log"
        self.env = env
        self.process = None
        self.starts = 0

    @property
    def label(self):
        return f"{self.name}#{self.instance}"

    def spawn(self):
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(PIIRI), "run", "--services", self.name],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.starts += 1
        return offset

    def started(self, offset):
        with open(self.log, "rb") as log:
            log.seek(offset)
            text = log.read().decode("utf-8", "replace")
        return any(banner in text for banner in BANNERS)

    def start(self, timeout=180):
        """Start and wait for the banner; retried while the servers it needs come back (bounded)."""
        deadline = time.monotonic() + timeout
        while True:
            offset = self.spawn()
            while self.process.poll() is None and not self.started(offset):
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"{self.label} did not start in {timeout} s: see {self.log}")
                time.sleep(0.3)
            if self.process.poll() is None:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.label} keeps exiting at start: see {self.log}")
            time.sleep(2)  # preflight refused (a server is restarting): try again

    def exit_reason(self):
        """The last exception line of the log (why the process exited on its own), or ''."""
        with open(self.log, "rb") as log:
            log.seek(max(0, self.log.stat().st_size - 20000))
            lines = log.read().decode("utf-8", "replace").splitlines()
        errors = [line for line in lines if EXCEPTION_LINE.match(line)]
        return errors[-1][:200] if errors else ""

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """SIGKILL the process group: a crash, no shutdown hooks."""
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process is not None:
            self.process.wait(timeout=30)

    def stop(self):
        """SIGTERM (nameko finishes in-flight work), then SIGKILL after a while."""
        if not self.alive():
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            self.kill()


class Cluster:
    """Two processes of every service; kill/restart by the chaos thread, restarts by the supervisor."""

    def __init__(self, infra, log_dir, instances=2):
        self.infra = infra
        self.gateway_ports = []
        self.slots = []
        self.lock = threading.Lock()
        self.unplanned_exits = []  # labels of processes that exited without being killed by us
        self.kills = []
        self._stop = threading.Event()
        self._supervisor = None
        for name in SERVICES:
            for instance in range(instances):
                extra = {}
                if name == "gateway":
                    from tests.faults.infra import free_port

                    port = free_port()
                    self.gateway_ports.append(port)
                    extra["PIIRI_HTTP_ADDRESS"] = f"127.0.0.1:{port}"
                self.slots.append(ServiceProcess(name, instance, log_dir, service_env(infra, extra)))

    @property
    def base_urls(self):
        return [f"http://127.0.0.1:{port}" for port in self.gateway_ports]

    def start(self):
        for slot in self.slots:  # one by one: at start each imports every module (CPU-bound)
            slot.start()
        self._supervisor = threading.Thread(target=self._supervise, name="supervisor", daemon=True)
        self._supervisor.start()

    def _supervise(self):
        while not self._stop.wait(1.0):
            for slot in self.slots:
                with self.lock:
                    if slot.process is not None and not slot.alive() and not self._stop.is_set():
                        reason = slot.exit_reason()
                        self.unplanned_exits.append(
                            f"{slot.label} (exit {slot.process.returncode}: {reason})"
                        )
                        try:
                            slot.start()
                        except RuntimeError:
                            pass  # tried again on the next round

    def kill_random(self, rng=random):
        """SIGKILL one random service process and start it again; the slot's label."""
        slot = rng.choice(self.slots)
        with self.lock:
            slot.kill()
            self.kills.append(slot.label)
            time.sleep(rng.uniform(0.5, 2.0))
            slot.start()
        return slot.label

    def all_alive(self):
        return all(slot.alive() for slot in self.slots)

    def stop(self):
        self._stop.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=30)
        with self.lock:
            for slot in self.slots:
                if slot.alive():
                    try:
                        os.killpg(slot.process.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
            for slot in self.slots:
                try:
                    if slot.process is not None:
                        slot.process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    slot.kill()
