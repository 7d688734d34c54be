"""SQL of reminders (B4): the reference-rate table, the overdue invoices a run walks (by number, after its
cursor), reminders (one per invoice and level: inserted ON CONFLICT DO NOTHING), their delivery, the
reminder runs (claimed by one worker, progress committed with each batch) and the collection list."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.billing.models import einvoice_sendings, invoices, reference_rates, reminder_runs, reminders

BATCH = 200


def rates(session):
    """{half-year start: reference rate} of the table."""
    return {row.valid_from: Decimal(row.rate) for row in session.execute(select(reference_rates))}


def list_rates(session):
    rows = session.execute(select(reference_rates).order_by(reference_rates.c.valid_from.desc()))
    return [dict(row) for row in rows.mappings()]


def put_rate(session, valid_from, rate):
    """Add a half-year's rate; a built-in one is not changed (returns None then)."""
    statement = (
        pg_insert(reference_rates)
        .values(valid_from=valid_from, rate=rate)
        .on_conflict_do_update(
            index_elements=[reference_rates.c.valid_from],
            set_={"rate": rate},
            where=reference_rates.c.builtin.is_(False),
        )
        .returning(*reference_rates.c)
    )
    row = session.execute(statement).mappings().first()
    return dict(row) if row else None


def candidates(session, on, after_number, limit=BATCH):
    """Invoices due before ``on`` and still owed, or those in the reminder process that were paid or
    credited since, numbered after ``after_number``, by number."""
    reminded = select(reminders.c.invoice_id).where(reminders.c.invoice_id == invoices.c.id).exists()
    query = (
        select(invoices)
        .where(
            invoices.c.kind == "invoice",
            invoices.c.due_date < on,
            or_(invoices.c.status.in_(("open", "partly_paid")), reminded),
        )
        .order_by(invoices.c.number)
        .limit(limit)
    )
    if after_number is not None:
        query = query.where(invoices.c.number > after_number)
    return [dict(row) for row in session.execute(query).mappings()]


def of_invoices(session, invoice_ids):
    """{invoice id: [reminders oldest first]}."""
    found: dict = {key: [] for key in invoice_ids}
    if not invoice_ids:
        return found
    rows = session.execute(
        select(reminders).where(reminders.c.invoice_id.in_(invoice_ids)).order_by(reminders.c.level)
    )
    for row in rows.mappings():
        found[row["invoice_id"]].append(dict(row))
    return found


def einvoice_addresses(session, invoice_ids):
    """{invoice id: (to_identifier, to_intermediator)} of invoices last e-invoiced (accepted/delivered)."""
    if not invoice_ids:
        return {}
    rows = session.execute(
        select(
            einvoice_sendings.c.invoice_id,
            einvoice_sendings.c.to_identifier,
            einvoice_sendings.c.to_intermediator,
        )
        .where(
            einvoice_sendings.c.invoice_id.in_(invoice_ids),
            einvoice_sendings.c.status != "rejected",
            einvoice_sendings.c.to_identifier.is_not(None),
        )
        .order_by(einvoice_sendings.c.sent_at)
    )
    return {row.invoice_id: (row.to_identifier, row.to_intermediator) for row in rows}


def insert_reminder(session, values):
    """The reminder, or None when the invoice already has one at this level (a repeated or resumed run)."""
    statement = (
        pg_insert(reminders)
        .values(**values)
        .on_conflict_do_nothing(constraint="reminders_one_per_level")
        .returning(*reminders.c)
    )
    row = session.execute(statement).mappings().first()
    if row is None:
        return None
    session.execute(
        update(invoices)
        .where(invoices.c.id == values["invoice_id"])
        .values(
            reminder_fees=invoices.c.reminder_fees + values["fee"],
            reminder_interest=invoices.c.reminder_interest + values["interest"],
        )
    )
    return dict(row)


def get(session, reminder_id):
    row = session.execute(select(reminders).where(reminders.c.id == reminder_id)).mappings().first()
    return dict(row) if row else None


