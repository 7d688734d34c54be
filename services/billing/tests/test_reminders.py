"""B4 reminders, pure: levels and why an invoice is left out, the consumer and business fees within Finnish
law, late-payment interest for the worked example of docs/reminders.md (checked by hand there), the
allocation of a payment (costs, interest, principal), the settings refused above the consumer limit, the
reminder PDF (barcode and QR of the new total) and its Finvoice message (validated), and the retries of a
reminder e-invoice the operator did not take (a doubling wait, a refusal not retried)."""

import io
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest
from lxml import etree

from services.billing.documents import barcode
from services.billing.reminders import collection, delivery, document, retrying, rules, running
from services.billing.settings import BadSettings, ReminderSettings, from_config, reminder_settings

RATES = {date(2026, 1, 1): Decimal("2.50"), date(2025, 7, 1): Decimal("2.50")}
SETTINGS = ReminderSettings()
INVOICE = {
    "id": "7b0c6c1e-1111-4a4a-9a9a-000000000001",
    "number": 1042,
    "kind": "invoice",
    "status": "open",
    "contact_id": "7b0c6c1e-2222-4a4a-9a9a-000000000002",
    "payer_name": "Anna Muistutettava",
    "street": "Kuja 1",
    "postal_code": "00100",
    "city": "Helsinki",
    "country": "FI",
    "language": "fi",
    "invoice_date": date(2026, 5, 1),
    "due_date": date(2026, 5, 15),
    "reference": "10427",
    "rf_reference": "RF6610427",
    "total": Decimal("100.00"),
    "paid_amount": Decimal("0.00"),
    "erased_at": None,
    "on_hold": False,
    "payer_kind": "person",
}
PAYER = {"id": INVOICE["contact_id"], "kind": "person", "deceased_on": None}


def remind(candidate, on, receivable="consumer", settings=SETTINGS, rates=RATES):
    due, reason = rules.decide(candidate, on, settings, PAYER)
    assert reason is None, reason
    priced = rules.price(candidate, due, on, settings, rates, receivable)
    reminder = {
        "level": due.level,
        "reminder_date": on,
        "due_date": rules.new_due_date(on, settings),
        "days_overdue": due.days_overdue,
        **{key: priced[key] for key in ("fee", "interest", "interest_from", "interest_to", "interest_rate")},
        "principal_open": priced["principal_open"],
        "total": priced["total"],
    }
    candidate.reminders.append(reminder)
    return reminder


def test_b4_worked_example_interest_fee_and_total_of_two_consumer_reminders():
    """docs/reminders.md, worked example: 100.00 € due 15.5.2026, reference rate 2.50 % (9.50 %)."""
    candidate = rules.Candidate(dict(INVOICE), [])
    first = remind(candidate, date(2026, 6, 5))
    # 16.5.-5.6. = 21 days: 100 x 9.5 % x 21 / 365 = 0.546575... -> 0.55
    assert (first["level"], first["days_overdue"], first["fee"]) == (1, 21, Decimal("5.00"))
    assert first["interest"] == Decimal("0.55") and first["interest_rate"] == "9.50"
    assert (first["interest_from"], first["interest_to"]) == (date(2026, 5, 16), date(2026, 6, 5))
    assert first["total"] == Decimal("105.55") and first["due_date"] == date(2026, 6, 19)
    second = remind(candidate, date(2026, 6, 19))
    # 6.6.-19.6. = 14 days: 100 x 9.5 % x 14 / 365 = 0.364383... -> 0.36
    assert (second["level"], second["fee"], second["interest"]) == (2, Decimal("5.00"), Decimal("0.36"))
    assert second["total"] == Decimal("110.91")  # 100 + 5 + 5 + 0.55 + 0.36


