"""An example of another system on Piiri's bus (X1): a pika consumer with its own durable queue, bound to
Piiri's event exchanges, that checks every payload against the published JSON Schemas (docs/events/).

It reads only a message's routing key (the event type) and its JSON body; headers (Piiri's context, a
signature) are ignored. A valid event is handled and acknowledged; an invalid one (not JSON, an unknown
schema_version, a payload that breaks its schema) is rejected without requeue and so dead-lettered to
``<queue>.invalid`` for someone to look at. Event types without a schema (an automation's own event) are
acknowledged and skipped. Deliveries are at least once: handle each ``event_id`` once.

    python examples/bus_consumer/consumer.py --amqp-url amqp://guest:guest@127.0.0.1:5672/%2F
"""

import argparse
import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jsonschema
import pika

log = logging.getLogger("bus_consumer")

DEFAULT_SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "events"
DEFAULT_EXCHANGES = ("contacts.events", "imports.events")
SCHEMA_FILE = re.compile(r"^(?P<event>[a-z][a-z0-9_]*)\.v(?P<version>\d+)\.json$")
FORMATS = jsonschema.FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _aware_timestamp(value):
    """ISO 8601 with a time zone (jsonschema checks date-time only with an extra package)."""
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


class InvalidEvent(Exception):
    """The message is not a valid event of its type: reject it (dead-letter), do not retry."""


@dataclass
class Schemas:
    """The JSON Schemas of docs/events/, by (event type, schema_version)."""

    validators: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder=DEFAULT_SCHEMAS):
        validators = {}
        for path in sorted(Path(folder).glob("*.json")):
            match = SCHEMA_FILE.match(path.name)
            if match:
                schema = json.loads(path.read_text(encoding="utf-8"))
                jsonschema.Draft202012Validator.check_schema(schema)
                key = (match["event"], int(match["version"]))
                validators[key] = jsonschema.Draft202012Validator(schema, format_checker=FORMATS)
        if not validators:
            raise FileNotFoundError(f"no event schemas (<event>.v<N>.json) in {folder}")
        return cls(validators)

    def knows(self, event_type):
        return any(known == event_type for known, _ in self.validators)

    def check(self, event_type, body):
        """The payload of a valid ``event_type`` message; InvalidEvent otherwise."""
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, ValueError) as exc:
            raise InvalidEvent(f"{event_type}: the body is not JSON ({exc})") from None
        if not isinstance(payload, dict):
            raise InvalidEvent(f"{event_type}: the body is not a JSON object")
        version = payload.get("schema_version")
        validator = self.validators.get((event_type, version))
        if validator is None:
            raise InvalidEvent(f"{event_type}: no schema for schema_version {version!r}")
        errors = sorted(validator.iter_errors(payload), key=lambda error: list(error.absolute_path))
        if errors:
            where = "/".join(str(part) for part in errors[0].absolute_path) or "(payload)"
            raise InvalidEvent(f"{event_type} v{version}: {where}: {errors[0].message}")
        return payload


def declare(channel, queue, exchanges=DEFAULT_EXCHANGES, binding_keys=("#",)):
    """Our own durable queue, bound to each exchange, with a dead-letter queue ``<queue>.invalid``.

    Declare it before relying on it: events published while no queue is bound are not kept anywhere."""
    invalid = f"{queue}.invalid"
    channel.queue_declare(invalid, durable=True)
    channel.queue_declare(
        queue,
        durable=True,
        arguments={"x-dead-letter-exchange": "", "x-dead-letter-routing-key": invalid},
    )
    for exchange in exchanges:
        channel.exchange_declare(exchange, exchange_type="topic", durable=True)  # as Piiri declares it
        for key in binding_keys:
            channel.queue_bind(queue, exchange, routing_key=key)
    return invalid


def print_event(event_type, payload):
    """The example's handling: one line per event. A real system updates its own copy here."""
    subject = payload.get("contact_id") or payload.get("import_id") or payload.get("group_id") or ""
    print(f"{event_type} v{payload['schema_version']} {payload.get('event_id', '')} {subject}".rstrip())


@dataclass
class Outcome:
    event_type: str
    result: str  # "handled", "duplicate", "skipped" or "rejected"
    payload: dict | None = None
    reason: str | None = None


class Consumer:
    """Handles one delivery at a time: validate, handle once per event_id, ack; reject what is invalid."""

    def __init__(self, schemas, handler=print_event):
        self.schemas = schemas
        self.handler = handler
        self.seen = set()  # a real system keeps handled event_ids in its own database

    def on_message(self, channel, method, body):
        event_type = method.routing_key
        if not self.schemas.knows(event_type):
            channel.basic_ack(method.delivery_tag)
            return Outcome(event_type, "skipped", reason="no schema for this event type")
        try:
            payload = self.schemas.check(event_type, body)
        except InvalidEvent as exc:
            log.warning("rejected: %s", exc)
            channel.basic_nack(method.delivery_tag, requeue=False)  # dead-lettered to <queue>.invalid
            return Outcome(event_type, "rejected", reason=str(exc))
        event_id = payload.get("event_id")
        if event_id in self.seen:
            channel.basic_ack(method.delivery_tag)
            return Outcome(event_type, "duplicate", payload)
        self.handler(event_type, payload)  # an exception here leaves the message unacked: redelivered
        self.seen.add(event_id)
        channel.basic_ack(method.delivery_tag)
        return Outcome(event_type, "handled", payload)

    def run(self, channel, queue, max_messages=None, idle_seconds=None):
        """Consume until ``max_messages`` have been dealt with or nothing came for ``idle_seconds``
        (both None: forever). Returns the outcomes."""
        outcomes = []
        channel.basic_qos(prefetch_count=10)
        for method, _properties, body in channel.consume(queue, inactivity_timeout=idle_seconds):
            if method is None:  # idle
                break
            outcomes.append(self.on_message(channel, method, body))
            if max_messages is not None and len(outcomes) >= max_messages:
                break
        channel.cancel()
        return outcomes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--amqp-url", default=os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    )
    parser.add_argument("--queue", default="example-system.piiri-events")
    parser.add_argument(
        "--exchange", action="append", help="an exchange to bind (default: contacts and imports)"
    )
    parser.add_argument(
        "--bind", action="append", help="a routing key to bind, e.g. 'contact_*' (default: #)"
    )
    parser.add_argument("--schemas", default=str(DEFAULT_SCHEMAS), help="folder of the JSON Schemas")
    parser.add_argument("--count", type=int, help="stop after this many messages")
    parser.add_argument("--idle", type=float, help="stop after this many seconds without a message")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    schemas = Schemas.load(args.schemas)
    connection = pika.BlockingConnection(pika.URLParameters(args.amqp_url))
    try:
        channel = connection.channel()
        declare(channel, args.queue, tuple(args.exchange or DEFAULT_EXCHANGES), tuple(args.bind or ("#",)))
        outcomes = Consumer(schemas).run(channel, args.queue, args.count, args.idle)
    finally:
        connection.close()
    rejected = sum(outcome.result == "rejected" for outcome in outcomes)
    log.info("%d messages, %d rejected", len(outcomes), rejected)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
