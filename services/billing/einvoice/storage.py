"""SQL of the e-invoice sendings (models.einvoice_sendings)."""

from sqlalchemy import func, insert, select, update

from services.billing.models import einvoice_sendings, invoices

PENDING_BATCH = 100


SENDING_LOCK = 0x45494E56  # "EINV": the advisory-lock class of one invoice's sendings


def lock_sending(session, invoice_id):
    """Hold the invoice's sending lock until the transaction ends (one send of an invoice at a time)."""
    session.execute(select(func.pg_advisory_xact_lock(SENDING_LOCK, func.hashtext(str(invoice_id)))))


def record(session, values):
    row = session.execute(insert(einvoice_sendings).values(**values).returning(einvoice_sendings)).mappings()
    return dict(row.one())


def of_invoice(session, invoice_id):
    """The invoice's sendings, newest first."""
    rows = session.execute(
        select(einvoice_sendings)
        .where(einvoice_sendings.c.invoice_id == invoice_id)
        .order_by(einvoice_sendings.c.sent_at.desc())
    ).mappings()
    return [dict(row) for row in rows]


def of_invoices(session, invoice_ids):
    if not invoice_ids:
        return []
    rows = session.execute(
        select(einvoice_sendings)
        .where(einvoice_sendings.c.invoice_id.in_(invoice_ids))
        .order_by(einvoice_sendings.c.sent_at)
    ).mappings()
    return [dict(row) for row in rows]


def pending(session, invoice_id=None, limit=PENDING_BATCH):
    """Sendings the operator took and has not yet delivered or rejected (oldest first)."""
    query = select(einvoice_sendings).where(einvoice_sendings.c.status == "accepted")
    if invoice_id is not None:
        query = query.where(einvoice_sendings.c.invoice_id == invoice_id)
    rows = session.execute(query.order_by(einvoice_sendings.c.sent_at).limit(limit)).mappings()
    return [dict(row) for row in rows]


def set_outcome(session, sending_id, status, reason):
    session.execute(
        update(einvoice_sendings)
        .where(einvoice_sendings.c.id == sending_id, einvoice_sendings.c.status == "accepted")
        .values(status=status, reason=reason, updated_at=func.now())
    )


def forget_addresses(session, invoice_ids):
    """Erasure: the buyer's e-invoice address goes; the fact of the sending stays with the invoice."""
    if not invoice_ids:
        return 0
    return session.execute(
        update(einvoice_sendings)
        .where(
            einvoice_sendings.c.invoice_id.in_(invoice_ids), einvoice_sendings.c.to_identifier.is_not(None)
        )
        .values(to_identifier=None)
        .returning(einvoice_sendings.c.id)
    ).rowcount


def unsent_of_run(session, run_id):
    """The run's e-invoices (delivery einvoice, with an address) with no sending but a rejected one."""
    sent = select(einvoice_sendings.c.invoice_id).where(
        einvoice_sendings.c.invoice_id == invoices.c.id, einvoice_sendings.c.status != "rejected"
    )
    rows = session.execute(
        select(invoices.c.id, invoices.c.einvoice_address, invoices.c.einvoice_operator)
        .where(
            invoices.c.run_id == run_id,
            invoices.c.delivery == "einvoice",
            invoices.c.einvoice_address.is_not(None),
            invoices.c.einvoice_operator.is_not(None),
            ~sent.exists(),
        )
        .order_by(invoices.c.number)
    ).mappings()
    return [dict(row) for row in rows]
