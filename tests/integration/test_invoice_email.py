"""B3 over the real broker and databases with the project's SMTP emulator (emulators/smtp/): an invoice
e-mailed with its PDF in the payer's language through the mailing service's SMTP path and followed to
sent; a hard bounce (550 at RCPT) and a DSN bounce, each flagging the address (M5); the SMTP server down,
the mail retried later and sent once; a mail whose worker died mid-send sent by another after its lease;
no SMTP server configured; the disclosure on the audit log before the mail leaves; the message log in the
access report and emptied by erasure. B4: a reminder of an e-mailed invoice mailed with the reminder PDF
and followed to sent, a bounced payer's reminder on paper with the reason, both in the access report."""

import base64
import email
import email.policy
import io
from datetime import timedelta

import pypdf
import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from emulators.smtp.server import serve
from piiri.errors import Conflict, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from services.mailing.service import MailingService
from services.mailing.worker import MailingWorker
from tests.events import wait_for
from tests.integration.test_billing_reminders import ADDRESS, DUE, cover_rates, on, wait_done

TREASURER = make_actor(
    "mail-treasurer", permissions=(*ALL_PERMISSIONS, "invoices.manage", "mail.send"), roles=("treasurer",)
)
DSN_SECRET = "dsn-secret-for-tests"
CONFIG = {
    "BILLING_IBAN": "FI2112345600000785",
    "BILLING_PAYEE_NAME": "Testiyhdistys ry",
    "MAILING_DSN_SECRET": DSN_SECRET,
    "SMTP_BACKOFF_SECONDS": 0.3,
    "SMTP_FROM": "laskutus@piiri.example",
    "OUTBOX_KEEP_SECONDS": 0,
    "GDPR_SERVICES": "contacts,audit,mailing,billing",
}


@pytest.fixture(scope="module")
def smtp():
    running = serve()
    yield running
    running.stop()


@pytest.fixture
def mailing(run_services, rpc, smtp):
    settings = {**CONFIG, "SMTP_HOST": smtp.host, "SMTP_PORT": smtp.smtp_port}
    run_services(
        ContactsService, AuditService, MailingService, MailingWorker, BillingService, extra_config=settings
    )
    with rpc(TREASURER) as cluster:
        yield cluster


def an_invoice(cluster, email, language="fi", first="Maija"):
    contact = cluster.contacts.create_contact(
        {
            "first_name": first,
            "last_name": "Meikäläinen",
            "email": email,
            "language": language,
            "street": "Kuja 1",
            "postal_code": "00100",
            "city": "Espoo",
        }
    )
    invoice = cluster.billing.create_invoice(
        {
            "contact_id": contact["id"],
            "delivery": "email",
            "lines": [{"description": "Jäsenmaksu", "unit_price": "50.00"}],
        }
    )
    return contact["id"], invoice


def status_of(cluster, invoice_id, wanted, seconds=20):
    found = {}

    def reached():
        found["items"] = cluster.billing.email_deliveries(invoice_id)["items"]
        return found["items"] and found["items"][0]["status"] == wanted

    assert wait_for(reached, seconds), found
    return found["items"][0]


def test_b3_an_invoice_is_e_mailed_with_its_pdf_in_the_payers_language(mailing, smtp, clean_databases):
    contact_id, invoice = an_invoice(mailing, "maija.sv@example.fi", language="sv")
    queued = mailing.billing.send_invoice_by_email(invoice["id"])
    assert queued["status"] == "queued" and queued["mail_id"]
    sent = status_of(mailing, invoice["id"], "sent")
    assert sent["sent_at"]
    [taken] = smtp.mailbox.to("maija.sv@example.fi")
    assert taken["subject"] == f"Faktura {invoice['number']} – Testiyhdistys ry"
    assert "Att betala: 50,00 €" in taken["text"] and "FI21 1234 5600 0007 85" in taken["text"]
    assert "Referensnummer:" in taken["text"] and f"faktura {invoice['number']}" in taken["text"]
    assert taken["attachments"][0]["file_name"] == f"faktura-{invoice['number']}.pdf"
    assert taken["mail_from"] == f"bounce+{queued['mail_id']}@piiri.example"  # VERP
    raw = smtp.mailbox.find(taken["id"])["raw"]
    assert b"Content-Type: application/pdf" in raw

    def disclosed():
        with clean_databases["audit"].connect() as conn:
            return conn.execute(
                text(
                    "SELECT fields FROM audit_events"
                    " WHERE action = 'mailing.mail_disclosed' AND :id = ANY(subject_ids)"
                ),
                {"id": contact_id},
            ).all()

    assert wait_for(lambda: len(disclosed()) == 1, 20)
    assert "payer_name" in disclosed()[0].fields
    log = mailing.mailing.list_mails(contact_id)["items"]
    assert [(item["to"], item["status"]) for item in log] == [("maija.sv@example.fi", "sent")]


