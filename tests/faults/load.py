"""The mixed load of the fault harness (issue 12): writes, reads, searches, imports and exports through
the two gateways' JSON API, recording only what the API acknowledged.

Each writer thread owns its contacts (creates them, then edits only its own), so the last acknowledged
values of a contact are well defined; a write that failed or timed out may still have committed, so
after such a write the contact's final values are ``uncertain`` (its acknowledged versions are still
checked, through their events). Nothing is retried blindly: the API has no idempotency keys, so a
failed create is simply not acknowledged (an orphan contact is no loss).
"""

import random
import threading
import time
import uuid
from dataclasses import dataclass, field

import requests

TIMEOUT = 30  # seconds per request: above PIIRI_RPC_TIMEOUT, so the gateway answers first
IMPORT_ROWS = 5
CITIES = ("Helsinki", "Tampere", "Oulu", "Turku", "Kuopio", "Jyväskylä", "Lahti", "Pori")


@dataclass
class Write:
    contact_id: str
    version: int
    values: dict
    request_id: str
    action: str  # contact.created / contact.updated


@dataclass
class Ledger:
    """What the load saw acknowledged (thread-safe through ``lock``)."""

    marker: str
    writes: list = field(default_factory=list)
    reads: list = field(default_factory=list)  # (contact_id, request_id)
    searches: list = field(default_factory=list)  # request ids of searches that returned contacts
    imports: dict = field(default_factory=dict)  # job id -> the e-mails of its rows
    exports: list = field(default_factory=list)  # job ids
    uncertain: set = field(default_factory=set)  # contacts with a write of unknown outcome
    failures: dict = field(default_factory=dict)  # what -> count of failed requests (faults: expected)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, what):
        with self.lock:
            self.failures[what] = self.failures.get(what, 0) + 1

    def contact_ids(self):
        with self.lock:
            return [write.contact_id for write in self.writes if write.action == "contact.created"]


class Client:
    """One thread's HTTP session, spreading requests over the gateways."""

    def __init__(self, base_urls, token, rng):
        self.base_urls = base_urls
        self.rng = rng
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.trust_env = False  # loopback only, never a proxy

    def request(self, method, path, **kwargs):
        url = self.rng.choice(self.base_urls) + path
        return self.session.request(method, url, timeout=TIMEOUT, **kwargs)


def get_token(base_urls, username, password, deadline):
    while True:
        for base in base_urls:
            try:
                response = requests.post(
                    f"{base}/api/v1/auth/token",
                    json={"username": username, "password": password},
                    timeout=TIMEOUT,
                )
                if response.status_code in (200, 201):
                    return response.json()["token"]
            except requests.RequestException:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError("could not get an API token from the gateways")
        time.sleep(1)


