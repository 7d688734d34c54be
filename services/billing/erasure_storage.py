"""SQL of the billing service's G3/G4 part: a person's invoices and payments, and their pseudonymisation.

Invoices and the payments on them are bookkeeping records the Accounting Act (kirjanpitolaki 2:10 §)
requires to keep (vouchers six years from the end of the financial year): an erasure keeps their numbers,
dates, references and amounts and replaces who they were for: the payer's name becomes a pseudonym,
the address and e-mail are removed, the contact ids are cut, and so are the payment's payer name and
IBAN. The payer number of the "payer" reference scheme is deleted (the references keep the digits)."""

from sqlalchemy import Text, delete, func, or_, select, update

from piiri import outbox as outbox_rows
from services.billing.einvoice import storage as einvoice_storage
from services.billing.email_delivery import storage as email_storage
from services.billing.invoice_pdfs import storage as pdf_storage
from services.billing.models import invoice_runs, invoices, payers, payments, reminders

PSEUDONYM = "—"  # what an erased payer's invoices are addressed to


def invoices_of(session, contact_id):
    rows = session.execute(
        select(invoices)
        .where(or_(invoices.c.contact_id == contact_id, invoices.c.partner_id == contact_id))
        .order_by(invoices.c.number)
    )
    return [dict(row) for row in rows.mappings()]


def payments_of(session, invoice_ids):
    if not invoice_ids:
        return []
    rows = session.execute(
        select(payments).where(payments.c.invoice_id.in_(invoice_ids)).order_by(payments.c.booked_on)
    )
    return [dict(row) for row in rows.mappings()]


def erase_contact(session, contact_id):
    """Pseudonymise the person on every invoice naming them (as payer or partner: a couple's invoice is
    addressed to both) and on the payments of those invoices; their stored PDFs (B2) are emptied and
    pending again. Idempotent; returns counts (and ``_pdf_runs``, the runs whose PDFs to queue again)."""
    runs = _cut_run_selections(session, contact_id)
    ids = [
        row.id
        for row in session.execute(
            select(invoices.c.id)
            .where(or_(invoices.c.contact_id == contact_id, invoices.c.partner_id == contact_id))
            .with_for_update()
        )
    ]
    if ids:
        session.execute(
            update(invoices)
            .where(invoices.c.id.in_(ids))
            .values(
                payer_name=PSEUDONYM,
                street=None,
                postal_code=None,
                city=None,
                country=None,
                email=None,
                einvoice_address=None,
                einvoice_operator=None,
                erased_at=func.now(),
            )
        )
        session.execute(update(invoices).where(invoices.c.contact_id == contact_id).values(contact_id=None))
        session.execute(update(invoices).where(invoices.c.partner_id == contact_id).values(partner_id=None))
    paid = (
        session.execute(
            update(payments)
            .where(payments.c.invoice_id.in_(ids))
            .values(payer_name=None, payer_iban=None, erased_at=func.now())
            .returning(payments.c.id)
        ).all()
        if ids
        else []
    )
    addresses = einvoice_storage.forget_addresses(session, ids)
    reminded = (
        session.execute(
            update(reminders)
            .where(reminders.c.invoice_id.in_(ids))
            .values(delivery_address=None, next_attempt_at=None)  # B4: no e-invoice retry either
            .returning(reminders.c.id)
        ).all()
        if ids
        else []
    )
    mails = email_storage.forget_requests(session, ids)
    pdf_runs, pdfs = pdf_storage.empty(session, ids)  # B2: made again from the pseudonymised invoice
    payer_rows = session.execute(
        delete(payers).where(payers.c.contact_id == contact_id).returning(payers.c.contact_id)
    ).all()
    return {
        "invoices_pseudonymised": len(ids),
        "payments_pseudonymised": len(paid),
        "payer_numbers_deleted": len(payer_rows),
        "run_selections_cut": runs,
        "einvoice_addresses_cleared": addresses,
        "reminders_pseudonymised": len(reminded),
        "email_deliveries_not_sent": mails,
        "stored_pdfs_emptied": pdfs,
        "_pdf_runs": pdf_runs,  # the runs whose PDFs to queue again (the caller pops it)
    }


def _cut_run_selections(session, contact_id):
    """The runs that invoiced the person, or whose selection names them (a list of ids, a search text),
    keep only their selection's kind: {"kind", "erased": true}."""
    invoiced = select(invoices.c.run_id).where(
        or_(invoices.c.contact_id == contact_id, invoices.c.partner_id == contact_id),
        invoices.c.run_id.is_not(None),
    )
    rows = session.execute(
        select(invoice_runs.c.id, invoice_runs.c.selection).where(
            or_(
                invoice_runs.c.id.in_(invoiced), invoice_runs.c.selection.cast(Text).contains(str(contact_id))
            )
        )
    ).all()
    for run_id, selection in rows:
        kind = (selection or {}).get("kind")
        session.execute(
            update(invoice_runs)
            .where(invoice_runs.c.id == run_id)
            .values(selection={"kind": kind, "erased": True})
        )
    return len(rows)


def delete_published_outbox(session, outbox, contact_id):
    """Published messages naming the person (invoice_paid events, audit records) go now, not
    OUTBOX_KEEP_SECONDS later."""
    return outbox_rows.forget_published(session, outbox, [contact_id])