def test_b3_a_550_at_rcpt_is_a_hard_bounce_that_flags_the_address(mailing, smtp):
    contact_id, invoice = an_invoice(mailing, "ei.ole@bounce.example", first="Pomppu")
    mailing.billing.send_invoice_by_email(invoice["id"])
    bounced = status_of(mailing, invoice["id"], "bounced")
    assert bounced["code"] == "mailing.mail_rejected_by_server"
    assert [flag["kind"] for flag in mailing.mailing.flags_of([contact_id])[contact_id]] == ["bounced"]
    with pytest.raises(Conflict) as again:
        mailing.billing.send_invoice_by_email(invoice["id"])
    assert again.value.message == "billing.email_bounced"
    assert not smtp.mailbox.to("ei.ole@bounce.example")


def test_b3_a_dsn_after_the_mail_was_sent_marks_it_bounced(mailing, smtp):
    contact_id, invoice = an_invoice(mailing, "poissa@dsn.example", first="Myöhä")
    queued = mailing.billing.send_invoice_by_email(invoice["id"])
    status_of(mailing, invoice["id"], "sent")
    assert wait_for(lambda: any(d["recipient"] == "poissa@dsn.example" for d in smtp.mailbox.dsns), 10)
    dsn = next(d for d in smtp.mailbox.dsns if d["recipient"] == "poissa@dsn.example")
    assert queued["mail_id"] in dsn["to"]
    message = base64.b64encode(dsn["raw"].encode()).decode()
    with pytest.raises(PermissionDenied):
        mailing.mailing.receive_dsn("wrong secret", message)
    with pytest.raises(ValidationFailed):
        mailing.mailing.receive_dsn(DSN_SECRET, base64.b64encode(b"not a report").decode())
    assert mailing.mailing.receive_dsn(DSN_SECRET, message) == {"bounced": 1, "ignored": 0}
    bounced = status_of(mailing, invoice["id"], "bounced")
    assert bounced["code"] == "mailing.mail_bounced_dsn" and bounced["sent_at"]
    assert mailing.mailing.flags_of([contact_id])[contact_id][0]["kind"] == "bounced"
    assert mailing.mailing.receive_dsn(DSN_SECRET, message) == {"bounced": 0, "ignored": 1}  # once


def test_b3_smtp_down_the_mail_is_retried_later_and_sent_once(mailing, smtp):
    _, invoice = an_invoice(mailing, "kaatuu@example.fi", first="Katko")
    with smtp.mailbox.lock:
        smtp.mailbox.unavailable = 2  # two 421s: the server is away for two tries
    queued = mailing.billing.send_invoice_by_email(invoice["id"])
    status_of(mailing, invoice["id"], "sent", seconds=30)
    assert len(smtp.mailbox.to("kaatuu@example.fi")) == 1
    statuses = mailing.mailing.mail_statuses("billing_delivery", [queued["id"]])[queued["id"]]
    assert [(item["status"], item["attempts"]) for item in statuses] == [("sent", 3)]


