"""All SQL of billing retention: what is past the retention time, and deleting it in dependency order.

An invoice goes when it is dated on or before the cutoff and nothing dated after the cutoff still needs
it: no payment on it booked later, no credit note of it dated later. With it go its lines and their split
(cascade), its reminders, e-invoice sendings and e-mail deliveries, and its payments (booked on or before
the cutoff, as the first condition says). Unmatched payments booked on or before the cutoff go too; then
bank files, invoice runs and reminder runs left with nothing."""

from sqlalchemy import and_, delete, exists, func, not_, select

from services.billing.models import (
    bank_files,
    einvoice_sendings,
    email_deliveries,
    invoice_runs,
    invoices,
    payments,
    reminder_runs,
    reminders,
)

BATCH = 2000


def _deletable_invoices(cutoff):
    later_payment = exists().where(payments.c.invoice_id == invoices.c.id, payments.c.booked_on > cutoff)
    credit = invoices.alias("credit")
    later_credit = exists().where(
        credit.c.credited_invoice_id == invoices.c.id, credit.c.invoice_date > cutoff
    )
    return and_(invoices.c.invoice_date <= cutoff, not_(later_payment), not_(later_credit))


def _old_unmatched(cutoff):
    return and_(payments.c.invoice_id.is_(None), payments.c.booked_on <= cutoff)


def past_retention(session, cutoff):
    """How many invoices and unmatched payments may be deleted (counts only: no personal data)."""
    count = lambda condition, table: session.execute(  # noqa: E731
        select(func.count()).select_from(table).where(condition)
    ).scalar_one()
    return {
        "invoices": count(_deletable_invoices(cutoff), invoices),
        "unmatched_payments": count(_old_unmatched(cutoff), payments),
    }


def delete_batch(session, cutoff):
    """Delete up to BATCH invoices past retention with what belongs to them; (deleted counts, the payers'
    contact ids) of the batch. Credit notes go before the invoices they credit."""
    rows = session.execute(
        select(invoices.c.id, invoices.c.contact_id, invoices.c.partner_id)
        .where(_deletable_invoices(cutoff))
        # credit notes first ("credit_note" < "invoice"): a batch cut by its limit never holds an invoice
        # whose deletable credit note it left out (the note refers to it)
        .order_by(invoices.c.kind, invoices.c.id)
        .limit(BATCH)
        .with_for_update(skip_locked=True)
    ).all()
    ids = [row.id for row in rows]
    counts = {"invoices": 0, "payments": 0, "reminders": 0, "einvoice_sendings": 0, "email_deliveries": 0}
    if not ids:
        return counts, []
    for name, table in (
        ("email_deliveries", email_deliveries),
        ("reminders", reminders),
        ("einvoice_sendings", einvoice_sendings),
        ("payments", payments),
    ):
        counts[name] = session.execute(delete(table).where(table.c.invoice_id.in_(ids))).rowcount
    credit_notes = delete(invoices).where(invoices.c.id.in_(ids), invoices.c.credited_invoice_id.isnot(None))
    counts["invoices"] = session.execute(credit_notes).rowcount
    counts["invoices"] += session.execute(delete(invoices).where(invoices.c.id.in_(ids))).rowcount
    people = {key for row in rows for key in (row.contact_id, row.partner_id) if key}
    return counts, sorted(people, key=str)


def delete_leftovers(session, cutoff):
    """Unmatched payments booked on or before the cutoff, then bank files, invoice runs and reminder runs
    that nothing refers to any more and that are that old too."""
    unmatched = session.execute(delete(payments).where(_old_unmatched(cutoff))).rowcount
    files = session.execute(
        delete(bank_files).where(
            func.date(bank_files.c.uploaded_at) <= cutoff,
            not_(exists().where(payments.c.bank_file_id == bank_files.c.id)),
        )
    ).rowcount
    runs = session.execute(
        delete(invoice_runs).where(
            invoice_runs.c.invoice_date <= cutoff,
            not_(exists().where(invoices.c.run_id == invoice_runs.c.id)),
        )
    ).rowcount
    reminder_run_rows = session.execute(
        delete(reminder_runs).where(
            reminder_runs.c.reminder_date <= cutoff,
            not_(exists().where(reminders.c.run_id == reminder_runs.c.id)),
        )
    ).rowcount
    return {
        "unmatched_payments": unmatched,
        "bank_files": files,
        "invoice_runs": runs,
        "reminder_runs": reminder_run_rows,
    }
