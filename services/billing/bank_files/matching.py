"""Matching payments to invoices (B4): by reference (a Finnish reference or its RF form); paid, partly paid
(the rest stays open) or overpaid (the excess stays on the invoice as the payer's credit); anything else
waits in the unmatched queue with its reason. Events: ``invoice_paid`` when an invoice reaches its total
(with the membership it pays: invoices/membership.py), ``payment_unmatched`` for the queue.

A bank file's payments are matched together (``match_file``): one read of the invoices their references
name (locked), the payments applied in the file's order in memory (``after_payment``, the same rule a
match by hand uses), then one write of the changed invoices and the events. A match by hand is ``apply``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from services.billing.bank_files import storage
from services.billing.fee_types import storage as fee_storage
from services.billing.invoices import membership, money, rules
from services.billing.invoices import storage as invoice_storage
from services.billing.references import rules as references


def after_payment(invoice, amount: Decimal, booked_on):
    """(the invoice's new values {paid_amount, status, paid_on}, whether it became paid) once ``amount``
    is added: the one rule of both the bank file and the match by hand. An invoice with reminders owes
    their fees and interest too (B4): it is paid when the payments cover the total and those charges
    (allocated costs first, then interest, then principal: docs/reminders.md)."""
    paid = Decimal(invoice["paid_amount"]) + amount
    owed = Decimal(invoice["total"]) + rules.charges_of(invoice)
    status = rules.status_after(owed, paid, credited=False)
    values = {"paid_amount": paid, "status": status, "paid_on": invoice["paid_on"]}
    if status in ("paid", "overpaid") and invoice["paid_on"] is None:
        values["paid_on"] = booked_on
    became_paid = status in ("paid", "overpaid") and invoice["status"] not in ("paid", "overpaid")
    return values, became_paid


def apply(session, outbox, payment, invoice, matched_by):
    """Add the payment to the invoice (locked by the caller) and record the match (a match by hand)."""
    values, became_paid = after_payment(invoice, Decimal(payment["amount"]), payment["booked_on"])
    updated = invoice_storage.add_payment(session, invoice, values)
    storage.matched(session, payment["id"], invoice["id"], matched_by)
    if became_paid:
        paid_on = values["paid_on"] or payment["booked_on"]
        outbox.event(
            session,
            "invoice_paid",
            membership.paid_event(session, invoice, values["paid_amount"], values["status"], paid_on),
        )
    return updated


def unmatched_reason(payment, reference, invoice):
    """Why a payment cannot be matched by its reference, or None if ``invoice`` takes it."""
    if reference is None:
        return "no_reference" if not payment["reference"] else "bad_reference"
    if invoice is None:
        return "unknown_reference"
    if invoice["status"] == "credited":
        return "credited"
    return None


@dataclass
class FileMatch:
    """What matching a file's new payments decided: each payment's match or reason, the invoices changed,
    and the events to publish."""

    payments: list = field(default_factory=list)  # the payments with status, invoice_id, unmatched_reason
    invoices: dict = field(default_factory=dict)  # invoice id -> its new values
    paid_events: list = field(default_factory=list)
    unmatched_events: list = field(default_factory=list)

    @property
    def matched(self):
        return sum(1 for payment in self.payments if payment["status"] == "matched")


def match_file(session, payments):
    """Decide every new payment of a file (dicts as storage.insert_payments takes them, in file order):
    the invoices their references name are read once, locked, and the payments applied one after another
    in memory, so two payments of one invoice in a file add up as two separate uploads would."""
    wanted = {payment["id"]: references.normalise(payment["reference"] or "") for payment in payments}
    found = invoice_storage.by_references(session, {ref for ref in wanted.values() if ref}, lock=True)
    fee_types: dict = {}
    decided = FileMatch()
    for payment in payments:
        reference = wanted[payment["id"]]
        invoice = found.get(reference) if reference else None
        reason = unmatched_reason(payment, reference, invoice)
        if reason is not None:
            decided.payments.append({**payment, "status": "unmatched", "unmatched_reason": reason})
            decided.unmatched_events.append(_unmatched_payload(payment, reason))
            continue
        values, became_paid = after_payment(invoice, payment["amount"], payment["booked_on"])
        invoice.update(values)  # the next payment of this invoice in the file sees this one
        decided.invoices[invoice["id"]] = values
        decided.payments.append(
            {**payment, "status": "matched", "invoice_id": invoice["id"], "matched_by": "reference"}
        )
        if became_paid:
            period = _period(session, fee_types, invoice)
            decided.paid_events.append(
                membership.paid_event_of(
                    invoice, period, values["paid_amount"], values["status"], values["paid_on"]
                )
            )
    return decided


def _period(session, cache, invoice):
    """The membership period of the invoice's fee type (each fee type read once per file)."""
    key = invoice["fee_type_id"]
    if key is None:
        return None
    if key not in cache:
        fee_type = fee_storage.get(session, key)
        cache[key] = fee_type["membership_period"] if fee_type else None
    return cache[key]


def _unmatched_payload(payment, reason):
    return {
        "payment_id": str(payment["id"]),
        "amount": money.text(Decimal(payment["amount"])),
        "booked_on": payment["booked_on"].isoformat(),
        "reason": reason,
    }
