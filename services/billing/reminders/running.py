"""Reminder runs batch by batch (B4): the preview (which invoices get which level, fee, interest and total;
which are left out and why) and the run itself make the same decision (rules.py) on the same batches of
overdue invoices, by invoice number.

A run commits each batch's reminders with the run's cursor (the last invoice number done) and counts, so a
worker that dies loses at most that batch; the next resumes after the cursor. Reminders are unique per
(invoice, level), so a run started twice, or a batch done again, reminds nobody twice at one level. Each
reminder is delivered after its batch commits; a delivery cut short stays pending and is done on resume.
An e-invoice the operator did not take gets its next try scheduled (retrying.py); while it is away, the
batch's other e-invoices are not offered but scheduled the same way.
"""

from decimal import Decimal

from piiri import clock
from services.billing.email_delivery import rules as email_rules
from services.billing.invoices.views import PERSONAL_FIELDS
from services.billing.reminders import delivery, document, retrying, rules, storage, views

ZERO = Decimal("0.00")


def _payers(fetch_payers, batch):
    ids = sorted({str(invoice["contact_id"]) for invoice in batch if invoice.get("contact_id")})
    return fetch_payers(ids) if ids else {}


def _decisions(session, batch, payers, on, settings, rates):
    """[(invoice, Due and priced values, or None, reason or None)] of one batch."""
    found = storage.of_invoices(session, [invoice["id"] for invoice in batch])
    decided = []
    for invoice in batch:
        candidate = rules.Candidate(invoice, found.get(invoice["id"], []))
        payer = payers.get(str(invoice["contact_id"])) if invoice.get("contact_id") else None
        due, reason = rules.decide(candidate, on, settings.reminders, payer)
        if due is None:
            decided.append((invoice, None, reason))
            continue
        receivable = rules.receivable_of(_kind(invoice, payer))
        priced = rules.price(candidate, due, on, settings.reminders, rates, receivable)
        decided.append((invoice, {"due": due, "receivable": receivable, **priced}, None))
    return decided


def _kind(invoice, payer):
    """The payer's kind now (contacts) or as invoiced."""
    if payer and payer.get("kind") in ("person", "organisation"):
        return payer["kind"]
    return invoice.get("payer_kind")


def preview(session, fetch_payers, on, settings):
    """{"reminder_date", "count", "total", "fees", "interest", "items", "excluded", "excluded_invoices",
    "levels"}; the lists cut at 200, the counts whole. Raises rules.MissingRate."""
    rates = storage.rates(session)
    count, fees, interest, total = 0, ZERO, ZERO, ZERO
    items: list[dict] = []
    excluded: dict[str, int] = {}
    excluded_items: list[dict] = []
    cursor = None
    while True:
        batch = storage.candidates(session, on, cursor)
        session.rollback()
        if not batch:
            break
        payers = _payers(fetch_payers, batch)
        for invoice, priced, reason in _decisions(session, batch, payers, on, settings, rates):
            if priced is None:
                excluded[reason] = excluded.get(reason, 0) + 1
                if len(excluded_items) < rules.PREVIEW_LIST_LIMIT:
                    excluded_items.append(views.excluded_view(invoice, reason))
                continue
            count += 1
            fees += priced["fee"]
            interest += priced["interest"]
            total += priced["total"]
            if len(items) < rules.PREVIEW_LIST_LIMIT:
                items.append(views.planned_view(invoice, priced, on, settings.reminders))
        session.rollback()
        cursor = batch[-1]["number"]
    return {
        "reminder_date": on.isoformat(),
        "count": count,
        "fees": str(fees),
        "interest": str(interest),
        "total": str(total),
        "items": items,
        "excluded": excluded,
        "excluded_invoices": excluded_items,
        "levels": views.levels_view(settings.reminders),
    }


def run(db, settings, run_row, fetch_payers, context, beat=None, batch_size=storage.BATCH):
    """Remind from the run's cursor to the end, delivering each batch's reminders after its commit."""
    on = run_row["reminder_date"]
    deliver_pending(db, settings, context, run_row["id"])
    cursor = run_row["cursor"]
    while True:
        session = db.session
        rates = storage.rates(session)
        batch = storage.candidates(session, on, cursor, batch_size)
        session.rollback()
        if not batch:
            with db.transaction() as session:
                storage.finish(session, run_row["id"], "done")
            return
        payers = _payers(fetch_payers, batch)
        with db.transaction() as session:
            created, total, excluded = 0, ZERO, {}
            addresses = storage.einvoice_addresses(session, [invoice["id"] for invoice in batch])
            for invoice, priced, reason in _decisions(session, batch, payers, on, settings, rates):
                if priced is None:
                    excluded[reason] = excluded.get(reason, 0) + 1
                    continue
                values = views.reminder_values(invoice, priced, on, settings.reminders, run_row["id"])
                address = addresses.get(invoice["id"])
                values["delivery"] = delivery.channel_for(invoice, address)
                if address:
                    values["delivery_address"] = "|".join(address)
                if storage.insert_reminder(session, values) is not None:
                    created += 1
                    total += priced["total"]
            cursor = batch[-1]["number"]
            storage.batch_done(session, run_row["id"], cursor, created, total, excluded)
        deliver_pending(db, settings, context, run_row["id"])
        if beat:
            beat()