def of_invoice(session, invoice_id):
    rows = session.execute(
        select(reminders).where(reminders.c.invoice_id == invoice_id).order_by(reminders.c.level)
    )
    return [dict(row) for row in rows.mappings()]


def pending(session, run_id=None, limit=BATCH):
    query = select(reminders).where(reminders.c.delivery_status == "pending").order_by(reminders.c.created_at)
    if run_id is not None:
        query = query.where(reminders.c.run_id == run_id)
    return [dict(row) for row in session.execute(query.limit(limit)).mappings()]


def delivered(session, reminder_id, status, detail=None, channel=None):
    """Record a reminder's delivery (``channel``: the one it went by when not its own: e-mail's fallback
    to print)."""
    values = {"delivery_status": status, "delivery_detail": detail, "delivered_at": func.now()}
    if channel:
        values["delivery"] = channel
    session.execute(update(reminders).where(reminders.c.id == reminder_id).values(**values))


def attempted(session, reminder_id, attempts, next_attempt_at):
    """After a try of its e-invoice: the tries so far and when the next is due (None: no more tries)."""
    session.execute(
        update(reminders)
        .where(reminders.c.id == reminder_id)
        .values(delivery_attempts=attempts, next_attempt_at=next_attempt_at)
    )


def due_retries(session, now, limit=BATCH):
    """Failed reminder e-invoices whose next try is due (oldest due first), locked for this caller; ones
    another instance is trying now are skipped."""
    query = (
        select(reminders)
        .where(reminders.c.next_attempt_at.is_not(None), reminders.c.next_attempt_at <= now)
        .where(reminders.c.delivery_status == "failed", reminders.c.delivery == "einvoice")
        .order_by(reminders.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [dict(row) for row in session.execute(query).mappings()]


def set_hold(session, invoice_id, on_hold):
    row = (
        session.execute(
            update(invoices).where(invoices.c.id == invoice_id).values(on_hold=on_hold).returning(*invoices.c)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def collection(session, on, collection_days, last_level, limit=500, offset=0):
    """Invoices whose last-level reminder's due date passed ``collection_days`` ago, still owed and not on
    hold, with that reminder: [(invoice, reminder)], total count."""
    last = reminders.alias("last")
    condition = and_(
        invoices.c.kind == "invoice",
        invoices.c.status.in_(("open", "partly_paid")),
        invoices.c.on_hold.is_(False),
        last.c.level >= last_level,
        last.c.due_date <= on - timedelta(days=collection_days),
    )
    joined = invoices.join(last, last.c.invoice_id == invoices.c.id)
    total = session.execute(select(func.count()).select_from(joined).where(condition)).scalar_one()
    rows = session.execute(
        select(invoices, *[column.label(f"r_{column.name}") for column in last.c])
        .select_from(joined)
        .where(condition)
        .order_by(invoices.c.due_date, invoices.c.number)
        .limit(limit)
        .offset(offset)
    ).mappings()
    found = []
    for row in rows:
        invoice = {key: row[key] for key in invoices.c.keys()}
        reminder = {key[2:]: row[key] for key in row.keys() if key.startswith("r_")}
        found.append((invoice, reminder))
    return found, total


# --- runs --------------------------------------------------------------------------------------------


def insert_run(session, values):
    return dict(
        session.execute(insert(reminder_runs).values(**values).returning(*reminder_runs.c)).mappings().one()
    )


def get_run(session, run_id):
    row = session.execute(select(reminder_runs).where(reminder_runs.c.id == run_id)).mappings().first()
    return dict(row) if row else None


def einvoices_of_run(session, run_id):
    """B4: where the run's reminder e-invoices stand (counts only, no payer): {"sent", "waiting" (not
    offered yet), "retrying" (the operator was away: a next try is due at "next_attempt_at", the
    earliest), "failed" (refused, or given up after the last try)}; None when the run made none."""
    r = reminders.c
    failed = r.delivery_status == "failed"
    row = session.execute(
        select(
            func.count(),
            func.count().filter(r.delivery_status == "sent"),
            func.count().filter(r.delivery_status.in_(("pending", "ready"))),
            func.count().filter(failed, r.next_attempt_at.isnot(None)),
            func.count().filter(failed, r.next_attempt_at.is_(None)),
            func.min(r.next_attempt_at),
        ).where(r.run_id == run_id, r.delivery == "einvoice")
    ).one()
    if not row[0]:
        return None
    return {
        "sent": row[1],
        "waiting": row[2],
        "retrying": row[3],
        "failed": row[4],
        "next_attempt_at": row[5],
    }


def list_runs(session, limit=50):
    rows = session.execute(select(reminder_runs).order_by(reminder_runs.c.created_at.desc()).limit(limit))
    return [dict(row) for row in rows.mappings()]


def claim(session, run_id, stale_seconds):
    """Take a queued run, or a running one whose worker stopped beating; None if done, failed or live."""
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    row = (
        session.execute(
            update(reminder_runs)
            .where(
                reminder_runs.c.id == run_id,
                or_(
                    reminder_runs.c.status == "queued",
                    (reminder_runs.c.status == "running") & (reminder_runs.c.heartbeat_at < stale),
                ),
            )
            .values(
                status="running",
                attempts=reminder_runs.c.attempts + 1,
                heartbeat_at=func.now(),
                started_at=func.coalesce(reminder_runs.c.started_at, func.now()),
            )
            .returning(*reminder_runs.c)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def batch_done(session, run_id, cursor, created, total, excluded):
    """Record a batch: its reminders are in the same transaction."""
    counts = dict(
        session.execute(
            select(reminder_runs.c.excluded).where(reminder_runs.c.id == run_id).with_for_update()
        ).scalar_one()
        or {}
    )
    for reason, count in excluded.items():
        counts[reason] = counts.get(reason, 0) + count
    session.execute(
        update(reminder_runs)
        .where(reminder_runs.c.id == run_id)
        .values(
            cursor=cursor,
            reminders_created=reminder_runs.c.reminders_created + created,
            total=reminder_runs.c.total + total,
            excluded=counts,
            heartbeat_at=func.now(),
        )
    )


def beat(session, run_id):
    session.execute(update(reminder_runs).where(reminder_runs.c.id == run_id).values(heartbeat_at=func.now()))


def finish(session, run_id, status, error=None):
    session.execute(
        update(reminder_runs)
        .where(reminder_runs.c.id == run_id)
        .values(status=status, error=error, finished_at=func.now(), heartbeat_at=func.now())
    )


def stale_runs(session, stale_seconds):
    stale = func.now() - text(f"interval '{int(stale_seconds)} seconds'")
    rows = session.execute(
        select(reminder_runs.c.id).where(
            reminder_runs.c.status == "running", reminder_runs.c.heartbeat_at < stale
        )
    )
    return [row.id for row in rows]


def of_contact_invoices(session, invoice_ids):
    if not invoice_ids:
        return []
    rows = session.execute(
        select(reminders)
        .where(reminders.c.invoice_id.in_(invoice_ids))
        .order_by(reminders.c.invoice_id, reminders.c.level)
    )
    return [dict(row) for row in rows.mappings()]


def invoices_by_id(session, invoice_ids):
    rows = session.execute(select(invoices).where(invoices.c.id.in_(set(invoice_ids))))
    return {row["id"]: dict(row) for row in rows.mappings()}


def oldest_overdue(session, on):
    """The earliest due date of an invoice still owed and due before ``on`` (None: none)."""
    return session.execute(
        select(func.min(invoices.c.due_date)).where(
            invoices.c.kind == "invoice",
            invoices.c.status.in_(("open", "partly_paid")),
            invoices.c.due_date < on,
        )
    ).scalar_one()
