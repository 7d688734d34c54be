"""One RabbitMQ user per service, allowed only what that service does on the broker (issue 11 item 7).

``PERMISSIONS[service]`` is the (configure, write, read) regular expressions of the service's user in
the Piiri vhost. RabbitMQ checks: declaring or deleting a queue or exchange needs *configure* on it;
publishing to an exchange needs *write* on it (``amq.default`` is the default exchange, used for the
dead-letter retries); consuming a queue needs *read* on it; binding a queue to an exchange needs *write*
on the queue and *read* on the exchange.

What each service's user may do, then: serve its own ``rpc-<service>`` queue and call others through
``nameko-rpc`` with its own reply queues; publish audit records to ``piiri.audit``; publish its own
``<service>.events``; consume only its own queues; publish its dead letters. So the import worker's
user cannot consume the audit queue, nor publish ``contacts.events``, nor serve ``rpc-contacts``.
Limitation: a user that binds a queue to an exchange (every audit publisher declares and binds the
audit queue, so that no record is lost when audit starts last) holds *read* on that exchange, and could
bind one of its own reply queues to it; topic permissions are not used.

``piiri broker-users`` prints the users and their permissions; ``piiri broker-users --apply`` creates or
updates them (and the vhost) through the RabbitMQ management API, with each service's password from
``PIIRI_RABBITMQ_PASSWORD_<SERVICE>`` (deploy/compose.yml and deploy/k8s run it before the services).
The operator (``piiri migrate``, ``piiri dead-letters``) keeps the administrator user.
"""

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode
from collections.abc import Mapping

SERVICES = (
    "contacts",
    "contacts_worker",
    "audit",
    "imports",
    "import_worker",
    "exports",
    "exports_worker",
    "surveys",
    "mailing",
    "mailing_worker",
    "billing",
    "billing_worker",
    "gateway",
)
# Which broker user runs which service (`piiri run --services NAME`); deploy/ sets PIIRI_AMQP_URI to it.


def _any(*names: str) -> str:
    return "^(" + "|".join(names) + ")$"


def _rpc(service: str, serves: bool = True) -> list[str]:
    """Names for calling others (own reply queues) and, when it ``serves``, for its own RPC queue."""
    names = ["nameko-rpc", re.escape(f"rpc.reply-{service}-") + ".*"]
    return [*names, re.escape(f"rpc-{service}")] if serves else names


def _events_handler(source: str, service: str) -> tuple[str, str]:
    """A nameko @event_handler of ``service`` on ``source``'s events: the exchange and its own queues."""
    return re.escape(f"{source}.events"), re.escape(f"evt-{source}-") + "[^-]+" + re.escape(
        f"--{service}."
    ) + ".*"


AUDIT = [r"piiri\.audit", r"piiri\.audit\.records"]  # every publisher of audit records declares both
DEAD = [r"piiri\.dead_letters", r"piiri\.dead_letters\.audit"]
ERASURE_REPORTS = [r"piiri\.erasure", r"piiri\.erasure\.reports"]
JOBS = [r"piiri\.exports", r"piiri\.exports\.jobs"]
MAILING_JOBS = [r"piiri\.mailing", r"piiri\.mailing\.jobs"]
MAILING_FOLLOWS = r"piiri\.mailing\.contact_changes"  # the contact events incremental syncs follow
# invoice runs (B1), reminder runs (B4) and runs' PDFs (B2): the exchange and the three queues
RUNS = [
    r"piiri\.billing",
    r"piiri\.billing\.runs",
    r"piiri\.billing\.reminder_runs",
    r"piiri\.billing\.run_pdfs",
]


def _user(configure: list[str], write: list[str], read: list[str]) -> dict[str, str]:
    return {"configure": _any(*configure), "write": _any(*write), "read": _any(*read)}