def deliver_pending(db, settings, context, run_id):
    """Deliver the run's reminders not delivered yet (after a batch, and first thing on resume): each in
    the transaction that records it delivered (an e-mail delivery is stored in it), so a worker that dies
    delivers none twice. Once the e-invoice operator did not take one (away), the call's other e-invoices
    are not offered (each would wait for the operator's timeout): failed the same way, with a next try.
    ``context``: {"config", "actor", "bounced": contact ids -> the flagged ones,
    "email_queued": (session, invoice) -> None (the audit entry), "einvoice_disclosed": (reminder, invoice,
    transmission) -> None (the audit of an e-invoice's disclosure, einvoice_disclosure)}."""
    context = context or {}
    away = False  # the e-invoice operator did not take one: the rest wait for their retry (retrying.py)
    while True:
        waiting = storage.pending(db.session, run_id)
        if not waiting:
            db.session.rollback()
            return
        invoices = storage.invoices_by_id(db.session, [row["invoice_id"] for row in waiting])
        db.session.rollback()
        flagged = _bounced(
            context, [invoices[row["invoice_id"]] for row in waiting if row["delivery"] == "email"]
        )
        for reminder in waiting:
            invoice = invoices[reminder["invoice_id"]]
            with db.transaction() as session:
                if away and reminder["delivery"] == "einvoice":  # not offered (no disclosure): later
                    outcome = delivery.Outcome("failed", "billing.einvoice_operator_unavailable", retry=True)
                else:
                    outcome = delivery.deliver(
                        made(reminder, invoice, settings, context),
                        payer_of(reminder, invoice, flagged),
                        {**context, "session": session},
                    )
                away = away or outcome.retry
                storage.delivered(session, reminder["id"], outcome.status, outcome.detail, outcome.channel)
                retrying.record_attempt(session, reminder, outcome, settings.reminders, clock.now())
                mailed = (
                    reminder["delivery"] == "email" and outcome.channel is None and outcome.status == "sent"
                )
                if mailed and context.get("email_queued"):
                    context["email_queued"](session, invoice)


def _bounced(context, invoices):
    """The payers among ``invoices`` whose address bounced (the mailing service's flag): {contact id}."""
    ids = sorted({str(invoice["contact_id"]) for invoice in invoices if invoice.get("contact_id")})
    if not ids or not context.get("bounced"):
        return set()
    return {str(key) for key in context["bounced"](ids)}


def made(reminder, invoice, settings, context):
    """The reminder as a deliverable document."""
    config = (context or {}).get("config") or {}
    return delivery.Document(
        kind="reminder",
        file_name=views.file_name(reminder, invoice),
        pdf=lambda: document.render(reminder, invoice, settings),
        finvoice=lambda transmission: document.finvoice_message(
            reminder, invoice, settings, config, transmission
        ),
        number=invoice["number"],
        id=reminder["id"],
        invoice_id=invoice["id"],
        mail=lambda: email_rules.reminder_mail(
            reminder, invoice, settings, views.file_name(reminder, invoice)
        ),
        disclose=(
            (lambda transmission: disclosed(reminder, invoice, transmission))
            if (disclosed := (context or {}).get("einvoice_disclosed"))
            else None
        ),
    )


def einvoice_disclosure(audit, actor, retry=False):
    """``(reminder, invoice, transmission) -> None``: the audit of a reminder e-invoice's disclosure of the
    payer's data to the operator (``reminder.einvoice_sent``, confirmed before the message leaves), the
    same for a run's first delivery (worker.py) and a later try (``retry``, retry_rpc.py)."""

    def disclosed(reminder, invoice, transmission):
        audit.read(
            actor,
            "reminder.einvoice_sent",
            "contact",
            views.subjects([invoice]),
            (*PERSONAL_FIELDS, "delivery_address"),
            {
                "number": invoice["number"],
                "level": reminder["level"],
                "operator": transmission.get("to_intermediator"),
                "retry": retry,
            },
        )

    return disclosed


def payer_of(reminder, invoice, flagged=frozenset()):
    address = (reminder.get("delivery_address") or "").split("|")
    einvoice = {"to_identifier": address[0], "to_intermediator": address[1]} if len(address) == 2 else {}
    return delivery.Payer(
        name=invoice["payer_name"],
        language=invoice["language"],
        delivery=reminder["delivery"],
        email=invoice.get("email"),
        einvoice=einvoice,
        email_refusal=(
            email_rules.reminder_refusal(invoice, str(invoice.get("contact_id")) in flagged)
            if reminder["delivery"] == "email"
            else None
        ),
    )
