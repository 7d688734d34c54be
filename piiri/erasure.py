"""The right-to-be-forgotten protocol (G4) every service holding personal data follows: the queues and
exchange of erasure requests and reports, and the publisher of a service's report.

- The contacts service publishes ``contact_erasure_requested`` {erasure_id, contact_id, services,
  import_ids (the imports that touched the person), related_ids (saved searches whose text named
  them, their couples), match_keys (digests of their values, piiri/erasure_keys.py)} on
  ``contacts.events`` (through its outbox). Each service in ``GDPR_SERVICES`` (config; default
  contacts, audit, imports, exports, surveys, mailing and billing: every service that can hold
  personal data) has its own durable queue ``piiri.erasure.<service>`` bound to that event. The
  contacts service declares those queues when it starts, so a request published while a service is
  down waits for it: the service erases when it comes back. An erasure is complete when every one of
  them has reported.
- A service erases (or anonymises) its own data about the contact, idempotently, then publishes
  ``contact_erasure_completed`` {erasure_id, contact_id, service, summary} on the exchange
  ``piiri.erasure`` (topic, durable) to the durable queue ``piiri.erasure.reports``, which the contacts
  service consumes to mark that service done.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from kombu import Exchange, Queue
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from nameko.amqp.publish import Publisher
from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider

from piiri import signing
from piiri.dead_letters import Unprocessable
from piiri.messaging import SHORT_RETRY, context_headers, event_exchange

REQUESTED = "contact_erasure_requested"
COMPLETED = "contact_erasure_completed"
ERASED = "contact_erased"
DEFAULT_SERVICES = ("contacts", "audit", "imports", "exports", "surveys", "mailing", "billing")
REPORT_EXCHANGE = Exchange("piiri.erasure", type="topic", durable=True)
REPORT_QUEUE = Queue(
    "piiri.erasure.reports",
    exchange=REPORT_EXCHANGE,
    routing_key=COMPLETED,
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)


def configured_services(config: Mapping[str, Any]) -> list[str]:
    """The services that must each report an erasure done: ``GDPR_SERVICES`` (a list or "a,b")."""
    value = config.get("GDPR_SERVICES") or DEFAULT_SERVICES
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    services = [str(name) for name in value if str(name).strip()]
    return services if "contacts" in services else ["contacts", *services]


def request_queue(service: str) -> Queue:
    """The durable queue of erasure requests for ``service`` (it consumes it with ``@consume``)."""
    return Queue(
        f"piiri.erasure.{service}",
        exchange=event_exchange("contacts"),
        routing_key=REQUESTED,
        durable=True,
        queue_arguments={"x-queue-type": "classic"},
    )


def declare_queues(amqp_uri: str, services: Iterable[str]) -> None:
    """Declare every service's request queue and the report queue (idempotent; called at start)."""
    from kombu import Connection

    with Connection(amqp_uri) as connection:
        channel = connection.default_channel
        for service in services:
            request_queue(service).bind(channel).declare()
        REPORT_QUEUE.bind(channel).declare()


def report_publisher(amqp_uri: str) -> Publisher:
    """Publishes a service's ``contact_erasure_completed`` with confirms (the report queue declared)."""
    return Publisher(
        amqp_uri,
        use_confirms=True,
        mandatory=True,
        serializer="json",
        exchange=REPORT_EXCHANGE,
        declare=[REPORT_EXCHANGE, REPORT_QUEUE],
        retry=True,
        retry_policy=SHORT_RETRY,
    )


def report(erasure_id: object, contact_id: object, service: str, summary: object) -> dict[str, object]:
    """The payload of ``contact_erasure_completed``."""
    return {
        "schema_version": 1,
        "erasure_id": str(erasure_id),
        "contact_id": str(contact_id),
        "service": service,
        "summary": summary,
    }


class ErasureRequest(Schema):
    """What a service reads of ``contact_erasure_requested`` (the rest is ignored)."""

    erasure_id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
    import_ids = fields.List(fields.UUID(), load_default=list)
    related_ids = fields.List(fields.UUID(), load_default=list)
    match_keys = fields.Dict(load_default=dict)

    class Meta:
        unknown = EXCLUDE


class ErasureReporter(DependencyProvider):
    """A service's publisher of ``contact_erasure_completed`` reports (with confirms):
    ``self.erasure_reporter.publish(report(...), routing_key=COMPLETED)``. A report carries the worker's
    context, signed (issue 11 item 7: the contacts service refuses unsigned reports)."""

    def setup(self) -> None:
        self.publisher = report_publisher(self.container.config["AMQP_URI"])
        self.context_keys = signing.context_keys(self.container.config)

    def get_dependency(self, worker_ctx: WorkerContext) -> "SignedReportPublisher":
        return SignedReportPublisher(self, worker_ctx)


class SignedReportPublisher:
    def __init__(self, provider: ErasureReporter, worker_ctx: WorkerContext) -> None:
        self.provider = provider
        self.worker_ctx = worker_ctx

    def publish(self, payload: Mapping[str, object], **kwargs: Any) -> None:
        headers = context_headers(dict(self.worker_ctx.data), self.provider.context_keys)
        self.provider.publisher.publish(payload, extra_headers=headers, **kwargs)


def load_request(body: Any) -> dict[str, Any]:
    """The erasure request in ``body``; a malformed one is Unprocessable: it goes to the dead letters,
    never dropped (issue 11 item 6)."""
    try:
        request: dict[str, Any] = ErasureRequest().load(body)
        return request
    except (ValidationError, TypeError) as exc:
        raise Unprocessable(f"not an erasure request: {exc}") from None