class Load:
    """Threads doing the mixed load until ``stop``; bounded in count and time."""

    def __init__(self, base_urls, token, seed, writers=3, readers=2):
        self.base_urls = base_urls
        self.token = token
        self.seed = seed
        self.ledger = Ledger(marker=f"vika{uuid.uuid4().hex[:8]}")
        self.stopping = threading.Event()
        plan = [("writer", self.writer)] * writers + [("reader", self.reader)] * readers
        plan += [("importer", self.importer), ("exporter", self.exporter)]
        self.threads = [
            threading.Thread(target=self._guard, args=(target, index), name=f"{name}-{index}", daemon=True)
            for index, (name, target) in enumerate(plan)
        ]
        self.errors = []

    def start(self):
        for thread in self.threads:
            thread.start()

    def stop(self, timeout=120):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=timeout)
        if any(thread.is_alive() for thread in self.threads):
            self.errors.append("a load thread did not stop")

    def pause(self, seconds):
        return self.stopping.wait(seconds)

    def _guard(self, target, index):
        client = Client(self.base_urls, self.token, random.Random(self.seed * 100 + index))
        try:
            target(client, index)
        except Exception as exc:  # a bug in the harness, not a fault: reported as such
            self.errors.append(f"{threading.current_thread().name}: {type(exc).__name__}: {exc}")

    # --- writes -----------------------------------------------------------------------------------

    def writer(self, client, index):
        rng = client.rng
        mine = []
        number = 0
        while not self.stopping.is_set():
            if not mine or rng.random() < 0.4:
                number += 1
                values = {
                    "first_name": rng.choice(("Aino", "Eino", "Helmi", "Väinö", "Saara", "Ilmari")),
                    "last_name": f"{self.ledger.marker}w{index}n{number}",
                    "email": f"{self.ledger.marker}.w{index}.{number}@example.fi",
                    "city": rng.choice(CITIES),
                    "notes": f"luotu {number}",
                }
                self._write(client, "POST", "/api/v1/contacts", values, None, mine)
            else:
                contact_id = rng.choice(mine)
                changes = {"city": rng.choice(CITIES), "notes": f"muutettu {uuid.uuid4().hex[:10]}"}
                self._write(client, "PATCH", f"/api/v1/contacts/{contact_id}", changes, contact_id, mine)
            self.pause(rng.uniform(0.05, 0.3))

    def _write(self, client, method, path, values, contact_id, mine):
        try:
            response = client.request(method, path, json=values)
        except requests.RequestException:
            response = None
        if response is None or response.status_code not in (200, 201):
            self.ledger.failed(f"{method} contact")
            if contact_id is not None:
                with self.ledger.lock:
                    self.ledger.uncertain.add(contact_id)
            return
        body = response.json()
        action = "contact.created" if method == "POST" else "contact.updated"
        acknowledged = {key: body.get(key) for key in values}
        if acknowledged != values:
            self.ledger.failed(f"{method} contact answered other values")
        write = Write(body["id"], body["version"], values, response.headers.get("X-Request-Id", ""), action)
        with self.ledger.lock:
            self.ledger.writes.append(write)
        if method == "POST":
            mine.append(body["id"])

    # --- reads ------------------------------------------------------------------------------------

    def reader(self, client, index):
        rng = client.rng
        while not self.stopping.is_set():
            ids = self.ledger.contact_ids()
            try:
                if ids and rng.random() < 0.75:
                    contact_id = rng.choice(ids)
                    response = client.request("GET", f"/api/v1/contacts/{contact_id}")
                    if response.status_code == 200:
                        with self.ledger.lock:
                            self.ledger.reads.append((contact_id, response.headers.get("X-Request-Id", "")))
                    else:
                        self.ledger.failed("GET contact")
                else:
                    params = {"q": self.ledger.marker, "limit": 10}
                    response = client.request("GET", "/api/v1/contacts", params=params)
                    if response.status_code == 200 and response.json()["items"]:
                        with self.ledger.lock:
                            self.ledger.searches.append(response.headers.get("X-Request-Id", ""))
                    elif response.status_code != 200:
                        self.ledger.failed("search")
            except requests.RequestException:
                self.ledger.failed("read (no answer)")
            self.pause(rng.uniform(0.02, 0.15))

    # --- imports and exports ----------------------------------------------------------------------

    def importer(self, client, index):
        rng = client.rng
        number = 0
        while not self.stopping.is_set():
            number += 1
            emails = [f"{self.ledger.marker}.i{number}.{row}@example.fi" for row in range(IMPORT_ROWS)]
            lines = ["Etunimi;Sukunimi;Sähköposti"]
            lines += [
                f"Tuotu;{self.ledger.marker}i{number}r{row};{email}" for row, email in enumerate(emails)
            ]
            self._import(client, "\n".join(lines) + "\n", emails)
            self.pause(rng.uniform(1.0, 3.0))

    def _import(self, client, csv_text, emails):
        files = {"file": (f"{self.ledger.marker}.csv", csv_text.encode("utf-8"), "text/csv")}
        try:
            uploaded = client.request("POST", "/api/v1/imports", files=files)
        except requests.RequestException:
            uploaded = None
        if uploaded is None or uploaded.status_code != 201:
            self.ledger.failed("import upload")
            return
        job_id = uploaded.json()["id"]
        with self.ledger.lock:
            self.ledger.imports[job_id] = emails
        mapping = {"Etunimi": "first_name", "Sukunimi": "last_name", "Sähköposti": "email"}
        steps = (
            ("PUT", "mapping", {"mapping": mapping, "options": {}}, ("uploaded",)),
            ("POST", "validate", None, ("validated", "failed")),
            ("POST", "start", {}, ("done", "failed")),
        )
        for method, step, body, reached in steps:
            if not self._import_step(client, job_id, method, step, body, reached):
                return

    def _import_step(self, client, job_id, method, step, body, reached, attempts=6):
        """One step, tried again (bounded) while faults refuse it; then wait for its end state."""
        for _ in range(attempts):
            try:
                response = client.request(method, f"/api/v1/imports/{job_id}/{step}", json=body)
                if response.status_code in (200, 202):
                    break
                job = self._job(client, "imports", job_id)
                if job and job["status"] not in ("uploading", "uploaded", "validated"):
                    break  # already past this step (an earlier attempt went through)
            except requests.RequestException:
                pass
            self.ledger.failed(f"import {step}")
            if self.pause(1.0):
                return False
        job = self._wait_job(client, "imports", job_id, reached + ("failed", "cancelled", "expired"))
        return job is not None and job["status"] in reached and job["status"] != "failed"

    def exporter(self, client, index):
        rng = client.rng
        while not self.stopping.is_set():
            body = {
                "format": rng.choice(("csv", "xlsx", "ndjson")),
                "selection": {"kind": "search", "query": self.ledger.marker},
                "columns": ["display_name", "email"],
                "language": "fi",
            }
            try:
                response = client.request("POST", "/api/v1/exports", json=body)
            except requests.RequestException:
                response = None
            if response is None or response.status_code != 202:
                self.ledger.failed("export start")
            else:
                job_id = response.json()["id"]
                with self.ledger.lock:
                    self.ledger.exports.append(job_id)
                self._wait_job(client, "exports", job_id, ("done", "failed"))
            self.pause(rng.uniform(1.0, 3.0))

    def _job(self, client, kind, job_id):
        try:
            response = client.request("GET", f"/api/v1/{kind}/{job_id}")
        except requests.RequestException:
            return None
        return response.json() if response.status_code == 200 else None

    def _wait_job(self, client, kind, job_id, statuses, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self._job(client, kind, job_id)
            if job is not None and job["status"] in statuses:
                return job
            if self.pause(0.5):
                return None
        return None
