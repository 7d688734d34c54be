"""Reminder rules (B4), pure: which level an overdue invoice is due for and why one is left out, the fee of a
level for a consumer or business receivable, late-payment interest from the dated reference-rate table
(actual/actual: each day at 1/365 of the yearly rate, 1/366 in a leap year; Decimal, rounded once, half up
to the cent) and how a payment is allocated (costs, then interest, then principal). The law behind each
rule: docs/reminders.md."""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.billing.settings import (
    B2B_COMPENSATION,
    CONSUMER_CHARGED_LIMIT,
    CONSUMER_FEE_DAYS,
    ReminderSettings,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Korkolaki 633/1982 4 § 1 mom.: reference rate + 7 points; 4 a § (payments under 30/2013): + 8 points.
MARGIN = {"consumer": Decimal(7), "business": Decimal(8)}
PREVIEW_LIST_LIMIT = 200


class MissingRate(ValueError):
    """No reference rate for a half-year the interest runs over (staff add it: the rate table)."""

    def __init__(self, half_year: date) -> None:
        super().__init__(half_year.isoformat())
        self.half_year = half_year


def receivable_of(payer_kind: str | None) -> str:
    """An organisation's invoice is a business receivable; a person's a consumer one (the stricter rules
    apply when the kind is unknown)."""
    return "business" if payer_kind == "organisation" else "consumer"


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def is_half_year_start(day: date) -> bool:
    return day.day == 1 and day.month in (1, 7)


@dataclass(frozen=True)
class InterestPart:
    start: date  # the first day of interest in this part
    end: date  # the last day (inclusive)
    days: int
    rate: Decimal  # the late-payment interest rate, percent a year
    amount: Decimal  # exact, not rounded


def interest_parts(principal: Decimal, start: date, end: date, rates: dict[date, Decimal], receivable: str):
    """The interest on ``principal`` for the days ``start``..``end`` (inclusive), split at each half-year
    (a new reference rate, Korkolaki 12 §): amount = principal x rate / 100 x days / days of that year
    (366 in a leap year; a part never spans two years), exact."""
    parts: list[InterestPart] = []
    if principal <= 0 or end < start:
        return parts
    day = start
    while day <= end:
        period = half_year_start(day)
        if period not in rates:
            raise MissingRate(period)
        following = date(period.year, 7, 1) if period.month == 1 else date(period.year + 1, 1, 1)
        last = min(end, following - timedelta(days=1))
        days = (last - day).days + 1
        rate = rates[period] + MARGIN[receivable]
        year_days = Decimal(366 if calendar.isleap(day.year) else 365)
        amount = principal * rate / Decimal(100) * Decimal(days) / year_days
        parts.append(InterestPart(day, last, days, rate, amount))
        day = last + timedelta(days=1)
    return parts


def rates_text(parts) -> str | None:
    """The yearly rate(s) applied, in order, each once: "9.50", or "10.50/10.00" across a half-year."""
    return "/".join(dict.fromkeys(str(part.rate.quantize(CENT)) for part in parts)) or None


def rounded(amount: Decimal) -> Decimal:
    """The one rounding of interest: the exact sum of its parts, half up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def interest(principal: Decimal, start: date, end: date, rates: dict[date, Decimal], receivable: str):
    """(interest rounded to the cent, its parts). Interest runs from the day after the due date (Korkolaki
    4 §: from the due date, the due date itself being the last day to pay) to the reminder's date."""
    parts = interest_parts(principal, start, end, rates, receivable)
    return rounded(sum((part.amount for part in parts), Decimal(0))), parts


def level_fee(settings: ReminderSettings, receivable: str, level: int, gap_days: int, charged_before: int):
    """The fee of reminder ``level`` (1-based) ``gap_days`` after the due date or the previous reminder.

    Consumer: the configured fee (at most 5 €, 513/1999 10 a §, checked at start-up) only for a reminder
    14 days or more after the due date or the previous reminder (10 b §), and for at most three reminders
    (Piiri's cap, docs/reminders.md).
    Business: the configured fee, or, with the 40 € compensation on, 40 € on the first reminder and nothing
    after it (10 e §: the compensation covers the creditor's own collection costs)."""
    if receivable == "business":
        if settings.business_compensation:
            return B2B_COMPENSATION if level == 1 else ZERO
        return settings.fee_business
    if gap_days < CONSUMER_FEE_DAYS or charged_before >= CONSUMER_CHARGED_LIMIT:
        return ZERO
    return settings.fee_consumer


@dataclass(frozen=True)
class Allocation:
    fees: Decimal
    interest: Decimal
    principal: Decimal
    over: Decimal  # paid beyond everything owed


def allocate(paid: Decimal, fees: Decimal, interest_owed: Decimal, principal: Decimal) -> Allocation:
    """What the payments so far paid: reminder costs first, then interest, then the principal (docs)."""
    left = max(paid, ZERO)
    to_fees = min(left, fees)
    left -= to_fees
    to_interest = min(left, interest_owed)
    left -= to_interest
    to_principal = min(left, principal)
    left -= to_principal
    return Allocation(to_fees, to_interest, to_principal, left)


@dataclass
class Candidate:
    """An overdue invoice as the run sees it, with its reminders so far (oldest first)."""

    invoice: dict
    reminders: list[dict]


@dataclass(frozen=True)
class Due:
    level: int
    gap_days: int  # days since the due date (level 1) or the previous reminder
    days_overdue: int


def decide(candidate: Candidate, on: date, settings: ReminderSettings, payer: dict | None):
    """(Due, None) when the invoice gets its next reminder ``on`` this day, else (None, reason).

    ``payer`` is the contacts service's row of the payer (None: erased or no longer a contact)."""
    invoice = candidate.invoice
    if invoice["status"] == "credited":
        return None, "credited"
    if invoice["status"] in ("paid", "overpaid"):
        return None, "paid"
    if invoice.get("erased_at") or invoice.get("contact_id") is None or payer is None:
        return None, "erased"
    if payer.get("deceased_on"):
        return None, "deceased"
    if invoice.get("on_hold"):
        return None, "on_hold"
    days_overdue = (on - invoice["due_date"]).days
    sent = len(candidate.reminders)
    if sent >= len(settings.levels):
        return None, "last_level_sent"
    since = candidate.reminders[-1]["reminder_date"] if sent else invoice["due_date"]
    gap = (on - since).days
    if gap < settings.levels[sent]:
        return None, "not_yet_overdue" if sent == 0 else "interval_not_passed"
    if sent and candidate.reminders[-1]["reminder_date"] == on:
        return None, "interval_not_passed"
    return Due(level=sent + 1, gap_days=gap, days_overdue=days_overdue), None


def new_due_date(on: date, settings: ReminderSettings) -> date:
    return on + timedelta(days=settings.payment_days)


def price(candidate: Candidate, due: Due, on: date, settings: ReminderSettings, rates, receivable: str):
    """{"fee", "interest", "interest_from", "interest_to", "principal_open", "fees_open", "interest_open",
    "total"} of the reminder: the open principal after the payments so far (allocated costs first), the
    level's fee, the interest on the open principal since the last day interest was charged to, and the
    new total to pay."""
    invoice = candidate.invoice
    fees_before = sum((Decimal(r["fee"]) for r in candidate.reminders), ZERO)
    interest_before = sum((Decimal(r["interest"]) for r in candidate.reminders), ZERO)
    paid = allocate(Decimal(invoice["paid_amount"]), fees_before, interest_before, Decimal(invoice["total"]))
    principal_open = Decimal(invoice["total"]) - paid.principal
    charged_before = sum(1 for r in candidate.reminders if Decimal(r["fee"]) > 0)
    fee = level_fee(settings, receivable, due.level, due.gap_days, charged_before)
    charged_to = [r["interest_to"] for r in candidate.reminders if r.get("interest_to")]
    start = (max(charged_to) if charged_to else invoice["due_date"]) + timedelta(days=1)
    parts: list[InterestPart] = []
    # Korkolaki 4 a § (+8 points) is for payments under 30/2013 only; otherwise 4 § (+7) for everyone.
    margin = receivable if settings.business_commercial else "consumer"
    if settings.interest:
        amount, parts = interest(principal_open, start, on, rates, margin)
    else:
        amount = ZERO
    fees_open = fees_before - paid.fees + fee
    interest_open = interest_before - paid.interest + amount
    return {
        "fee": fee,
        "interest": amount,
        "interest_from": start if settings.interest and amount > 0 else None,
        "interest_to": on if settings.interest and amount > 0 else None,
        "interest_rate": rates_text(parts) if amount > 0 else None,
        "principal_open": principal_open,
        "fees_open": fees_open,
        "interest_open": interest_open,
        "total": principal_open + fees_open + interest_open,
    }


RETRY_MAX_SECONDS = 6 * 3600  # the longest wait between two tries of a reminder e-invoice


def retry_delay(attempts: int, base_seconds: float, max_attempts: int):
    """Seconds until the next try of a reminder e-invoice that failed ``attempts`` times (the operator
    away), doubling from ``base_seconds`` (BILLING_REMINDER_RETRY_SECONDS, default 60) up to
    RETRY_MAX_SECONDS; None once ``max_attempts`` (BILLING_REMINDER_RETRY_ATTEMPTS, default 8: about 10
    hours in all) were made (the reminder stays failed, for a person to print or send)."""
    if attempts >= max_attempts:
        return None
    return min(base_seconds * 2 ** (attempts - 1), RETRY_MAX_SECONDS)
