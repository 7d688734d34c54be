"""Reminder e-invoices tried again (B4): a reminder whose Finvoice the operator did not take (away, a 5xx, an
answer outside the protocol: delivery.einvoice_channel's ``retry``) stays failed with the operator's code
and gets a next try, the wait doubling from BILLING_REMINDER_RETRY_SECONDS (rules.retry_delay) up to
BILLING_REMINDER_RETRY_ATTEMPTS tries in all (settings.py checks both at start); then it stays failed, for
a person to print it from the invoice page. A refusal by the operator (the message or the address is
wrong) is not tried again: it would be refused again. The billing service's timer (reminders/retry_rpc.py)
makes the tries that are due, each in its own transaction under the reminder's row lock (an instance
trying it now is skipped), and stops the round when the operator is still away."""

from datetime import timedelta

from services.billing.reminders import rules, storage


def record_attempt(session, reminder, outcome, settings, now):
    """After an e-invoice try of ``reminder``: count it and set when the next one is due (a failure worth
    retrying and tries left), or no next try (delivered, refused, or the last try made). Returns the
    next try's time or None."""
    if reminder["delivery"] != "einvoice":
        return None
    attempts = (reminder.get("delivery_attempts") or 0) + 1
    next_at = None
    if outcome.status == "failed" and outcome.retry:
        delay = rules.retry_delay(attempts, settings.retry_seconds, settings.retry_attempts)
        next_at = now + timedelta(seconds=delay) if delay is not None else None
    storage.attempted(session, reminder["id"], attempts, next_at)
    return next_at


def retry_due(db, settings, now, attempt, limit=50):
    """Try each due reminder e-invoice once (at most ``limit``), each in its own transaction holding the
    reminder's lock: ``attempt(session, reminder, invoice) -> Outcome`` delivers it. {"sent", "failed",
    "given_up"} counts; the round ends at the first try the operator is still away for."""
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    for _ in range(limit):
        with db.transaction() as session:
            found = storage.due_retries(session, now, limit=1)
            if not found:
                break
            reminder = found[0]
            invoice = storage.invoices_by_id(session, [reminder["invoice_id"]])[reminder["invoice_id"]]
            outcome = attempt(session, reminder, invoice)
            storage.delivered(session, reminder["id"], outcome.status, outcome.detail, outcome.channel)
            next_at = record_attempt(session, reminder, outcome, settings, now)
        if outcome.status == "sent":
            counts["sent"] += 1
            continue
        counts["failed" if next_at else "given_up"] += 1
        if outcome.retry:
            break  # the operator is still away: the next round tries the rest
    return counts