def test_b4_interest_splits_at_the_half_year_and_is_rounded_once():
    rates = {date(2026, 1, 1): Decimal("2.50"), date(2026, 7, 1): Decimal("2.00")}  # H2: test data
    amount, parts = rules.interest(Decimal("200.00"), date(2026, 6, 16), date(2026, 7, 15), rates, "business")
    # 200 x 10.5 % x 15/365 = 0.863013.. + 200 x 10 % x 15/365 = 0.821917.. = 615/365 = 1.684931.. -> 1.68
    assert [(part.days, part.rate) for part in parts] == [(15, Decimal("10.50")), (15, Decimal("10.00"))]
    assert sum(part.amount for part in parts) == Decimal(615) / Decimal(365)
    assert amount == Decimal("1.68")
    # actual/actual: a day of a leap year is 1/366 of the yearly rate (2024: 4.50 % + 7 = 11.50 %)
    leap, _ = rules.interest(
        Decimal("366.00"),
        date(2024, 1, 1),
        date(2024, 1, 10),
        {date(2024, 1, 1): Decimal("4.50")},
        "consumer",
    )
    assert leap == Decimal("1.15")  # 366 x 11.5 % x 10/366 = 1.15 exactly
    non_commercial = ReminderSettings(business_commercial=False)
    candidate = rules.Candidate(dict(INVOICE), [])
    business = remind(candidate, date(2026, 6, 5), receivable="business", settings=non_commercial)
    assert business["interest_rate"] == "9.50"  # 4 § (+7): the organisation's fee is not a 30/2013 payment
    with pytest.raises(rules.MissingRate) as missing:
        rules.interest(Decimal("10.00"), date(2026, 12, 20), date(2027, 1, 5), rates, "consumer")
    assert missing.value.half_year == date(2027, 1, 1)


def test_b4_levels_and_exclusion_reasons():
    candidate = rules.Candidate(dict(INVOICE), [])
    assert rules.decide(candidate, date(2026, 5, 28), SETTINGS, PAYER) == (None, "not_yet_overdue")
    remind(candidate, date(2026, 5, 29))
    assert rules.decide(candidate, date(2026, 6, 5), SETTINGS, PAYER) == (None, "interval_not_passed")
    assert rules.decide(candidate, date(2026, 5, 29), SETTINGS, PAYER) == (None, "interval_not_passed")
    remind(candidate, date(2026, 6, 12))
    remind(candidate, date(2026, 6, 26))
    assert rules.decide(candidate, date(2026, 9, 1), SETTINGS, PAYER) == (None, "last_level_sent")
    for change, payer, reason in [
        ({"status": "paid"}, PAYER, "paid"),
        ({"status": "credited"}, PAYER, "credited"),
        ({"erased_at": "2026-06-01"}, PAYER, "erased"),
        ({}, None, "erased"),
        ({}, {**PAYER, "deceased_on": "2026-05-20"}, "deceased"),
        ({"on_hold": True}, PAYER, "on_hold"),
    ]:
        fresh = rules.Candidate({**INVOICE, **change}, [])
        assert rules.decide(fresh, date(2026, 7, 1), SETTINGS, payer) == (None, reason)


def test_b4_consumer_fee_limits_and_business_compensation():
    # Consumer: no fee for a reminder sooner than 14 days (10 b §), none after three charged (10 c §).
    assert rules.level_fee(SETTINGS, "consumer", 1, 13, 0) == Decimal("0.00")
    assert rules.level_fee(SETTINGS, "consumer", 1, 14, 0) == Decimal("5.00")
    assert rules.level_fee(SETTINGS, "consumer", 4, 30, 3) == Decimal("0.00")
    assert rules.level_fee(SETTINGS, "business", 1, 7, 0) == Decimal("5.00")
    compensated = ReminderSettings(business_compensation=True)
    assert rules.level_fee(compensated, "business", 1, 14, 0) == Decimal("40.00")
    assert rules.level_fee(compensated, "business", 2, 14, 1) == Decimal("0.00")
    assert rules.receivable_of("organisation") == "business"
    assert rules.receivable_of("person") == rules.receivable_of(None) == "consumer"


