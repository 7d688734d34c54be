"""After the faults (issue 12): wait until the system is quiet, then check that nothing acknowledged
was lost, straight in the databases, the harness's own event queue and the audit chain.

Delivery is proven by the harness's own durable queue, bound to ``contacts.events`` before the load
started, never by reading published outbox rows afterwards (a relay may delete them once published).
"""

import json
import time
import uuid
from dataclasses import dataclass, field

import pika
import psycopg

from tests.faults.load import Ledger, Write
from tests.faults.system import DATABASE_PREFIX, piiri

EVENT_QUEUE = "piiri-faults.contacts-events"
SERVICE_DATABASES = ("contacts", "audit", "imports", "exports", "gateway")
IMPORT_ACTIVE = ("validating", "committing")
EXPORT_ACTIVE = ("queued", "running")


def bind_event_queue(infra):
    """Our durable queue on every contacts event, declared before any event is published."""
    connection = pika.BlockingConnection(pika.URLParameters(infra.rabbit.pika_url))
    try:
        channel = connection.channel()
        channel.exchange_declare("contacts.events", exchange_type="topic", durable=True)
        channel.queue_declare(EVENT_QUEUE, durable=True)
        channel.queue_bind(EVENT_QUEUE, "contacts.events", routing_key="#")
    finally:
        connection.close()


def drain_events(infra):
    """Every message in our queue: {(contact_id, version): payload}, the ids contacts_imported events
    name as created, and the count of messages."""
    seen = {}
    imported = set()
    count = 0
    connection = pika.BlockingConnection(pika.URLParameters(infra.rabbit.pika_url))
    try:
        channel = connection.channel()
        while True:
            method, _properties, body = channel.basic_get(EVENT_QUEUE, auto_ack=True)
            if method is None:
                break
            count += 1
            payload = json.loads(body)
            contact = payload.get("contact") or {}
            if payload.get("contact_id") and "version" in contact:
                seen[(payload["contact_id"], contact["version"])] = payload
            imported.update(payload.get("created_ids") or ())
    finally:
        connection.close()
    return seen, imported, count


def query(infra, service, sql, params=()):
    with psycopg.connect(infra.postgres.conninfo(f"{DATABASE_PREFIX}_{service}"), connect_timeout=10) as conn:
        return conn.execute(sql, params).fetchall()


def unpublished(infra):
    """{service: rows in its outbox not yet published} (a relay that deletes published rows leaves
    only unpublished ones, with or without a ``published_at`` column)."""
    counts = {}
    for service in SERVICE_DATABASES:
        columns = query(
            infra, service, "SELECT column_name FROM information_schema.columns WHERE table_name = 'outbox'"
        )
        if not columns:
            continue
        pending = "published_at IS NULL" if ("published_at",) in columns else "true"
        counts[service] = query(infra, service, f"SELECT count(*) FROM outbox WHERE {pending}")[0][0]
    return counts


def queue_depths(infra, orphaned_replies=False):
    """{queue: messages ready or unacknowledged} of every queue but ours that is not empty. Without
    ``orphaned_replies``, leaves out RPC reply queues nobody consumes: the answers to a caller that was
    killed, which nobody will read (nameko lets such a queue expire after a few minutes)."""
    listed = infra.rabbit.ctl(
        "list_queues", "-q", "--no-table-headers", "name", "messages", "consumers", check=False
    )
    depths = {}
    for line in listed.stdout.splitlines():
        parts = line.split()
        if len(parts) != 3 or parts[0] == EVENT_QUEUE or not parts[1].isdigit() or not int(parts[1]):
            continue
        orphaned = parts[0].startswith("rpc.reply-") and parts[2] == "0"
        if orphaned == orphaned_replies:
            depths[parts[0]] = int(parts[1])
    return depths


def dead_letter_queue(name):
    return any(mark in name.lower() for mark in ("dead", "dlq", "dlx", "parked")) or name.endswith(".invalid")


def busy_queues(infra):
    """Queues a consumer still has to work through (dead-letter queues wait for a person, not for us)."""
    return {name: count for name, count in queue_depths(infra).items() if not dead_letter_queue(name)}


def active_jobs(infra):
    imports = query(
        infra, "imports", "SELECT count(*) FROM import_jobs WHERE status = ANY(%s)", [list(IMPORT_ACTIVE)]
    )
    exports = query(
        infra, "exports", "SELECT count(*) FROM export_jobs WHERE status = ANY(%s)", [list(EXPORT_ACTIVE)]
    )
    return imports[0][0] + exports[0][0]