def _permissions() -> dict[str, dict[str, str]]:
    def common(service: str, serves: bool = True) -> list[str]:
        """configure and write: RPC, audit publishing (declares and binds the audit queue), dead letters."""
        return _rpc(service, serves) + AUDIT + DEAD

    def common_read(service: str, serves: bool = True) -> list[str]:
        """read: RPC, and the exchanges it binds queues to (audit, dead letters)."""
        return [*_rpc(service, serves), r"piiri\.audit", r"piiri\.dead_letters"]

    contacts_events, contacts_own = _events_handler("contacts", "contacts")
    billing_events, contacts_billing = _events_handler("billing", "contacts")
    import_events, import_queue = _events_handler("imports", "import_worker")
    _, surveys_merges = _events_handler("contacts", "surveys")
    mailing_events, billing_mailing = _events_handler("mailing", "billing")  # B3: mail_sent, mail_bounced…
    erasure_requests = r"piiri\.erasure\.[a-z_]+"
    return {
        # contacts: RPC; its events; its automations' handlers on its own events; its handlers on
        # billing's invoice events (paid-up membership, B4); declares every
        # service's erasure-request queue (bound to contacts.events); consumes the erasure reports.
        "contacts": _user(
            configure=[
                *common("contacts"),
                contacts_events,
                contacts_own,
                billing_events,
                contacts_billing,
                erasure_requests,
                *ERASURE_REPORTS,
            ],
            write=[
                *common("contacts"),
                "amq\\.default",
                contacts_events,
                contacts_own,
                contacts_billing,
                erasure_requests,
                *ERASURE_REPORTS,
            ],
            read=[
                *common_read("contacts"),
                contacts_events,
                contacts_own,
                billing_events,  # B4: paid-up membership follows invoice_paid and invoice_credited
                contacts_billing,
                *ERASURE_REPORTS,
            ],
        ),
        # contacts worker (issue 18): no RPC queue of its own; its outbox publishes contacts.events
        # (automations' membership events, the birthday reminder, erasure requests sent again); declares
        # the erasure queues (requests and reports) as the service does; consumes the automations' queues
        # on contacts' own events, which keep the contacts service's names (KeptQueueEventHandler).
        "contacts_worker": _user(
            configure=[
                *common("contacts_worker", serves=False),
                contacts_events,
                contacts_own,
                erasure_requests,
                *ERASURE_REPORTS,
            ],
            write=[
                *common("contacts_worker", serves=False),
                "amq\\.default",
                contacts_events,
                contacts_own,
                erasure_requests,
                *ERASURE_REPORTS,
            ],
            read=[
                *common_read("contacts_worker", serves=False),
                contacts_events,
                contacts_own,
                *ERASURE_REPORTS[:1],
            ],
        ),
        # audit: RPC; consumes the audit queue and its erasure requests; publishes erasure reports; reads
        # and removes the dead letters naming an erased person (piiri/dead_letters.py).
        "audit": _user(
            configure=[
                *common("audit"),
                contacts_events,
                r"piiri\.erasure\.audit",
                *ERASURE_REPORTS,
                r"piiri\.dead_letters\.scan",  # the dead letters' reading lock (piiri/dead_letters.py)
            ],
            write=[*common("audit"), "amq\\.default", r"piiri\.erasure\.audit", *ERASURE_REPORTS],
            read=[
                *common_read("audit"),
                r"piiri\.audit\.records",
                r"piiri\.dead_letters\.audit",  # G3, G4: it answers for the dead letters (piiri.dead_letters)
                contacts_events,
                r"piiri\.erasure\.audit",
                *ERASURE_REPORTS,
            ],
        ),
        # imports: RPC (and calls contacts); publishes imports.events (import_job_queued) via its outbox;
        # its erasure requests and reports (G4).
        "imports": _user(
            configure=[
                *common("imports"),
                import_events,
                contacts_events,
                r"piiri\.erasure\.imports",
                *ERASURE_REPORTS,
            ],
            write=[
                *common("imports"),
                "amq\\.default",
                import_events,
                r"piiri\.erasure\.imports",
                *ERASURE_REPORTS,
            ],
            read=[*common_read("imports"), contacts_events, r"piiri\.erasure\.imports", *ERASURE_REPORTS],
        ),
        # import workers: call contacts; consume import_job_queued; their outbox publishes imports.events.
        "import_worker": _user(
            configure=[*common("import_worker", serves=False), import_events, import_queue],
            write=[*common("import_worker", serves=False), "amq\\.default", import_events, import_queue],
            read=[*common_read("import_worker", serves=False), import_events, import_queue],
        ),
        # exports: RPC; queues jobs through its outbox; its erasure requests and reports (G4).
        "exports": _user(
            configure=[
                *common("exports"),
                r"exports\.events",
                *JOBS,
                contacts_events,
                r"piiri\.erasure\.exports",
                *ERASURE_REPORTS,
            ],
            write=[
                *common("exports"),
                "amq\\.default",
                r"exports\.events",
                *JOBS,
                r"piiri\.erasure\.exports",
                *ERASURE_REPORTS,
            ],
            read=[
                *common_read("exports"),
                *JOBS[:1],
                contacts_events,
                r"piiri\.erasure\.exports",
                *ERASURE_REPORTS,
            ],
        ),
        # export workers: call contacts; consume the job queue; re-queue stale jobs through the outbox.
        "exports_worker": _user(
            configure=[*common("exports_worker", serves=False), r"exports\.events", *JOBS],
            write=[*common("exports_worker", serves=False), "amq\\.default", r"exports\.events", *JOBS],
            read=[*common_read("exports_worker", serves=False), *JOBS],
        ),
        # surveys (Q1, Q2): RPC (and calls contacts); audit records through its outbox; its erasure
        # requests and reports (G4).
        "surveys": _user(
            configure=[
                *common("surveys"),
                contacts_events,
                surveys_merges,
                r"piiri\.erasure\.surveys",
                *ERASURE_REPORTS,
            ],
            write=[
                *common("surveys"),
                "amq\\.default",
                surveys_merges,
                r"piiri\.erasure\.surveys",
                *ERASURE_REPORTS,
            ],
            read=[
                *common_read("surveys"),
                contacts_events,
                surveys_merges,
                r"piiri\.erasure\.surveys",
                *ERASURE_REPORTS,
            ],
        ),
        # mailing: RPC (and calls contacts); follows contact events (incremental sync); queues sync runs
        # through its outbox; publishes mailing.events (B3: mail_bounced from DSNs, mail_failed of an
        # erased recipient); its erasure requests and reports (G4).
        "mailing": _user(
            configure=[
                *common("mailing"),
                mailing_events,
                contacts_events,
                MAILING_FOLLOWS,
                *MAILING_JOBS,
                r"piiri\.erasure\.mailing",
                *ERASURE_REPORTS,
            ],
            write=[
                *common("mailing"),
                "amq\\.default",
                mailing_events,
                MAILING_FOLLOWS,
                *MAILING_JOBS,
                r"piiri\.erasure\.mailing",
                *ERASURE_REPORTS,
            ],
            read=[
                *common_read("mailing"),
                contacts_events,
                MAILING_FOLLOWS,
                *MAILING_JOBS[:1],
                r"piiri\.erasure\.mailing",
                *ERASURE_REPORTS,
            ],
        ),
        # mailing workers: call contacts and billing (B3: a mail's documents); consume the sync queue;
        # re-queue runs through the outbox; audit every disclosure to Campaign Monitor and to the SMTP
        # server; publish mailing.events (mail_sent, mail_bounced, mail_failed) through the outbox.
        "mailing_worker": _user(
            configure=[*common("mailing_worker", serves=False), mailing_events, *MAILING_JOBS],
            write=[*common("mailing_worker", serves=False), "amq\\.default", mailing_events, *MAILING_JOBS],
            read=[*common_read("mailing_worker", serves=False), *MAILING_JOBS],
        ),
        # billing: RPC (and calls contacts and mailing); its events and queued runs through its outbox;
        # its handlers on mailing's mail events (B3: an e-mailed invoice's status); its erasure requests
        # and reports (G4).
        "billing": _user(
            configure=[
                *common("billing"),
                r"billing\.events",
                mailing_events,
                billing_mailing,
                *RUNS,
                contacts_events,
                r"piiri\.erasure\.billing",
                *ERASURE_REPORTS,
            ],
            write=[
                *common("billing"),
                "amq\\.default",
                r"billing\.events",
                billing_mailing,
                *RUNS,
                r"piiri\.erasure\.billing",
                *ERASURE_REPORTS,
            ],
            read=[
                *common_read("billing"),
                *RUNS[:1],
                mailing_events,
                billing_mailing,
                contacts_events,
                r"piiri\.erasure\.billing",
                *ERASURE_REPORTS,
            ],
        ),
        # billing workers: call contacts; consume the run queue; their outbox relays billing.events and runs.
        "billing_worker": _user(
            configure=[*common("billing_worker", serves=False), r"billing\.events", *RUNS],
            write=[*common("billing_worker", serves=False), "amq\\.default", r"billing\.events", *RUNS],
            read=[*common_read("billing_worker", serves=False), *RUNS],
        ),
        # gateway: calls every service; audit records of its own changes; /health looks at queues.
        "gateway": _user(
            configure=common("gateway", serves=False),
            write=common("gateway", serves=False),
            read=common_read("gateway", serves=False),
        ),
    }


