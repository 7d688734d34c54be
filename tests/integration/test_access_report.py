"""G3 access report made by the contacts service (issue 11 item 2: the service that owns G3 writes the
file; the gateway passes it on): contacts.access_report_file asks every GDPR_SERVICES service as the
caller, renders the PDF or the JSON, and audits the export as the contacts service."""

import base64
import io
import json

import pypdf
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import PermissionDenied, ServiceUnavailable, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

OFFICER = make_actor("report-officer", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
STAFF = make_actor("report-staff", permissions=ALL_PERMISSIONS, roles=("staff",))


def exported(engines, contact_id):
    with engines["audit"].connect() as conn:
        return conn.execute(
            text(
                "SELECT service, details FROM audit_events"
                " WHERE action = 'contact.access_report_exported' AND :id = ANY(subject_ids)"
            ),
            {"id": contact_id},
        ).all()


def test_g3_issue11_contacts_writes_the_access_report_pdf_and_json_and_audits_it(
    run_services, rpc, clean_databases
):
    run_services(ContactsService, AuditService, extra_config={"GDPR_SERVICES": "contacts,audit"})
    with rpc(OFFICER) as cluster:
        person = cluster.contacts.create_contact({"first_name": "Åsa", "last_name": "Жукова-Äijälä"})
        cluster.contacts.get_contact(person["id"])
        as_pdf = cluster.contacts.access_report_file(person["id"], "pdf", "fi")
        as_json = cluster.contacts.access_report_file(person["id"], "json", "en")
        with pytest.raises(ValidationFailed):
            cluster.contacts.access_report_file(person["id"], "xml", "fi")
    with rpc(STAFF) as cluster, pytest.raises(PermissionDenied):
        cluster.contacts.access_report_file(person["id"], "json", "fi")

    assert as_pdf["content_type"] == "application/pdf"
    assert as_pdf["file_name"].startswith(f"access-report-{person['id']}-") and as_pdf["file_name"].endswith(
        ".pdf"
    )
    pages = pypdf.PdfReader(io.BytesIO(base64.b64decode(as_pdf["data"]))).pages
    words = " ".join(page.extract_text() for page in pages)
    assert (
        "Tietopyyntö: Åsa Жукова-Äijälä" in words and "Palvelu: Tapahtumaloki" in words and "Sivu 1" in words
    )
    report = json.loads(base64.b64decode(as_json["data"]))
    assert report["generated_by"] == "report-officer" and set(report["services"]) == {"contacts", "audit"}
    assert report["services"]["contacts"]["contact"]["first_name"] == "Åsa"
    rows = wait_for(
        lambda: len(exported(clean_databases, person["id"])) == 2 and exported(clean_databases, person["id"])
    )
    assert {row.service for row in rows} == {"contacts"}
    assert sorted(row.details["format"] for row in rows) == ["json", "pdf"]


def billing_queue(config, present):
    """The billing service's RPC queue on the test broker: there without a consumer (the service stopped)
    or gone (it never ran here)."""
    from kombu import Connection, Exchange, Queue

    with Connection(config["AMQP_URI"]) as connection:
        queue = Queue("rpc-billing", Exchange("nameko-rpc", type="topic"), routing_key="billing.*")
        bound = queue.bind(connection.channel())
        bound.declare() if present else bound.delete()


@pytest.mark.parametrize("queue_present", [True, False], ids=["stopped", "never-ran"])
def test_g3_issue11_a_gdpr_service_the_contacts_service_cannot_ask_fails_the_report(
    run_services, rpc, clean_databases, config, queue_present
):
    # contacts waits RPC_TIMEOUT (2 s) for billing, which is not running (its queue is there, nobody
    # consumes it), or is told at once that nobody could take the call (no queue); the test waits longer
    billing_queue(config, queue_present)
    settings = {"GDPR_SERVICES": "contacts,audit,billing", "RPC_TIMEOUT": 2}
    run_services(ContactsService, AuditService, extra_config=settings)
    with rpc(OFFICER, timeout=30) as cluster:
        person = cluster.contacts.create_contact({"first_name": "Pekka", "last_name": "Raportiton"})
        with pytest.raises(ServiceUnavailable) as caught:
            cluster.contacts.access_report_file(person["id"], "json", "fi")
    assert "billing" in caught.value.message
    assert exported(clean_databases, person["id"]) == []
