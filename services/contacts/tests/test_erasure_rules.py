"""G4 unit tests: an erasure's per-service progress and status (services/contacts/erasure/rules.py) and
the protocol's configured services (piiri/erasure.py)."""

from datetime import UTC, datetime

from piiri.erasure import configured_services, report
from services.contacts.erasure import rules

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_g4_contacts_is_done_in_the_request_and_the_others_pend():
    services = rules.initial_services(["contacts", "audit", "mailing"], NOW)
    assert services == {"contacts": NOW.isoformat(), "audit": None, "mailing": None}
    assert rules.pending(services) == ["audit", "mailing"]
    assert not rules.is_complete(services)


def test_g4_marking_done_is_idempotent_and_the_last_completes():
    services = rules.initial_services(["contacts", "audit"], NOW)
    later = datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    done = rules.with_done(services, "audit", later)
    assert done["audit"] == later.isoformat() and rules.is_complete(done)
    assert rules.with_done(done, "audit", NOW)["audit"] == later.isoformat()  # the first time stays
    assert services["audit"] is None  # not changed in place
    assert (
        rules.status({"completed_at": None}) == "pending"
        and rules.status({"completed_at": NOW}) == "completed"
    )


def test_g4_an_empty_progress_is_never_complete():
    assert not rules.is_complete({})


def test_g4_configured_services_always_include_contacts():
    assert configured_services({}) == [  # issues 19, 16, 14
        "contacts",
        "audit",
        "imports",
        "exports",
        "surveys",
        "mailing",
        "billing",
    ]
    assert configured_services({"GDPR_SERVICES": "audit, mailing"}) == ["contacts", "audit", "mailing"]
    assert configured_services({"GDPR_SERVICES": ["contacts", "billing"]}) == ["contacts", "billing"]


def test_g4_report_payload_names_the_service_and_ids_as_text():
    payload = report("e-1", "c-1", "audit", {"redacted": 3})
    assert payload == {
        "schema_version": 1,
        "erasure_id": "e-1",
        "contact_id": "c-1",
        "service": "audit",
        "summary": {"redacted": 3},
    }
