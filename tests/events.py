"""Test helpers for what happens asynchronously: waiting for a condition, and recording bus events."""

import time

import eventlet
from nameko.events import event_handler


def wait_for(predicate, seconds=5.0):
    """Poll ``predicate`` until it returns something truthy or ``seconds`` pass; returns its last value."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        eventlet.sleep(0.05)
    return predicate()


def event_recorder(name, *event_types, source="contacts"):
    """A nameko service class that stands in for another service consuming ``source``'s events.

    Returns ``(service_class, received)``; ``received`` fills with ``(event_type, payload)``.
    Its queues are durable, so they may still hold earlier runs' events: filter by your ids.
    """
    received = []

    def handler(event_type):
        @event_handler(source, event_type)
        def handle(self, payload):
            received.append((event_type, payload))

        handle.__name__ = f"on_{event_type}"
        return handle

    attributes = {"name": name, **{f"on_{event_type}": handler(event_type) for event_type in event_types}}
    return type(f"EventRecorder_{name}", (), attributes), received


def signed_audit_publisher(config):
    """The audit publisher with a signed (actorless) context on every message, as a service sends it
    (issue 11 item 7: the audit consumer refuses unsigned records)."""
    from piiri import signing
    from piiri.messaging import audit_publisher, context_headers

    publisher = audit_publisher(config["AMQP_URI"])
    publisher.publish_kwargs["headers"] = context_headers({}, signing.context_keys(config))
    return publisher
