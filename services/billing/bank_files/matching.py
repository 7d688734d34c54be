"""Matching payments to invoices (B4), in the importing transaction: by reference (a Finnish reference or
its RF form); paid, partly paid (the rest stays open) or overpaid (the excess stays on the invoice as the
payer's credit); anything else waits in the unmatched queue with its reason. Events: ``invoice_paid``
when an invoice reaches its total (with the membership it pays: invoices/membership.py),
``payment_unmatched`` for the queue."""

from decimal import Decimal

from services.billing.bank_files import storage
from services.billing.invoices import membership, money, rules
from services.billing.invoices import storage as invoice_storage
from services.billing.references import rules as references


def match_by_reference(session, outbox, payment):
    """Match a newly recorded payment; returns "matched" or the unmatched reason."""
    reference = references.normalise(payment["reference"] or "")
    if reference is None:
        return _unmatched(
            session, outbox, payment, "no_reference" if not payment["reference"] else "bad_reference"
        )
    invoice = invoice_storage.by_reference(session, reference, lock=True)
    if invoice is None:
        return _unmatched(session, outbox, payment, "unknown_reference")
    if invoice["status"] == "credited":
        return _unmatched(session, outbox, payment, "credited")
    apply(session, outbox, payment, invoice, "reference")
    return "matched"


def apply(session, outbox, payment, invoice, matched_by):
    """Add the payment to the invoice (locked by the caller) and record the match. An invoice with
    reminders owes their fees and interest too (B4): it is paid when the payments cover the total and
    those charges (allocated costs first, then interest, then principal: docs/reminders.md)."""
    paid = Decimal(invoice["paid_amount"]) + Decimal(payment["amount"])
    owed = Decimal(invoice["total"]) + rules.charges_of(invoice)
    status = rules.status_after(owed, paid, credited=False)
    was_paid = invoice["status"] in ("paid", "overpaid")
    updated = invoice_storage.add_payment(
        session, invoice, Decimal(payment["amount"]), payment["booked_on"], status
    )
    storage.matched(session, payment["id"], invoice["id"], matched_by)
    if status in ("paid", "overpaid") and not was_paid:
        paid_on = updated.get("paid_on") or payment["booked_on"]
        outbox.event(session, "invoice_paid", membership.paid_event(session, invoice, paid, status, paid_on))
    return updated


def _unmatched(session, outbox, payment, reason):
    storage.set_unmatched_reason(session, payment["id"], reason)
    outbox.event(
        session,
        "payment_unmatched",
        {
            "payment_id": str(payment["id"]),
            "amount": money.text(Decimal(payment["amount"])),
            "booked_on": payment["booked_on"].isoformat(),
            "reason": reason,
        },
    )
    return reason
