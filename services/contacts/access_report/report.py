"""The access report of G3: what every service holds about one person, gathered over RPC (each service
answers ``personal_data(contact_id)`` for its own data) into one document, and its JSON form.

The services asked are ``GDPR_SERVICES`` in the configuration (default contacts, audit, imports and
exports; a new service that holds personal data adds itself there and answers ``personal_data``). A
service that cannot answer fails the whole report: an access report that silently misses a service
would be wrong.
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

from piiri.erasure import configured_services

SCHEMA_VERSION = 1


def gather(call, contact_id, services, generated_by):
    """The report: ``call(service, "personal_data", contact_id)`` for each service, contacts first
    (it resolves the id, so an unknown id is a 404 before any other service is asked)."""
    first = call("contacts", "personal_data", contact_id)
    key = first["contact_id"]
    parts = {"contacts": first["sections"]}
    for service in services:
        if service != "contacts":
            parts[service] = call(service, "personal_data", key)["sections"]
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": datetime.now(UTC).isoformat(),
        "generated_by": generated_by,
        "contact_id": key,
        "display_name": first["display_name"],
        "services": parts,
    }


def report_services(config):
    return configured_services(config)


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def as_json(report):
    """The machine-readable file: UTF-8 JSON, keys sorted, indented for people who open it."""
    return json.dumps(report, default=_plain, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def file_name(report, extension):
    day = str(report["generated_at"])[:10]
    return f"access-report-{report['contact_id']}-{day}.{extension}"
