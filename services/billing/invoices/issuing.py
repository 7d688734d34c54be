"""Issuing an invoice or a credit note (B1) in the caller's transaction: the next number of the one
series, the reference of the configured scheme (and its RF form), the payer's name and address as the
contacts service gave them, the priced lines and totals."""

from datetime import timedelta

from services.billing.invoices import rules, storage, views
from services.billing.references import rules as references

SERIES = "invoice"


def payer_name(row, per_couple, language):
    """The name the invoice is addressed to: a couple's address name when invoicing per couple."""
    couple = row.get("couple")
    if per_couple and couple:
        return couple["address_name_en"] if language == "en" else couple["address_name_fi"]
    return row.get("display_name") or " ".join(
        part for part in (row.get("first_name"), row.get("last_name")) if part
    )


def language_of(row):
    return row.get("language") if row.get("language") in ("fi", "sv", "en") else "fi"


def issue(
    session,
    settings,
    row,
    lines,
    *,
    fee_type_id,
    invoice_date,
    due_date,
    delivery,
    per_couple=False,
    run_id=None,
):
    """Insert the invoice for the contact ``row`` (a contacts.payer_page row) with ``lines`` (already
    priced); returns the invoice. A page of one (issue_many)."""
    return issue_many(
        session,
        settings,
        [row],
        lines,
        fee_type_id=fee_type_id,
        invoice_date=invoice_date,
        due_date=due_date,
        delivery_of=lambda _row: delivery,
        per_couple=per_couple,
        run_id=run_id,
    )[0]


def issue_many(session, settings, rows, lines, *, fee_type_id, invoice_date, due_date, delivery_of, **more):
    """A run's page (B1): the invoices of ``rows`` with the same ``lines``, as ``issue`` makes each, in
    one go: their numbers one block of the series (consecutive in the order of ``rows``, gap-free: the
    block is this transaction's), one INSERT of the invoices, one of their lines, one of their splits.
    ``delivery_of(row)`` is each one's delivery. Returns the invoices in the order of ``rows``."""
    if not rows:
        return []
    first = storage.take_number(session, SERIES, settings.first_number, len(rows))
    numbers = [first + index for index in range(len(rows))]
    made = _references(session, settings, numbers, [storage.parse_id(row["id"]) for row in rows])
    values = [
        _values(
            settings,
            row,
            lines,
            numbers[index],
            made[index],
            fee_type_id=fee_type_id,
            invoice_date=invoice_date,
            due_date=due_date,
            delivery=delivery_of(row),
            **more,
        )
        for index, row in enumerate(rows)
    ]
    return storage.insert_invoices(session, values, lines)


def _values(
    settings,
    row,
    lines,
    number,
    reference,
    *,
    fee_type_id,
    invoice_date,
    due_date,
    delivery,
    per_couple=False,
    run_id=None,
):
    """The invoice's row: numbered ``number``, for the contact ``row``, with ``reference`` and totals."""
    contact_id = storage.parse_id(row["id"])
    language = language_of(row)
    partner_id = row.get("partner_id") if per_couple and row.get("couple") else None
    return {
        "number": number,
        "kind": "invoice",
        "contact_id": contact_id,
        "partner_id": storage.parse_id(partner_id) if partner_id else None,
        "fee_type_id": fee_type_id,
        "run_id": run_id,
        "payer_name": payer_name(row, per_couple, language),
        "street": row.get("street"),
        "postal_code": row.get("postal_code"),
        "city": row.get("city"),
        "country": row.get("country"),
        "email": row.get("email"),
        "language": language,
        "delivery": delivery,
        "payer_kind": "organisation" if row.get("kind") == "organisation" else "person",
        # B3: the payer's e-invoice address and operator (contact fields) for an e-invoice's delivery
        # (the keys always there: a page's rows go in one INSERT, whose columns are the first row's)
        "einvoice_address": row.get("einvoice_address") if delivery == "einvoice" else None,
        "einvoice_operator": row.get("einvoice_operator") if delivery == "einvoice" else None,
        "invoice_date": invoice_date,
        "due_date": due_date or invoice_date + timedelta(days=settings.payment_days),
        "reference": reference,
        "rf_reference": references.rf(reference),
        **rules.totals_of(lines),
    }


# what a credit note takes over from the invoice it cancels: whom it is for, and the payer as invoiced
CREDIT_NOTE_COPIES = (
    "contact_id",
    "partner_id",
    "fee_type_id",
    *views.PERSONAL_FIELDS,
    "language",
    "delivery",
    "payer_kind",
)


def credit(session, settings, original, lines, credit_date):
    """The credit note of ``original`` (locked by the caller): its own number and reference, the lines
    negated, a reference to the original; the original becomes ``credited`` (never deleted)."""
    number = storage.take_number(session, SERIES, settings.first_number)
    negated = rules.credit_lines(lines)
    values = {
        **{key: original[key] for key in CREDIT_NOTE_COPIES},
        "number": number,
        "kind": "credit_note",
        "credited_invoice_id": original["id"],
        "status": "credited",
        "invoice_date": credit_date,
        "due_date": credit_date,
        "reference": None,  # nothing is paid to a credit note
        "rf_reference": None,
        **rules.totals_of(negated),
    }
    note = storage.insert_invoice(session, values, negated)
    storage.set_status(session, original["id"], "credited")
    return note


def _references(session, settings, numbers, contact_ids):
    """The national references of the invoices ``numbers`` for ``contact_ids`` (the same order): of the
    invoice number, or of the payer's number and sequence (the "payer" scheme, one look for a page)."""
    if settings.reference_scheme == "payer":
        sequences = storage.payer_sequences(session, contact_ids)
        return [
            references.national(references.base_for("payer", number, payer_number, sequence))
            for number, (payer_number, sequence) in zip(numbers, sequences, strict=True)
        ]
    return [references.national(references.base_for("invoice", number, None, None)) for number in numbers]
