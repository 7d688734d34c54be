"""The invoice page's words for what issue 15's gaps added (B3, B4), rendered without a system: a reminder
e-invoice the operator did not take says why and when it is tried next, or that it is no longer tried;
a credited invoice and a credit note say why they are not sent and offer no sending forms."""

import re

import pytest

from gateway.tests.test_web_unit import page_context
from gateway.web_helpers import render_html

INVOICE = {
    "id": "0b1c6a52-6c55-4c7e-9a4e-1f1f4a8e2b10",
    "number": 1000,
    "kind": "invoice",
    "status": "open",
    "payer_name": "Yritys Oy",
    "contact_id": None,
    "invoice_date": "2026-05-01",
    "due_date": "2026-05-15",
    "reference": "10003",
    "rf_reference": "RF6810003",
    "total": "100.00",
    "paid_amount": "0.00",
    "reminder_fees": "5.00",
    "reminder_interest": "0.55",
    "open_amount": "105.55",
    "lines": [],
    "on_hold": False,
    "email": "lasku@yritys.example",
    "erased_at": None,
    "credited_invoice_id": None,
    "street": None,
}
REMINDER = {
    "id": "5a1c6a52-6c55-4c7e-9a4e-1f1f4a8e2b11",
    "level": 1,
    "reminder_date": "2026-06-05",
    "due_date": "2026-06-19",
    "fee": "5.00",
    "interest": "0.55",
    "total": "105.55",
    "delivery": "einvoice",
    "delivery_status": "failed",
    "delivery_detail": "billing.einvoice_operator_unavailable",
    "delivery_attempts": 1,
    "next_attempt_at": "2026-06-05T10:00:00+00:00",
    "email": None,
}


def page(language="fi", invoice=None, reminders=(), sending_refused=None):
    html = render_html(
        "billing/invoice.html",
        language,
        refresh=None,
        invoice={**INVOICE, **(invoice or {})},
        payments=[],
        sendings=[],
        reminders=list(reminders),
        emails=[],
        credit_notes=[],
        sending_refused=sending_refused,
        einvoice_form={},
        einvoice_prefilled=None,
        einvoice_errors=[],
        email_errors=[],
        einvoice_operators=[],
        vat_classes=[],
        deliveries=[],
        **page_context(current="/billing/invoices"),
    )
    return html


def words(html):
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(
    ("language", "next_try", "given_up"),
    [
        (
            "fi",
            "verkkolaskuoperaattori ei vastannut; yritetään uudelleen 5.6.2026",
            "ei yritetä enää (8 yritystä)",
        ),
        ("sv", "e-fakturaoperatören svarade inte; försöks igen 5.6.2026", "försöks inte längre (8 försök)"),
        ("en", "the e-invoice operator did not answer; tried again", "not tried again (8 tries)"),
    ],
)
def test_b4_a_failed_reminder_einvoice_says_why_and_when_it_is_tried_next(language, next_try, given_up):
    last = {**REMINDER, "level": 2, "delivery_attempts": 8, "next_attempt_at": None}
    text = words(page(language, reminders=[REMINDER, last]))
    assert next_try in text and given_up in text


def test_b3_a_credited_invoice_and_a_credit_note_offer_no_sending():
    credited = page(invoice={"status": "credited"}, sending_refused="billing.einvoice_credited")
    assert 'id="send-email"' not in credited and 'id="einvoice-form"' not in credited
    assert "Laskua 1000 ei lähetetä: se on hyvitetty." in words(credited)
    note = page(
        "en",
        invoice={"kind": "credit_note", "status": "open"},
        sending_refused="billing.einvoice_credit_note",
    )
    assert 'id="send-einvoice"' not in note
    assert 'id="send-email"' not in note and 'id="einvoice-form"' not in note
    assert "Credit note 1000 is not sent by e-mail or as an e-invoice." in words(note)
    open_one = page()
    assert 'id="send-email"' in open_one and 'id="einvoice-form"' in open_one