def quiesce(infra, timeout):
    """Wait (bounded) until outboxes are published, queues drained and no job runs; what is left."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            left = {"outbox": unpublished(infra), "queues": busy_queues(infra), "jobs": active_jobs(infra)}
        except psycopg.Error as exc:
            left = {"error": str(exc)}
        quiet = not left.get("error") and not any(left["outbox"].values()) and not left["queues"]
        if quiet and not left["jobs"]:
            return {}
        if time.monotonic() > deadline:
            return left
        time.sleep(2)


@dataclass
class Report:
    counts: dict = field(default_factory=dict)
    lost: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    chaos: list = field(default_factory=list)  # what the chaos thread did, when

    def lose(self, category, what):
        self.lost[category] = self.lost.get(category, 0) + 1
        if len([p for p in self.problems if p.startswith(category)]) < 10:
            self.problems.append(f"{category}: {what}")

    @property
    def ok(self):
        return not any(self.lost.values()) and not [p for p in self.problems if p.startswith("harness")]


def check(infra, ledger, report):
    """Every acknowledged write, event, audited read and job; fills ``report``."""
    for category in ("writes", "events", "audit", "imports", "exports", "audit_chain"):
        report.lost.setdefault(category, 0)
    for service, count in unpublished(infra).items():
        if count:
            report.lose("events", f"{count} outbox rows of {service} never published")
    check_writes(infra, ledger, report)
    events, imported, messages = drain_events(infra)
    report.counts["events received"] = messages
    check_events(infra, ledger, events, imported, report)
    check_audit(infra, ledger, report)
    check_jobs(infra, ledger, report)
    canary = canary_detected(infra, ledger, events, imported)
    report.counts["canary losses found"] = canary
    if not all(canary.values()):
        report.problems.append(f"harness: a made-up loss went unnoticed: {canary}")
    dead = {name: count for name, count in queue_depths(infra).items() if dead_letter_queue(name)}
    report.counts["dead-lettered messages"] = dead or 0
    report.counts["unread answers to killed callers"] = sum(
        queue_depths(infra, orphaned_replies=True).values()
    )
    verify = piiri(infra, "audit", "verify")
    report.counts["audit chain"] = (verify.stdout or verify.stderr).strip().splitlines()[0:1]
    if verify.returncode != 0:
        report.lose("audit_chain", (verify.stdout + verify.stderr).strip()[-500:])


def last_writes(ledger):
    """{contact_id: its last acknowledged write}."""
    last = {}
    for write in ledger.writes:
        if write.contact_id not in last or write.version > last[write.contact_id].version:
            last[write.contact_id] = write
    return last


def check_writes(infra, ledger, report):
    last = last_writes(ledger)
    report.counts["writes acknowledged"] = len(ledger.writes)
    report.counts["contacts created"] = sum(1 for w in ledger.writes if w.action == "contact.created")
    rows = query(
        infra,
        "contacts",
        "SELECT id::text, version, first_name, last_name, email, city, notes FROM contacts"
        " WHERE id = ANY(%s::uuid[])",
        [list(last)],
    )
    stored = {row[0]: row for row in rows}
    columns = ("first_name", "last_name", "email", "city", "notes")
    for contact_id, write in last.items():
        row = stored.get(contact_id)
        if row is None:
            report.lose(
                "writes", f"contact {contact_id} (acknowledged v{write.version}) is not in the database"
            )
            continue
        if row[1] < write.version:
            report.lose("writes", f"contact {contact_id} is at v{row[1]}, v{write.version} was acknowledged")
            continue
        values = dict(zip(columns, row[2:], strict=True))
        if contact_id not in ledger.uncertain and row[1] == write.version:
            differing = {k: (values[k], v) for k, v in write.values.items() if values[k] != v}
            if differing:
                report.lose("writes", f"contact {contact_id} v{write.version} differs: {differing}")


def check_events(infra, ledger, events, imported, report):
    """Each acknowledged write's (contact, version) event arrived, with the acknowledged values; each
    contact a finished import created is in the database and named by a contacts_imported event."""
    for write in ledger.writes:
        payload = events.get((write.contact_id, write.version))
        if payload is None:
            report.lose("events", f"no event for {write.action} of {write.contact_id} v{write.version}")
            continue
        contact = payload.get("contact") or {}
        differing = {k: (contact.get(k), v) for k, v in write.values.items() if contact.get(k) != v}
        if differing:
            report.lose("events", f"event of {write.contact_id} v{write.version} carries {differing}")
    report.counts["events of acknowledged writes"] = len(ledger.writes)
    emails = [email for job_emails in done_imports(infra, ledger).values() for email in job_emails]
    rows = query(infra, "contacts", "SELECT id::text, email FROM contacts WHERE email = ANY(%s)", [emails])
    found = {email: contact_id for contact_id, email in rows}
    for email in emails:
        if email not in found:
            report.lose("imports", f"{email} of a finished import is not in the database")
        elif found[email] not in imported:
            report.lose("events", f"no contacts_imported event names {email} ({found[email]})")
    report.counts["imported contacts"] = len(emails)
    check_committed_versions(infra, ledger, events, imported, report)


def check_committed_versions(infra, ledger, events, imported, report):
    """Every committed change of every contact of the run has its event, acknowledged or not (a write
    whose answer was lost may still have committed): the version grows by one per change, so versions
    1..v of a contact at v each need one (version 1 of an imported contact: its contacts_imported)."""
    rows = query(
        infra,
        "contacts",
        "SELECT id::text, version FROM contacts WHERE last_name LIKE %s",
        [f"{ledger.marker}%"],
    )
    checked = 0
    for contact_id, version in rows:
        for number in range(1, version + 1):
            checked += 1
            if (contact_id, number) not in events and not (number == 1 and contact_id in imported):
                report.lose("events", f"committed v{number} of {contact_id} has no event")
    report.counts["committed changes checked"] = checked


def done_imports(infra, ledger):
    ids = list(ledger.imports)
    rows = query(
        infra,
        "imports",
        "SELECT id::text FROM import_jobs WHERE id = ANY(%s::uuid[]) AND status = 'done'",
        [ids],
    )
    return {row[0]: ledger.imports[row[0]] for row in rows}


def check_audit(infra, ledger, report):
    """Every read that returned data, every search that found contacts and every acknowledged write has
    its audit record (by the request id the gateway answered with)."""
    wanted = [(f"read {cid}", rid, "contact.viewed", cid) for cid, rid in ledger.reads]
    wanted += [("search", rid, None, None) for rid in ledger.searches]
    wanted += [(f"{w.action} {w.contact_id}", w.request_id, w.action, w.contact_id) for w in ledger.writes]
    request_ids = [rid for _what, rid, _action, _subject in wanted if rid]
    rows = query(
        infra,
        "audit",
        "SELECT request_id, action, subject_ids FROM audit_events WHERE request_id = ANY(%s)",
        [request_ids],
    )
    by_request = {}
    for request_id, action, subjects in rows:
        by_request.setdefault(request_id, []).append((action, subjects))
    for what, request_id, action, subject in wanted:
        if not request_id:
            report.lose("audit", f"{what}: the answer had no X-Request-Id")
            continue
        records = by_request.get(request_id, [])
        if not any((action is None or a == action) and (subject is None or subject in s) for a, s in records):
            report.lose("audit", f"{what}: no audit record for request {request_id}")
    report.counts["reads"] = len(ledger.reads)
    report.counts["searches"] = len(ledger.searches)
    report.counts["audit records checked"] = len(wanted)
    report.counts["audit records in total"] = query(infra, "audit", "SELECT count(*) FROM audit_events")[0][0]


def check_jobs(infra, ledger, report):
    """No import or export is stuck in a state only a worker moves on from."""
    imports = query(
        infra,
        "imports",
        "SELECT id::text, status FROM import_jobs WHERE id = ANY(%s::uuid[])",
        [list(ledger.imports)],
    )
    exports = query(
        infra,
        "exports",
        "SELECT id::text, status FROM export_jobs WHERE id = ANY(%s::uuid[])",
        [ledger.exports],
    )
    for kind, rows, active, expected in (
        ("imports", imports, IMPORT_ACTIVE, ledger.imports),
        ("exports", exports, EXPORT_ACTIVE, ledger.exports),
    ):
        statuses = {}
        for job_id, status in rows:
            statuses[status] = statuses.get(status, 0) + 1
            if status in active:
                report.lose(kind, f"{job_id} is stuck in {status}")
        missing = set(expected) - {row[0] for row in rows}
        for job_id in missing:
            report.lose(kind, f"accepted job {job_id} is not in the database")
        report.counts[kind] = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "0"
    failed = query(infra, "exports", "SELECT error FROM export_jobs WHERE status = 'failed'")
    failed += query(infra, "imports", "SELECT error::text FROM import_jobs WHERE status = 'failed'")
    report.counts["why jobs failed"] = sorted({str(row[0])[:160] for row in failed}) or 0
    unanswered = query(  # uploads whose answer the client never got (a fault cut the request)
        infra,
        "imports",
        "SELECT status, count(*) FROM import_jobs WHERE NOT id = ANY(%s::uuid[]) GROUP BY status",
        [list(ledger.imports)],
    )
    report.counts["import jobs of unanswered uploads"] = dict(unanswered) or 0


def canary_ledger(ledger):
    """A copy of ``ledger`` with one made-up write, read, search, import and export that never happened."""
    fake = str(uuid.uuid4())
    canary = Ledger(marker=ledger.marker)
    canary.writes = [Write(fake, 1, {"city": "Nowhere"}, f"canary-{fake}", "contact.created")]
    canary.reads = [(fake, f"canary-read-{fake}")]
    canary.searches = [f"canary-search-{fake}"]
    canary.imports = {fake: [f"canary.{fake}@example.fi"]}
    canary.exports = [fake]
    return canary


def canary_detected(infra, ledger, events, imported):
    """The checks are not vacuous: run on a made-up ledger they report a loss in every category."""
    canary = canary_ledger(ledger)
    report = Report()
    check_writes(infra, canary, report)
    check_events(infra, canary, events, imported, report)
    check_audit(infra, canary, report)
    check_jobs(infra, canary, report)
    return {
        category: report.lost.get(category, 0)
        for category in ("writes", "events", "audit", "imports", "exports")
    }
