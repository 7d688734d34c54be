"""What an invoice says about membership (B4, issue 15): the payloads of ``invoice_paid`` and
``invoice_credited``, with the membership period of the invoice's fee type and every member the invoice
covers (the payer and, on a couple's invoice, the partner). Contacts derives paid-up status from these
events, never from an invoice's existence: paid makes a member paid-up, a credit note withdraws it."""

from decimal import Decimal

from services.billing.fee_types import storage as fee_storage
from services.billing.invoices import money


def _text(value):
    return str(value) if value else None


def _covered(session, invoice):
    """(membership period or None, [member ids]) of an invoice."""
    fee_type = fee_storage.get(session, invoice["fee_type_id"]) if invoice["fee_type_id"] else None
    period = fee_type["membership_period"] if fee_type else None
    members = [str(key) for key in (invoice["contact_id"], invoice.get("partner_id")) if key]
    return period, members


def paid_event(session, invoice, paid: Decimal, status, paid_on):
    """The ``invoice_paid`` payload of ``invoice`` now that ``paid`` reached its total."""
    period, _ = _covered(session, invoice)
    return paid_event_of(invoice, period, paid, status, paid_on)


def paid_event_of(invoice, period, paid: Decimal, status, paid_on):
    """The same, given the membership period of the invoice's fee type (a bank file reads each once)."""
    members = [str(key) for key in (invoice["contact_id"], invoice.get("partner_id")) if key]
    return {
        "invoice_id": str(invoice["id"]),
        "invoice_number": invoice["number"],
        "contact_id": _text(invoice["contact_id"]),
        "fee_type_id": _text(invoice["fee_type_id"]),
        "total": money.text(Decimal(invoice["total"])),
        "paid_amount": money.text(paid),
        "status": status,
        "paid_on": paid_on.isoformat() if paid_on else None,
        "membership_period": period,
        "member_ids": members,
    }


def credited_event(session, invoice, credit_note_number):
    """The ``invoice_credited`` payload of ``invoice`` (as it was before the credit note)."""
    period, members = _covered(session, invoice)
    return {
        "invoice_id": str(invoice["id"]),
        "invoice_number": invoice["number"],
        "credit_note_number": credit_note_number,
        "contact_id": _text(invoice["contact_id"]),
        "fee_type_id": _text(invoice["fee_type_id"]),
        "was_paid": invoice["status"] in ("paid", "overpaid"),
        "membership_period": period,
        "member_ids": members,
    }