PERMISSIONS = _permissions()


def username(service: str) -> str:
    return f"piiri-{service.replace('_', '-')}"


def password_variable(service: str) -> str:
    return f"PIIRI_RABBITMQ_PASSWORD_{service.upper()}"


def plan() -> list[tuple[str, str, dict[str, str]]]:
    """[(user, service, permissions)] for printing."""
    return [(username(service), service, PERMISSIONS[service]) for service in SERVICES]


def apply(
    management_url: str, admin_user: str, admin_password: str, vhost: str, passwords: Mapping[str, str]
) -> list[str]:
    """Create or update the vhost, each service's user (password from ``passwords[service]``) and its
    permissions, through the management HTTP API. Returns the users written."""
    auth = "Basic " + b64encode(f"{admin_user}:{admin_password}".encode()).decode()

    def put(path: str, body: object) -> None:
        request = urllib.request.Request(
            management_url.rstrip("/") + path,
            data=json.dumps(body).encode(),
            method="PUT",
            headers={"Authorization": auth, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10):
            pass

    quoted_vhost = urllib.parse.quote(vhost, safe="")
    put(f"/api/vhosts/{quoted_vhost}", {})
    written = []
    for user, service, permissions in plan():
        password = passwords.get(service)
        if not password:
            raise ValueError(f"no password for {service}: set {password_variable(service)}")
        put(f"/api/users/{urllib.parse.quote(user, safe='')}", {"password": password, "tags": ""})
        put(f"/api/permissions/{quoted_vhost}/{urllib.parse.quote(user, safe='')}", permissions)
        written.append(user)
    return written


def passwords_from_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    environ = os.environ if environ is None else environ
    return {service: environ.get(password_variable(service), "") for service in SERVICES}