def test_b4_a_consumer_fee_above_the_limit_is_refused_with_the_setting_and_law_named():
    with pytest.raises(BadSettings) as refused:
        reminder_settings({"BILLING_REMINDER_FEE_CONSUMER": "5.01"})
    assert "BILLING_REMINDER_FEE_CONSUMER" in str(refused.value) and "10 a §" in str(refused.value)
    with pytest.raises(BadSettings):
        from_config({"BILLING_REMINDER_FEE_CONSUMER": "7,50"})
    with pytest.raises(BadSettings):
        reminder_settings({"BILLING_REMINDER_FEE_CONSUMER": "4.999"})
    with pytest.raises(BadSettings):
        reminder_settings({"BILLING_REMINDER_LEVELS": "14,x"})
    with pytest.raises(BadSettings):
        reminder_settings(
            {"BILLING_REMINDER_B2B_COMPENSATION": "true", "BILLING_REMINDER_B2B_COMMERCIAL": "false"}
        )
    made = reminder_settings({"BILLING_REMINDER_LEVELS": "10, 20", "BILLING_REMINDER_INTEREST": "false"})
    assert made.levels == (10, 20) and made.interest is False


def test_b4_a_partial_payment_pays_costs_then_interest_then_principal():
    paid = rules.allocate(Decimal("50.00"), Decimal("10.00"), Decimal("0.91"), Decimal("100.00"))
    assert (paid.fees, paid.interest, paid.principal, paid.over) == (
        Decimal("10.00"),
        Decimal("0.91"),
        Decimal("39.09"),
        Decimal("0.00"),
    )
    candidate = rules.Candidate(dict(INVOICE), [])
    remind(candidate, date(2026, 6, 5))
    remind(candidate, date(2026, 6, 19))
    candidate.invoice.update(paid_amount=Decimal("50.00"), status="partly_paid")
    # The third reminder: the 50 € paid went to the fees (10), interest (0.91), principal (39.09); interest
    # runs on the 60.91 left (20.6.-3.7., 14 days; the H2 rate here is test data).
    third = remind(candidate, date(2026, 7, 3), rates={**RATES, date(2026, 7, 1): Decimal("2.50")})
    assert third["principal_open"] == Decimal("60.91")
    assert third["interest"] == Decimal("0.22")  # 60.91 x 9.5 % x 14/365 = 0.221945...
    assert third["total"] == Decimal("60.91") + Decimal("5.00") + Decimal("0.22")


def test_b4_reminder_pdf_has_the_new_total_in_the_barcode_and_the_words_of_the_language():
    settings = from_config({"BILLING_PAYEE_BUSINESS_ID": "1234567-8"})
    reminder = {
        "level": 1,
        "reminder_date": date(2026, 6, 5),
        "due_date": date(2026, 6, 19),
        "days_overdue": 21,
        "principal_open": Decimal("100.00"),
        "fee": Decimal("5.00"),
        "interest": Decimal("0.55"),
        "interest_from": date(2026, 5, 16),
        "interest_to": date(2026, 6, 5),
        "interest_rate": "9.50",
        "total": Decimal("105.55"),
    }
    for language, title in (
        ("fi", "MAKSUMUISTUTUS"),
        ("sv", "BETALNINGSPÅMINNELSE"),
        ("en", "PAYMENT REMINDER"),
    ):
        invoice = {**INVOICE, "language": language}
        text = (
            pypdf.PdfReader(io.BytesIO(document.render(reminder, invoice, settings))).pages[0].extract_text()
        )
        digits = document.barcode_digits(reminder, invoice, settings)
        assert title in text and digits in text and "1042" in text
        decoded = barcode.decode(digits)
        assert (decoded.amount, decoded.reference, decoded.due_date) == (
            Decimal("105.55"),
            "10427",
            date(2026, 6, 19),
        )
    xml = document.finvoice_message(reminder, INVOICE, settings, {}, {})
    root = etree.fromstring(xml)
    assert root.findtext("InvoiceDetails/InvoiceTypeCode") == "INV09"
    assert root.findtext("InvoiceDetails/InvoiceTotalVatIncludedAmount") == "105,55"
    assert root.findtext("MessageTransmissionDetails/MessageDetails/MessageIdentifier") == "piiri-1042-r1"


