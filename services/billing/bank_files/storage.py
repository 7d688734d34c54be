"""SQL of bank files and payments (B4): a file's new payments inserted once per archive id, the unmatched
queue, and suggestions for matching one by hand."""

from sqlalchemy import Text, any_, bindparam, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from services.billing.models import bank_files, invoices, payments


def insert_file(session, values):
    return dict(
        session.execute(insert(bank_files).values(**values).returning(*bank_files.c)).mappings().one()
    )


def lock_bank_imports(session):
    """One bank file at a time (until this transaction ends): a file's new payments are those whose archive
    ids are not recorded yet, and two files carrying the same payment must not both count it."""
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext('piiri.billing.bank_file_import'))"))


def recorded_archive_ids(session, archive_ids):
    """Those of ``archive_ids`` already recorded (by an earlier file)."""
    if not archive_ids:
        return set()
    wanted = bindparam("archive_ids", sorted(set(archive_ids)), type_=ARRAY(Text))
    return set(
        session.execute(select(payments.c.archive_id).where(payments.c.archive_id == any_(wanted))).scalars()
    )


PAYMENT_COLUMNS = (
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
)


def copy_payments(session, rows):
    """A file's new payments, matched or not (matching.match_file), in one COPY; matched_at is now."""
    if not rows:
        return
    cursor = session.connection().connection.driver_connection.cursor()
    columns = ", ".join(PAYMENT_COLUMNS)
    with cursor.copy(f"COPY payments ({columns}, matched_at) FROM STDIN") as copy:
        for row in rows:
            matched_at = "now" if row["status"] == "matched" else None
            copy.write_row([row.get(column) for column in PAYMENT_COLUMNS] + [matched_at])


def set_file_counts(session, file_id, new, duplicate):
    session.execute(
        update(bank_files)
        .where(bank_files.c.id == file_id)
        .values(payments_new=new, payments_duplicate=duplicate)
    )


def matched(session, payment_id, invoice_id, matched_by):
    session.execute(
        update(payments)
        .where(payments.c.id == payment_id)
        .values(
            status="matched",
            invoice_id=invoice_id,
            matched_by=matched_by,
            matched_at=func.now(),
            unmatched_reason=None,
        )
    )


def set_unmatched_reason(session, payment_id, reason):
    session.execute(update(payments).where(payments.c.id == payment_id).values(unmatched_reason=reason))


def get(session, payment_id, lock=False):
    query = select(payments).where(payments.c.id == payment_id)
    row = session.execute(query.with_for_update() if lock else query).mappings().first()
    return dict(row) if row else None


def list_payments(session, status=None, invoice_id=None, limit=100):
    query = select(payments).order_by(payments.c.booked_on.desc(), payments.c.created_at.desc()).limit(limit)
    if status:
        query = query.where(payments.c.status == status)
    if invoice_id:
        query = query.where(payments.c.invoice_id == invoice_id)
    return [dict(row) for row in session.execute(query).mappings()]


def suggestions(session, payment, limit=5):
    """Open invoices a person might match the payment to, each with why: the open amount equals the
    payment ("amount"), the invoice's payer has the payer's name ("payer_name"), or an earlier payment
    from the same IBAN went to the payer ("payer_iban")."""
    open_ = invoices.c.status.in_(("open", "partly_paid"))
    # what is owed: the total and any reminder fees and interest (B4), less what was paid
    remaining = (
        invoices.c.total + invoices.c.reminder_fees + invoices.c.reminder_interest - invoices.c.paid_amount
    )
    found = {}

    def add(rows, reason):
        for row in rows.mappings():
            entry = found.setdefault(row["id"], {**dict(row), "reasons": []})
            entry["reasons"].append(reason)

    columns = (
        invoices.c.id,
        invoices.c.number,
        invoices.c.payer_name,
        invoices.c.total,
        invoices.c.paid_amount,
        invoices.c.reminder_fees,
        invoices.c.reminder_interest,
        invoices.c.due_date,
        invoices.c.contact_id,
    )
    add(
        session.execute(
            select(*columns)
            .where(open_, remaining == payment["amount"])
            .order_by(invoices.c.due_date)
            .limit(limit)
        ),
        "amount",
    )
    if payment.get("payer_name"):
        add(
            session.execute(
                select(*columns)
                .where(open_, func.lower(invoices.c.payer_name) == payment["payer_name"].lower())
                .limit(limit)
            ),
            "payer_name",
        )
    if payment.get("payer_iban"):
        earlier = (
            select(invoices.c.contact_id)
            .join(payments, payments.c.invoice_id == invoices.c.id)
            .where(payments.c.payer_iban == payment["payer_iban"], invoices.c.contact_id.is_not(None))
        )
        add(
            session.execute(select(*columns).where(open_, invoices.c.contact_id.in_(earlier)).limit(limit)),
            "payer_iban",
        )
    return sorted(found.values(), key=lambda entry: (-len(entry["reasons"]), entry["number"]))[:limit]
