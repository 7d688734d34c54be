"""Plain rules of G4: the per-service progress of an erasure and what its status is."""

from datetime import UTC, datetime


def initial_services(services, now=None):
    """{service: None} for every configured service, with contacts done at ``now`` (same transaction)."""
    now = now or datetime.now(UTC)
    return {service: (now.isoformat() if service == "contacts" else None) for service in services}


def with_done(services, service, when=None):
    """``services`` with ``service`` marked done (kept if done already; an unknown service is added)."""
    if services.get(service):
        return dict(services)
    return {**services, service: (when or datetime.now(UTC)).isoformat()}


def pending(services):
    return sorted(service for service, done in services.items() if not done)


def is_complete(services):
    return bool(services) and not pending(services)


def status(erasure):
    return "completed" if erasure.get("completed_at") else "pending"