def test_b4_delivery_takes_a_document_and_a_payer_and_a_channel_can_be_added():
    made = delivery.Document("reminder", "r.pdf", lambda: b"%PDF", lambda transmission: b"<x/>", 1042)
    assert delivery.deliver(made, delivery.Payer("Anna", "fi", "print")).status == "ready"
    assert delivery.deliver(made, delivery.Payer("Anna", "fi", "pigeon")).status == "failed"
    assert delivery.channel_for({"delivery": "einvoice"}, ("003798765432", "003721291126")) == "einvoice"
    assert delivery.channel_for({"delivery": "einvoice"}, None) == "print"  # never sent: no address
    assert delivery.channel_for({"delivery": "email"}, None) == "email"  # the invoice went by e-mail
    assert delivery.channel_for({"delivery": "email"}, ("003798765432", "003721291126")) == "einvoice"
    assert delivery.channel_for({"delivery": "print"}, None) == "print"
    no_operator = delivery.deliver(made, delivery.Payer("Anna", "fi", "einvoice"), {"config": {}})
    assert (no_operator.status, no_operator.detail) == ("failed", "billing.einvoice_not_configured")


def test_b4_a_reminder_einvoice_is_audited_before_it_leaves_and_not_sent_when_the_audit_fails(monkeypatch):
    events = []

    class Operator:
        def send(self, message):
            events.append(("sent", message))
            return {"id": "m-1"}

    monkeypatch.setattr(
        delivery.client.OperatorClient, "from_config", staticmethod(lambda config: Operator())
    )
    to = {"to_identifier": "003798765432", "to_intermediator": "003721291126"}
    payer = delivery.Payer("Anna", "fi", "einvoice", einvoice=to)
    made = delivery.Document(
        "reminder", "r.pdf", lambda: b"%PDF", lambda transmission: b"<x/>", 1042,
        disclose=lambda transmission: events.append(("audited", transmission)),
    )  # fmt: skip
    assert delivery.deliver(made, payer, {"config": {}}).status == "sent"
    assert events == [("audited", to), ("sent", b"<x/>")]

    def unavailable(transmission):
        raise RuntimeError("the audit is away")

    events.clear()
    with pytest.raises(RuntimeError):
        delivery.deliver(replace(made, disclose=unavailable), payer, {"config": {}})
    assert events == []  # fail-closed: nothing left


def test_b4_collection_export_csv_and_xlsx():
    reminder = {"level": 3, "reminder_date": date(2026, 7, 1), "due_date": date(2026, 7, 15)}
    invoice = {
        **INVOICE,
        "payer_name": "=HYPERLINK(1)",
        "reminder_fees": Decimal("15.00"),
        "reminder_interest": Decimal("1.20"),
        "paid_amount": Decimal("10.00"),
    }
    row = collection.item(invoice, reminder)
    assert (row["fees_open"], row["interest_open"], row["principal_open"]) == ("5.00", "1.20", "100.00")
    assert row["amount_owed"] == "106.20"
    made = collection.export([row], "csv", date(2026, 9, 1))
    text = made["data"].decode("utf-8-sig")
    assert text.splitlines()[0].startswith("invoice_number;payer_name")
    assert "'=HYPERLINK(1)" in text and ";106.20;" in text
    assert collection.export([row], "xlsx", date(2026, 9, 1))["data"][:2] == b"PK"


def _email_document(reminder_id="r-1"):
    return delivery.Document(
        "reminder",
        "reminder-1042-1.pdf",
        lambda: b"%PDF",
        lambda transmission: b"<x/>",
        1042,
        id=reminder_id,
        invoice_id="i-1",
        mail=lambda: {"to": "anna@example.fi", "subject": "Maksumuistutus"},
    )


def test_b4_the_email_channel_stores_a_reminder_delivery_in_the_runs_transaction(monkeypatch):
    stored = []

    def store(session, actor, kind, document_id, invoice_id, request):
        stored.append((session, actor, kind, document_id, invoice_id, request))
        return {"id": "delivery-1"}

    monkeypatch.setattr(delivery, "store_delivery", store)
    payer = delivery.Payer("Anna", "fi", "email", email="anna@example.fi")
    outcome = delivery.deliver(_email_document(), payer, {"session": "tx", "actor": "treasurer"})
    assert (outcome.status, outcome.detail, outcome.channel) == ("sent", "delivery-1", None)
    assert stored == [
        ("tx", "treasurer", "reminder", "r-1", "i-1", {"to": "anna@example.fi", "subject": "Maksumuistutus"})
    ]


