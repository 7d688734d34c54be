"""B3: the pure rules of invoices by e-mail: the mail's words in the payer's language with the number,
total, due date, reference and IBAN; the PDF attached by reference (no bytes in the request); who a run's
"send by e-mail" leaves out and why; what refuses one invoice's e-mail."""

import uuid
from datetime import date
from decimal import Decimal

from services.billing.email_delivery import rules
from services.billing.settings import from_config

SETTINGS = from_config({"BILLING_IBAN": "FI2112345600000785", "BILLING_PAYEE_NAME": "Testiyhdistys ry"})
INVOICE = {
    "id": uuid.UUID("6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10"),
    "number": 1042,
    "kind": "invoice",
    "status": "open",
    "contact_id": uuid.UUID("0b7e2f9e-8c55-4a36-9d8f-1e4b7a2c3d10"),
    "payer_name": "Maija Meikäläinen",
    "email": "maija@example.fi",
    "language": "fi",
    "delivery": "email",
    "total": Decimal("1234.50"),
    "due_date": date(2027, 3, 15),
    "reference": "10427",
    "rf_reference": "RF3610427",
    "erased_at": None,
}


def test_b3_the_invoice_mail_in_finnish_has_the_payment_details_and_the_pdf_by_reference():
    mail = rules.invoice_mail(INVOICE, SETTINGS)
    assert mail["to"] == "maija@example.fi" and mail["language"] == "fi"
    assert mail["subject"] == "Lasku 1042 – Testiyhdistys ry"
    for text in ("Maksettava yhteensä: 1234,50 €", "Eräpäivä: 15.3.2027", "Viitenumero: 10427",
                 "FI21 1234 5600 0007 85", "BIC: NDEAFIHH"):  # fmt: skip
        assert text in mail["body"], text
    [attachment] = mail["attachments"]
    assert attachment == {
        "file_name": "lasku-1042.pdf",
        "content_type": "application/pdf",
        "source": {"service": "billing", "document": "invoice", "id": str(INVOICE["id"])},
    }
    assert "payer_name" in mail["disclosed_fields"]


def test_b3_swedish_and_english_mails_and_an_unknown_language_falls_back_to_finnish():
    swedish = rules.invoice_mail({**INVOICE, "language": "sv"}, SETTINGS)
    assert swedish["subject"].startswith("Faktura 1042") and "Förfallodag: 15.3.2027" in swedish["body"]
    assert swedish["attachments"][0]["file_name"] == "faktura-1042.pdf"
    english = rules.invoice_mail({**INVOICE, "language": "en"}, SETTINGS)
    assert "Total due: 1234.50 €" in english["body"] and "Due date: 2027-03-15" in english["body"]
    assert rules.invoice_mail({**INVOICE, "language": "de"}, SETTINGS)["subject"].startswith("Lasku")


def test_b3_an_rf_reference_is_written_when_the_setting_says_so():
    rf = from_config({"BILLING_IBAN": "FI2112345600000785", "BILLING_REFERENCE_FORM": "rf"})
    assert "Viitenumero: RF36 1042 7" in rules.invoice_mail(INVOICE, rf)["body"]


def test_b3_a_run_leaves_out_each_invoice_with_its_reason():
    cases = [
        ({}, [], False, None),
        ({"status": "credited"}, [], False, "credited"),
        ({"erased_at": "2027-01-01"}, [], False, "erased"),
        ({"delivery": "einvoice"}, [], False, "einvoice"),
        ({"delivery": "print"}, [], False, "paper"),
        ({"email": None}, [], False, "no_email"),
        ({"email": "ei osoite"}, [], False, "invalid_email"),
        ({}, [], True, "bounced"),
        ({}, ["sent"], False, "already_sent"),
        ({}, ["queued"], False, "already_sent"),
        ({}, ["bounced"], False, None),  # a bounce cleared since: the flag decides
        ({}, ["failed"], False, None),
    ]
    for changes, statuses, flagged, reason in cases:
        assert rules.exclusion({**INVOICE, **changes}, statuses, flagged) == reason, changes


def test_b3_one_invoice_may_go_again_after_it_was_sent_and_to_a_payer_who_chose_paper():
    assert rules.single_refusal({**INVOICE, "delivery": "print"}, ["sent"], False) is None
    assert rules.single_refusal(INVOICE, ["queued"], False) == "already_sent"
    assert rules.single_refusal(INVOICE, [], True) == "bounced"


REMINDER = {
    "id": uuid.UUID("2a0f8d7c-5b1e-4c3a-8e2d-7f6a5b4c3d20"),
    "level": 1,
    "total": Decimal("1245.37"),
    "due_date": date(2027, 4, 29),
}


def test_b4_the_reminder_mail_in_fi_sv_en_has_the_new_total_and_due_date_and_the_reminder_pdf():
    finnish = rules.reminder_mail(REMINDER, INVOICE, SETTINGS, "reminder-1042-1.pdf")
    assert finnish["to"] == "maija@example.fi" and finnish["language"] == "fi"
    assert finnish["subject"] == "Maksumuistutus – lasku 1042 – Testiyhdistys ry"
    for text in ("laskuanne 1042", "Maksettava yhteensä: 1245,37 €", "Uusi eräpäivä: 29.4.2027",
                 "Viitenumero: 10427", "FI21 1234 5600 0007 85"):  # fmt: skip
        assert text in finnish["body"], text
    assert "1234,50" not in finnish["body"]  # the reminder's total, not the invoice's
    assert finnish["attachments"] == [
        {
            "file_name": "reminder-1042-1.pdf",
            "content_type": "application/pdf",
            "source": {"service": "billing", "document": "reminder", "id": str(REMINDER["id"])},
        }
    ]
    swedish = rules.reminder_mail(REMINDER, {**INVOICE, "language": "sv"}, SETTINGS, "r.pdf")
    assert swedish["subject"].startswith("Betalningspåminnelse – faktura 1042")
    assert "Att betala: 1245,37 €" in swedish["body"] and "Ny förfallodag: 29.4.2027" in swedish["body"]
    english = rules.reminder_mail(REMINDER, {**INVOICE, "language": "en"}, SETTINGS, "r.pdf")
    assert english["subject"].startswith("Payment reminder – invoice 1042")
    assert "Total due: 1245.37 €" in english["body"] and "New due date: 2027-04-29" in english["body"]
    assert "Reference: 10427" in english["body"] and "FI21 1234 5600 0007 85" in english["body"]


def test_b4_a_reminder_goes_on_paper_for_the_invoice_mails_reasons_but_not_for_earlier_mails():
    assert rules.reminder_refusal(INVOICE, False) is None
    assert rules.reminder_refusal({**INVOICE, "email": None}, False) == "no_email"
    assert rules.reminder_refusal({**INVOICE, "email": "ei osoite"}, False) == "invalid_email"
    assert rules.reminder_refusal(INVOICE, True) == "bounced"
    assert rules.reminder_refusal({**INVOICE, "erased_at": "2027-01-01"}, False) == "erased"