def test_b3_g3_g4_the_message_log_is_in_the_access_report_and_erasure_empties_it(
    mailing, rpc, clean_databases
):
    contact_id, invoice = an_invoice(mailing, "poistettava@example.fi", first="Unohda")
    mailing.billing.send_invoice_by_email(invoice["id"])
    status_of(mailing, invoice["id"], "sent")
    officer = make_actor("mail-dpo", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
    with rpc(officer) as cluster:
        held = cluster.mailing.personal_data(contact_id)["sections"]["mailing_mails"]
        assert [(item["recipient"], item["status"]) for item in held] == [("poistettava@example.fi", "sent")]
        report = cluster.billing.personal_data(contact_id)["sections"]["email_deliveries"]
        assert [item["status"] for item in report] == ["sent"]
        cluster.contacts.request_erasure(contact_id, "Art. 17 request")

    def emptied():
        with clean_databases["mailing"].connect() as conn:
            rows = conn.execute(
                text("SELECT recipient, subject, body, erased_at, status FROM mail_messages")
            ).all()
        return rows and all(row.recipient is None and row.subject is None and row.erased_at for row in rows)

    assert wait_for(emptied, 30)
    assert mailing.billing.email_deliveries(invoice["id"])["items"][0]["status"] == "sent"  # the fact stays


def test_b3_without_an_smtp_server_the_mail_fails_as_not_configured(run_services, rpc):
    run_services(ContactsService, AuditService, MailingService, BillingService, extra_config=CONFIG)
    with rpc(TREASURER) as cluster:
        _, invoice = an_invoice(cluster, "ei.palvelinta@example.fi", first="Vailla")
        delivery = cluster.billing.send_invoice_by_email(invoice["id"])
        assert (delivery["status"], delivery["code"]) == ("failed", "mailing.smtp_not_configured")


def test_b3_a_mail_whose_worker_died_while_sending_is_sent_by_another_after_its_lease(
    run_services, rpc, smtp, clean_databases
):
    settings = {**CONFIG, "SMTP_HOST": smtp.host, "SMTP_PORT": smtp.smtp_port}
    run_services(ContactsService, AuditService, MailingService, extra_config=settings)  # no worker yet
    request = {
        "key": "test:lease:1",
        "to": "kesken@example.fi",
        "subject": "Kesken jäänyt",
        "body": "Hei",
        "attachments": [{"file_name": "liite.txt", "content_type": "text/plain", "data": "SGVp"}],
    }
    with rpc(TREASURER) as cluster:
        mail = cluster.mailing.queue_mail(request)
        assert cluster.mailing.queue_mail(request)["id"] == mail["id"]  # the same key: the same mail
        with clean_databases["mailing"].begin() as conn:  # a worker took it, then died
            conn.execute(
                text(
                    "UPDATE mail_messages SET status = 'sending', attempts = 1,"
                    " lease_until = now() - interval '1 second' WHERE id = :id"
                ),
                {"id": mail["id"]},
            )
        run_services(MailingWorker, extra_config=settings)

        def sent():
            return cluster.mailing.list_mails(None, "sent", 10)["items"]

        assert wait_for(lambda: [item["id"] for item in sent()] == [mail["id"]], 20)
        assert sent()[0]["attempts"] == 2
    assert len(smtp.mailbox.to("kesken@example.fi")) == 1


def overdue_by_email(cluster, first, email, language="fi"):
    contact = cluster.contacts.create_contact(
        {"first_name": first, "last_name": "Muistettava", "email": email, "language": language, **ADDRESS}
    )
    invoice = cluster.billing.create_invoice(
        {
            "contact_id": contact["id"],
            "delivery": "email",
            "invoice_date": (DUE - timedelta(days=14)).isoformat(),
            "due_date": DUE.isoformat(),
            "lines": [{"description": "Jäsenmaksu", "unit_price": "60.00"}],
        }
    )
    return contact["id"], invoice


def reminder_email(cluster, invoice_id, wanted, seconds=30):
    found = {}

    def reached():
        found["items"] = cluster.billing.invoice_reminders(invoice_id)["items"]
        return found["items"] and (found["items"][0]["email"] or {}).get("status") == wanted

    assert wait_for(reached, seconds), found
    return found["items"][0]


def test_b4_a_reminder_of_an_e_mailed_invoice_is_e_mailed_and_a_bounced_payer_gets_it_on_paper(
    mailing, run_services, smtp, rpc, clean_databases
):
    run_services(BillingWorker, extra_config={**CONFIG, "SMTP_HOST": smtp.host, "SMTP_PORT": smtp.smtp_port})
    cover_rates(mailing.billing)
    contact_id, invoice = overdue_by_email(mailing, "Muisto", "muisto@example.fi", language="sv")
    _, bounced = overdue_by_email(mailing, "Palautus", "palautus@bounce.example")
    mailing.billing.send_invoice_by_email(bounced["id"])  # 550 at RCPT: the address is flagged
    status_of(mailing, bounced["id"], "bounced")

    run = mailing.billing.start_reminder_run({"reminder_date": on(21)})
    assert wait_done(mailing, run["id"])["reminders_created"] == 2

    reminder = reminder_email(mailing, invoice["id"], "sent")
    assert (reminder["delivery"], reminder["delivery_status"]) == ("email", "sent")
    assert reminder["email"]["at"] and reminder["delivery_detail"]  # the e-mail delivery's id
    [taken] = smtp.mailbox.to("muisto@example.fi")
    assert taken["subject"] == f"Betalningspåminnelse – faktura {invoice['number']} – Testiyhdistys ry"
    assert f"Att betala: {reminder['total'].replace('.', ',')} €" in taken["text"]
    assert "FI21 1234 5600 0007 85" in taken["text"]
    file_name = f"reminder-{invoice['number']}-1.pdf"
    assert [(item["file_name"], item["content_type"]) for item in taken["attachments"]] == [
        (file_name, "application/pdf")
    ]
    message = email.message_from_bytes(smtp.mailbox.find(taken["id"])["raw"], policy=email.policy.default)
    [attached] = list(message.iter_attachments())
    words = pypdf.PdfReader(io.BytesIO(attached.get_payload(decode=True))).pages[0].extract_text()
    assert "BETALNINGSPÅMINNELSE" in words and str(invoice["number"]) in words
    assert mailing.billing.email_deliveries(invoice["id"])["items"] == []  # not the invoice's own mail

    on_paper = mailing.billing.invoice_reminders(bounced["id"])["items"]
    assert [(r["delivery"], r["delivery_status"], r["delivery_detail"], r["email"]) for r in on_paper] == [
        ("print", "ready", "billing.email_bounced", None)
    ]
    assert len(smtp.mailbox.to("palautus@bounce.example")) == 0  # the 550 took none; no reminder tried

    def audited(action):
        with clean_databases["audit"].connect() as conn:
            return conn.execute(
                text("SELECT details FROM audit_events WHERE action = :action AND :id = ANY(subject_ids)"),
                {"action": action, "id": contact_id},
            ).all()

    assert wait_for(lambda: audited("reminder.pdf_read") and audited("reminder.email_queued"), 20)

    officer = make_actor("remind-dpo", permissions=(*ALL_PERMISSIONS, "gdpr.officer"), roles=("dpo",))
    with rpc(officer) as cluster:  # G3: the reminder's mail in the access report, like an invoice's
        report = cluster.billing.personal_data(contact_id)["sections"]["email_deliveries"]
        assert [(item["document_kind"], item["status"]) for item in report] == [("reminder", "sent")]
        cluster.contacts.request_erasure(contact_id, "Art. 17 request")

    def emptied():  # G4: the mailing service's copy of the reminder mail is emptied
        with clean_databases["mailing"].connect() as conn:
            rows = conn.execute(
                text("SELECT recipient, subject, erased_at FROM mail_messages WHERE reference_id = :id"),
                {"id": reminder["delivery_detail"]},
            ).all()
        return rows and all(row.recipient is None and row.subject is None and row.erased_at for row in rows)

    assert wait_for(emptied, 30)
    assert reminder_email(mailing, invoice["id"], "sent")["email"]["status"] == "sent"  # the fact stays