def test_b4_a_payer_who_cannot_be_mailed_gets_the_reminder_on_paper_with_the_reason(monkeypatch):
    monkeypatch.setattr(delivery, "store_delivery", lambda *args: pytest.fail("nothing is mailed"))
    for reason in ("no_email", "invalid_email", "bounced"):
        payer = delivery.Payer("Anna", "fi", "email", email="x", email_refusal=reason)
        outcome = delivery.deliver(_email_document(), payer, {"session": "tx", "actor": "treasurer"})
        assert (outcome.status, outcome.detail, outcome.channel) == (
            "ready",
            f"billing.email_{reason}",
            "print",
        )


def test_b4_the_channel_decision_reuses_the_invoice_e_mail_rules():
    invoice = {**INVOICE, "id": "i-1", "kind": "invoice", "status": "open", "contact_id": "c-1",
               "payer_name": "Anna", "erased_at": None}  # fmt: skip
    reminder = {"id": "r-1", "delivery": "email", "delivery_address": None}
    decided = {
        "anna@example.fi": running.payer_of(reminder, {**invoice, "email": "anna@example.fi"}).email_refusal,
        None: running.payer_of(reminder, {**invoice, "email": None}).email_refusal,
        "ei osoite": running.payer_of(reminder, {**invoice, "email": "ei osoite"}).email_refusal,
    }
    assert decided == {"anna@example.fi": None, None: "no_email", "ei osoite": "invalid_email"}
    flagged = running.payer_of(reminder, {**invoice, "email": "anna@example.fi"}, {"c-1"})
    assert flagged.email_refusal == "bounced"
    on_paper = running.payer_of({**reminder, "delivery": "print"}, {**invoice, "email": None})
    assert on_paper.email_refusal is None  # only an e-mail reminder is checked


def test_b4_a_reminder_einvoice_the_operator_did_not_take_is_retried_with_a_doubling_wait():
    retry_delay = rules.retry_delay
    assert [retry_delay(tries, 60, 8) for tries in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3840, None]
    assert retry_delay(20, 3600, 30) == rules.RETRY_MAX_SECONDS  # never longer than the cap
    assert retry_delay(1, 0, 2) == 0 and retry_delay(2, 0, 2) is None


def test_b4_only_an_operator_away_is_retried_and_tries_are_counted():
    recorded = []

    class Session:
        def execute(self, statement):
            recorded.append(statement.compile().params)

    now = datetime(2026, 6, 5, 12, 0, tzinfo=UTC)
    reminder = {"id": "r", "delivery": "einvoice", "delivery_attempts": 0}
    config = reminder_settings(
        {"BILLING_REMINDER_RETRY_SECONDS": "30", "BILLING_REMINDER_RETRY_ATTEMPTS": "3"}
    )
    away = delivery.Outcome("failed", "billing.einvoice_operator_unavailable", retry=True)
    assert retrying.record_attempt(Session(), reminder, away, config, now) == now.replace(second=30)
    assert recorded[-1]["delivery_attempts"] == 1
    refused = delivery.Outcome("failed", "unknown receiver address")
    assert retrying.record_attempt(Session(), reminder, refused, config, now) is None  # not again
    last = {**reminder, "delivery_attempts": 2}
    assert retrying.record_attempt(Session(), last, away, config, now) is None  # the third try was the last
    assert retrying.record_attempt(Session(), {**reminder, "delivery": "print"}, away, config, now) is None
    assert len(recorded) == 3
    for wrong in ({"BILLING_REMINDER_RETRY_SECONDS": "soon"}, {"BILLING_REMINDER_RETRY_ATTEMPTS": "0"}):
        with pytest.raises(BadSettings, match="BILLING_REMINDER_RETRY"):
            reminder_settings(wrong)


def test_b4_a_missing_reference_rate_names_its_half_year_in_the_message():
    """The 409 gives the half-year as the params its text fills ({valid_from}), not only in its details:
    the gateway filled the message from params and showed a bare {valid_from} (seen in the review)."""
    from datetime import date

    from services.billing.reminders.rpc import missing_rate
    from services.billing.reminders.rules import MissingRate

    error = missing_rate(MissingRate(date(2027, 1, 1)))
    assert error.message == "billing.reference_rate_missing"
    assert error.details == error.params == {"valid_from": "2027-01-01"}
