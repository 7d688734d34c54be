"""An invoice, its lines and a payment as the RPCs return them (JSON-safe: amounts as "12.50" texts,
dates ISO), and the contacts an audited read of them names."""

from decimal import Decimal

from services.billing.invoices import money

INVOICE_FIELDS = (
    "id",
    "number",
    "kind",
    "credited_invoice_id",
    "status",
    "contact_id",
    "partner_id",
    "fee_type_id",
    "run_id",
    "payer_name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "language",
    "delivery",
    "einvoice_address",
    "einvoice_operator",
    "invoice_date",
    "due_date",
    "reference",
    "rf_reference",
    "net_total",
    "vat_total",
    "total",
    "paid_amount",
    "paid_on",
    "erased_at",
    "created_at",
    "payer_kind",
    "reminder_fees",
    "reminder_interest",
    "on_hold",
)
PERSONAL_FIELDS = (
    "payer_name",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "einvoice_address",
    "einvoice_operator",
)


def _json(value):
    if isinstance(value, Decimal):
        return money.text(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and not isinstance(value, (str, int, float, bool, list, dict)):
        return str(value)
    return value


def invoice_view(invoice, lines=None):
    view = {name: _json(invoice.get(name)) for name in INVOICE_FIELDS}
    charges = Decimal(invoice.get("reminder_fees") or 0) + Decimal(invoice.get("reminder_interest") or 0)
    # A credited invoice owes nothing: what was paid on it is the payer's credit (shown negative, as an
    # overpayment's excess is).
    owed = Decimal(0) if invoice.get("status") == "credited" else Decimal(invoice["total"]) + charges
    view["open_amount"] = money.text(owed - Decimal(invoice["paid_amount"]))
    if lines is not None:
        view["lines"] = [line_view(line) for line in lines]
    return view


def line_view(line):
    split = [
        {"party_id": str(part["party_id"]), "party_name": part["party_name"], "amount": _json(part["amount"])}
        for part in line.get("split") or ()
    ]
    return {
        "split": split,
        **{
            name: _json(line[name])
            for name in (
                "position",
                "description",
                "quantity",
                "unit_price",
                "vat_class",
                "vat_rate",
                "account",
                "net",
                "vat",
                "gross",
            )
        },
    }


def payment_view(payment):
    return {
        name: _json(payment.get(name))
        for name in (
            "id",
            "archive_id",
            "bank_file_id",
            "account",
            "booked_on",
            "paid_on",
            "amount",
            "reference",
            "reference_source",
            "payer_name",
            "payer_iban",
            "location",
            "status",
            "unmatched_reason",
            "invoice_id",
            "matched_by",
            "matched_at",
            "created_at",
        )
    }


def subjects(invoices):
    """The contacts an audited read of these invoices names (payers and partners)."""
    found = []
    for invoice in invoices:
        for key in (invoice.get("contact_id"), invoice.get("partner_id")):
            if key and str(key) not in found:
                found.append(str(key))
    return found
