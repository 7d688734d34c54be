"""SQL of e-mail deliveries (models.email_deliveries): adding them, handing them over to the mailing
service (SKIP LOCKED: two billing instances never hand one over twice), following the mail's status, and
what the invoice and run pages show."""

import uuid

from sqlalchemy import func, insert, null, select, update

from services.billing.models import email_deliveries, invoices

HANDOVER_BATCH = 100
DELIVERY_LOCK = 0x454D4C53  # "EMLS": the advisory-lock class of one invoice's e-mailings


def lock_invoice(session, invoice_id):
    session.execute(select(func.pg_advisory_xact_lock(DELIVERY_LOCK, func.hashtext(str(invoice_id)))))


def add(session, values):
    row = session.execute(insert(email_deliveries).values(**values).returning(email_deliveries)).mappings()
    return dict(row.one())


def add_many(session, rows):
    if rows:
        session.execute(insert(email_deliveries), rows)


def get(session, delivery_id):
    row = session.execute(select(email_deliveries).where(email_deliveries.c.id == delivery_id)).mappings()
    found = row.first()
    return dict(found) if found else None


def of_invoices(session, invoice_ids, kinds=("invoice",)):
    """{invoice id: [deliveries, oldest first]}: the invoices' own mails (``kinds``: their documents' kinds,
    None for every kind: a reminder's mail names its invoice too)."""
    found = {}
    if not invoice_ids:
        return found
    query = select(email_deliveries).where(email_deliveries.c.invoice_id.in_(invoice_ids))
    if kinds is not None:
        query = query.where(email_deliveries.c.document_kind.in_(kinds))
    for row in session.execute(query.order_by(email_deliveries.c.queued_at)).mappings():
        found.setdefault(row["invoice_id"], []).append(dict(row))
    return found


def of_documents(session, kind, document_ids):
    """{document id: [deliveries, oldest first]} of documents of one kind (a reminder's mails)."""
    found = {}
    if not document_ids:
        return found
    rows = session.execute(
        select(email_deliveries)
        .where(email_deliveries.c.document_kind == kind, email_deliveries.c.document_id.in_(document_ids))
        .order_by(email_deliveries.c.queued_at)
    ).mappings()
    for row in rows:
        found.setdefault(row["document_id"], []).append(dict(row))
    return found


def claim_handover(session, limit=HANDOVER_BATCH):
    """Deliveries not yet handed to the mailing service, locked for this transaction."""
    rows = session.execute(
        select(email_deliveries)
        .where(email_deliveries.c.mail_id.is_(None), email_deliveries.c.status == "queued")
        .order_by(email_deliveries.c.queued_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).mappings()
    return [dict(row) for row in rows]


def handed_over(session, delivery_id, mail_id):
    """The mailing service has the mail: its id kept, the request (address, text) forgotten here."""
    session.execute(
        update(email_deliveries)
        .where(email_deliveries.c.id == delivery_id)
        .values(mail_id=mail_id, request=null(), updated_at=func.now())
    )


def fail(session, delivery_id, code):
    session.execute(
        update(email_deliveries)
        .where(email_deliveries.c.id == delivery_id, email_deliveries.c.status == "queued")
        .values(status="failed", code=code, request=null(), failed_at=func.now(), updated_at=func.now())
    )


def follow(session, delivery_id, mail_id, status, code, at):
    """A mail event's status on its delivery: sent, bounced or failed (a bounce after sent too). The
    delivery after, or None when nothing changed (a redelivered event)."""
    allowed = ("queued", "sent") if status == "bounced" else ("queued",)
    stamp = {"sent": "sent_at", "bounced": "bounced_at", "failed": "failed_at"}[status]
    row = (
        session.execute(
            update(email_deliveries)
            .where(email_deliveries.c.id == delivery_id, email_deliveries.c.status.in_(allowed))
            .values(
                status=status,
                code=code,
                mail_id=mail_id,
                request=null(),
                updated_at=func.now(),
                **{stamp: at},
            )
            .returning(email_deliveries)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


RUN_FIELDS = (
    invoices.c.id,
    invoices.c.number,
    invoices.c.kind,
    invoices.c.status,
    invoices.c.contact_id,
    invoices.c.partner_id,
    invoices.c.payer_name,
    invoices.c.email,
    invoices.c.language,
    invoices.c.delivery,
    invoices.c.erased_at,
)


def run_invoices(session, run_id):
    rows = session.execute(select(*RUN_FIELDS).where(invoices.c.run_id == run_id).order_by(invoices.c.number))
    return [dict(row._mapping) for row in rows]


def forget_requests(session, invoice_ids):
    """Erasure: a delivery not yet handed over is not sent (failed, billing.email_recipient_erased)."""
    if not invoice_ids:
        return 0
    return session.execute(
        update(email_deliveries)
        .where(email_deliveries.c.invoice_id.in_(invoice_ids), email_deliveries.c.request.is_not(None))
        .values(
            request=null(),
            status="failed",
            code="billing.email_recipient_erased",
            failed_at=func.now(),
            updated_at=func.now(),
        )
    ).rowcount


def store(session, actor, kind, document_id, invoice_id, request):
    """Store a new delivery of a document in ``session``'s transaction (the hand_over_emails timer gives it
    to the mailing service after commit): the delivery. Reminder runs (BillingWorker) call it too."""
    return add(session, delivery_row(actor, kind, document_id, invoice_id, request))


def delivery_row(actor, kind, document_id, invoice_id, request):
    """A new delivery's row: the mail's idempotency key and reference are the delivery's id."""
    delivery_id = uuid.uuid4()
    return {
        "id": delivery_id,
        "document_kind": kind,
        "document_id": document_id,
        "invoice_id": invoice_id,
        "request": {
            **request,
            "key": f"billing:email_delivery:{delivery_id}",
            "reference": {"kind": "billing_delivery", "id": str(delivery_id)},
        },
        "actor": actor.to_header(),
        "actor_username": actor.username,
    }
