"""G3 access report parts and G4 erasure over the real broker and databases: every service reports
back, a service that was down erases when it comes back, retries, idempotent repeats, redirects of
merged ids, and no personal data of the erased person left in the contacts or audit database."""

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.audit.verify import verify_stored_chain
from services.billing.service import BillingService
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from services.exports.service import ExportsService
from services.imports.service import ImportsService
from services.mailing.service import MailingService
from services.surveys.service import SurveysService
from tests.events import wait_for

OFFICER = make_actor("dpo-tester", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
STAFF = make_actor(
    "staff-tester", permissions=("contacts.view", "contacts.edit", "audit.view"), roles=("staff",)
)
NAME, EMAIL = "Jäppinen", "aake.jappinen@example.fi"
# The other services in GDPR_SERVICES (issue 19): they run throughout; audit is the one that goes down.
HOLDERS = (ImportsService, ExportsService, SurveysService, MailingService, BillingService)


def make_person(contacts):
    person = contacts.create_contact(
        {"first_name": "Åke", "last_name": NAME, "email": EMAIL, "phone": "040 1234567", "city": "Oulu"}
    )
    contacts.add_alt_name(person["id"], {"kind": "transliteration", "script": "Cyrl", "last_name": "Яппинен"})
    contacts.get_contact(person["id"])
    assert contacts.search_contacts(q=NAME)["items"]  # the search query names the person in the log
    return person


def audit_rows(engines, contact_id):
    with engines["audit"].connect() as conn:
        return conn.execute(
            text("SELECT action, details::text AS details FROM audit_events WHERE :id = ANY(subject_ids)"),
            {"id": contact_id},
        ).all()


def stored_text(engines, service, table):
    with engines[service].connect() as conn:
        return " ".join(conn.execute(text(f"SELECT t::text FROM {table} t")).scalars())


def gone_everywhere(contacts, person_id):
    with pytest.raises(NotFound):
        contacts.get_contact(person_id)
    assert contacts.search_contacts(q=NAME)["items"] == []
    assert contacts.search_contacts(q="jappinen")["items"] == []  # accent-free
    assert contacts.search_contacts(q="Jäpinen")["items"] == []  # typo search
    assert contacts.search_contacts(q=EMAIL)["items"] == []
    assert contacts.contact_exists(person_id) is False


@pytest.fixture
def both(run_services, rpc, clean_databases):
    # issue 11 item 6: published outbox rows go OUTBOX_KEEP_SECONDS after publishing (erasure no longer
    # scans the outbox); 0 here, so the test sees them go at once
    run_services(ContactsService, AuditService, *HOLDERS, extra_config={"OUTBOX_KEEP_SECONDS": 0})
    with rpc(OFFICER) as cluster:
        yield cluster


def test_g4_erasure_with_audit_running_completes_and_leaves_no_personal_data(both, clean_databases):
    contacts = both.contacts
    person = make_person(contacts)
    contacts.update_contact(person["id"], {"email": "ake.new@example.fi"})  # the old e-mail in its history
    assert contacts.contact_changes(person["id"])["items"][0]["old_value"][0]["address"] == EMAIL
    other = contacts.create_contact({"first_name": "Maija", "last_name": "Muu"})
    assert wait_for(lambda: any(NAME in row.details for row in audit_rows(clean_databases, person["id"])))

    erasure = contacts.request_erasure(person["id"], "the person's request of 20 Nov")
    assert erasure["contact_id"] == person["id"] and erasure["requested_by"] == "dpo-tester"
    assert erasure["services"]["contacts"] and "audit" in erasure["services"]
    done = wait_for(lambda: contacts.get_erasure(erasure["id"])["completed_at"], seconds=10)
    assert done, contacts.get_erasure(erasure["id"])
    final = contacts.get_erasure(erasure["id"])
    assert final["status"] == "completed" and final["pending"] == [] and final["services"]["audit"]

    gone_everywhere(contacts, person["id"])
    assert contacts.get_contact(other["id"])["last_name"] == "Muu"  # nobody else is touched
    # The audit log keeps the facts about the person, but no personal value of theirs.
    assert wait_for(
        lambda: {"contact.erased"} <= {row.action for row in audit_rows(clean_databases, person["id"])}
    )
    rows = audit_rows(clean_databases, person["id"])
    assert {"contact.viewed", "contact.listed", "contact.created", "contact.erasure_requested"} <= {
        row.action for row in rows
    }
    log_text = stored_text(clean_databases, "audit", "audit_events")
    for value in (NAME, EMAIL, "Яппинен", "jappinen"):
        assert value not in log_text

    def contacts_text():
        tables = ("contacts", "contact_names", "contact_changes", "outbox")
        return " ".join(stored_text(clean_databases, "contacts", table) for table in tables)

    gone = (EMAIL, "ake.new@example.fi", "Яппинен", "+358401234567")
    assert wait_for(lambda: not any(v in contacts_text() for v in gone))
    # The chain still verifies after the redaction (S2).
    with clean_databases["audit"].connect() as conn:
        from sqlalchemy.orm import Session

        report = verify_stored_chain(Session(bind=conn), checkpoint=False)
    assert report.problems == 0, report.findings


def test_g4_repeat_is_idempotent_and_erased_id_answers_404(both):
    contacts = both.contacts
    person = make_person(contacts)
    first = contacts.request_erasure(person["id"], "request")
    again = contacts.request_erasure(person["id"], "another reason")
    assert again["id"] == first["id"] and again["reason"] == "request"
    assert contacts.erasure_for_contact(person["id"])["id"] == first["id"]
    with pytest.raises(NotFound):
        contacts.erasure_preview(person["id"])
    listed = contacts.list_erasures()["items"]
    assert [item["id"] for item in listed] == [first["id"]]


def test_g4_merged_ids_that_redirected_to_the_person_stop_resolving(both):
    contacts = both.contacts
    survivor = make_person(contacts)
    merged = contacts.create_contact({"first_name": "Ake", "last_name": NAME, "email": EMAIL})
    contacts.merge_contacts(survivor["id"], [merged["id"]])
    assert contacts.get_contact(merged["id"])["id"] == survivor["id"]  # redirected before erasure
    preview = contacts.erasure_preview(survivor["id"])
    assert preview["counts"]["merged_ids"] == 1 and preview["counts"]["names"] >= 1
    contacts.request_erasure(survivor["id"], "request")
    for contact_id in (survivor["id"], merged["id"]):
        with pytest.raises(NotFound):
            contacts.get_contact(contact_id)


def test_g4_bad_input_and_staff_are_refused_and_change_nothing(both, rpc):
    contacts = both.contacts
    person = make_person(contacts)
    with pytest.raises(ValidationFailed) as error:
        contacts.request_erasure(person["id"], "")
    assert "reason" in error.value.details
    with pytest.raises(NotFound):
        contacts.request_erasure("not-an-id", "request")
    with rpc(STAFF) as staff:
        for call in (
            lambda: staff.contacts.request_erasure(person["id"], "request"),
            lambda: staff.contacts.personal_data(person["id"]),
            lambda: staff.contacts.list_erasures(),
            lambda: staff.audit.personal_data(person["id"]),
        ):
            with pytest.raises(PermissionDenied):
                call()
    assert contacts.get_contact(person["id"])["email"] == EMAIL
    assert contacts.list_erasures()["items"] == []


def test_g3_each_service_answers_for_its_own_data(both):
    contacts = both.contacts
    person = make_person(contacts)
    data = contacts.personal_data(person["id"])
    assert data["service"] == "contacts" and data["display_name"] == f"Åke {NAME}"
    sections = data["sections"]
    assert sections["contact"]["email"] == EMAIL and sections["contact"]["phone"] == "+358401234567"
    assert [name["last_name"] for name in sections["names"]] == ["Яппинен"]
    assert {"details", "memberships", "consents", "legal_bases", "couples", "merged_ids"} <= set(sections)
    events = wait_for(
        lambda: [
            e
            for e in both.audit.personal_data(person["id"])["sections"]["events"]
            if e["action"] == "contact.listed"
        ]
    )
    assert events and events[0]["actor"] == "dpo-tester"


def test_g4_audit_down_at_first_erases_when_it_comes_back(run_services, rpc, clean_databases):
    run_services(ContactsService, *HOLDERS)
    with rpc(OFFICER) as cluster:
        contacts = cluster.contacts
        person = contacts.create_contact({"first_name": "Åke", "last_name": NAME, "email": EMAIL})
        contacts.search_contacts(q=NAME)
        erasure = contacts.request_erasure(person["id"], "request")
        assert "audit" in erasure["pending"] and erasure["status"] == "pending"
        # imports and exports report; nobody consumes the audit queue yet
        assert wait_for(lambda: contacts.get_erasure(erasure["id"])["pending"] == ["audit"], seconds=10)
        run_services(AuditService)
        assert wait_for(lambda: contacts.get_erasure(erasure["id"])["completed_at"], seconds=10)
        assert NAME not in stored_text(clean_databases, "audit", "audit_events")


def test_g4_retry_resends_a_lost_request(run_services, rpc, clean_databases, vhost):
    import subprocess

    run_services(ContactsService, *HOLDERS)
    with rpc(OFFICER) as cluster:
        contacts = cluster.contacts
        person = contacts.create_contact({"first_name": "Åke", "last_name": NAME})
        erasure = contacts.request_erasure(person["id"], "request")
        wait_for(lambda: _queued(vhost) > 0)
        subprocess.run(
            ["rabbitmqctl", "purge_queue", "-p", vhost, "piiri.erasure.audit"],
            check=True,
            capture_output=True,
        )
        run_services(AuditService)
        assert not wait_for(lambda: contacts.get_erasure(erasure["id"])["completed_at"], seconds=1.5)
        retried = contacts.retry_erasure(erasure["id"])
        assert retried["pending"] == ["audit"]
        assert wait_for(lambda: contacts.get_erasure(erasure["id"])["completed_at"], seconds=10)


def _queued(vhost):
    import subprocess

    out = subprocess.run(
        ["rabbitmqctl", "list_queues", "-p", vhost, "name", "messages", "--quiet"],
        capture_output=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        parts = line.split()
        if parts and parts[0] == "piiri.erasure.audit":
            return int(parts[1])
    return 0


def test_g4_the_timer_resends_stalled_erasures(run_services, rpc, clean_databases, vhost):
    import subprocess

    from nameko.testing.services import entrypoint_hook
    from nameko.testing.utils import get_container

    runner = run_services(
        ContactsService, ContactsWorker, *HOLDERS, extra_config={"ERASURE_RETRY_MINUTES": 0}
    )
    with rpc(OFFICER) as cluster:
        contacts = cluster.contacts
        person = contacts.create_contact({"first_name": "Åke", "last_name": NAME})
        erasure = contacts.request_erasure(person["id"], "request")
        wait_for(lambda: _queued(vhost) > 0)
        subprocess.run(
            ["rabbitmqctl", "purge_queue", "-p", vhost, "piiri.erasure.audit"],
            check=True,
            capture_output=True,
        )
        run_services(AuditService)
        assert not wait_for(lambda: contacts.get_erasure(erasure["id"])["completed_at"], seconds=1)
        with entrypoint_hook(get_container(runner, ContactsWorker), "resend_stalled_erasures") as resend:
            resend()
        assert wait_for(lambda: contacts.get_erasure(erasure["id"])["completed_at"], seconds=10)


def test_g4_erasures_list_pages_newest_first_and_filters_pending(both):
    contacts = both.contacts
    ids = []
    for number in range(3):
        person = contacts.create_contact({"first_name": f"Henkilö{number}", "last_name": NAME})
        ids.append(contacts.request_erasure(person["id"], "request")["id"])
    first = contacts.list_erasures(limit=2)
    assert [item["id"] for item in first["items"]] == ids[:0:-1] and first["next_cursor"]
    rest = contacts.list_erasures(limit=2, cursor=first["next_cursor"])
    assert [item["id"] for item in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    with pytest.raises(ValidationFailed):
        contacts.list_erasures(cursor="nonsense")
    assert wait_for(lambda: contacts.list_erasures(pending_only=True)["items"] == [], seconds=10)


def test_g3_g4_the_import_history_of_a_person_is_in_the_access_report_and_erased(both, rpc, clean_databases):
    """An import's undo record keeps the values it overwrote (its 'before' image), with no key to the
    contact (so that undo can tell a deleted one): the access report shows it, erasure removes it."""
    import uuid

    contacts = both.contacts
    person = make_person(contacts)
    import_id = str(uuid.uuid4())
    values = {"first_name": "Åke", "last_name": NAME, "email": EMAIL, "city": "Kemi", "street": "Tie 1"}
    batch = [{"row": 2, "values": values}]
    with rpc(make_actor("importer", permissions=(*ALL_PERMISSIONS, "contacts.import"))) as importer:
        result = importer.contacts.upsert_batch(import_id, 1, batch, {"on_duplicate": "update_overwrite"})
    assert result["updated"] == 1
    report = contacts.personal_data(person["id"])
    history = report["sections"]["import_changes"]
    assert [(str(h["import_id"]), h["action"]) for h in history] == [(import_id, "updated")]
    assert history[0]["before"]["city"] == "Oulu"  # the overwritten value is data held about them
    assert contacts.erasure_preview(person["id"])["counts"]["import_changes"] == 1
    contacts.request_erasure(person["id"], "request")
    left = stored_text(clean_databases, "contacts", "contact_import_changes")
    assert "Oulu" not in left and person["id"] not in left
