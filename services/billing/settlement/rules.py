"""The federation split (B1), pure: a settlement party's checked business id and IBAN, a fee type's
components (they sum exactly to the fee's amount), an invoice line's split among the parties, a payment's
shares, the settlement period, and the settlement report's figures.

The one rounding rule (docs/billing.md): cents are shared by the D'Hondt (Jefferson) divisor
method. Each party first gets the cents of its exact share rounded down; each cent left over goes, one at
a time, to the party with the highest weight / (cents so far + 1), the earlier party on a tie. The shares
sum exactly to the amount, no party ever gets less than its share rounded down, and a party's share never
shrinks when the amount grows, so a payment's shares (cumulative after it less cumulative before it) are
never negative, and an invoice paid in full gives every party exactly its part.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from stdnum import iban as ibans
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus

from services.billing.invoices import money

MAX_COMPONENTS = 10
OWN = None  # the key of the payee's own part: what no party shares (lines without components)
PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(0[1-9]|1[0-2])))?$")
ZERO = Decimal("0.00")


class BadSplit(ValueError):
    """``code``, ``field`` (e.g. ``components.1.amount``) and the ``params`` its text needs."""

    def __init__(self, code: str, field: str, **params: str) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def detail(self):
        """The field's error entry: the code, or {"code", "params"} when its text needs values."""
        return {"code": self.code, "params": self.params} if self.params else self.code


def business_id(value: object) -> str:
    """A Finnish business id (Y-tunnus) in its printed form "1234567-8", checked with python-stdnum."""
    try:
        return ytunnus.format(ytunnus.validate(str(value or "")))
    except StdnumError:
        raise BadSplit("billing.business_id_invalid", "business_id") from None


def party_iban(value: object) -> str | None:
    """An IBAN in machine form, checked (empty: none)."""
    if value in (None, ""):
        return None
    try:
        return ibans.validate(str(value))
    except StdnumError:
        raise BadSplit("billing.iban_invalid", "iban") from None


def check_components(amount: Decimal, components: object, known_parties: set[str]) -> list[dict]:
    """[{"party_id", "amount"}] of a fee type's components: each an active party once, a positive amount
    in cents, all of them summing exactly to ``amount`` (else billing.components_sum, naming both)."""
    if components in (None, []):
        return []
    if not isinstance(components, list) or len(components) > MAX_COMPONENTS:
        raise BadSplit("billing.components_invalid", "components")
    checked, seen = [], set()
    for position, component in enumerate(components):
        field = f"components.{position}"
        if not isinstance(component, dict):
            raise BadSplit("billing.components_invalid", field)
        party = str(component.get("party_id") or "")
        if party not in known_parties:
            raise BadSplit("billing.party_unknown", f"{field}.party_id")
        if party in seen:
            raise BadSplit("billing.party_twice", f"{field}.party_id")
        seen.add(party)
        try:
            share = money.parse(component.get("amount"))
        except money.BadAmount as exc:
            raise BadSplit(exc.code, f"{field}.amount") from None
        checked.append({"party_id": party, "amount": share})
    given = sum((item["amount"] for item in checked), ZERO)
    if given != amount:
        raise BadSplit(
            "billing.components_sum", "components", sum=money.text(given), amount=money.text(amount)
        )
    return checked


def allocate(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` shared in cents in proportion to ``weights`` (all >= 0) by the D'Hondt method (see
    the module's docstring); the shares sum exactly to ``amount``."""
    total = sum((money.cents(weight) for weight in weights), 0)
    cents = money.cents(amount)
    if total == 0 or cents == 0:
        return [ZERO for _ in weights]
    sign, cents = (-1, -cents) if cents < 0 else (1, cents)
    units = [money.cents(weight) for weight in weights]
    shares = [cents * unit // total for unit in units]
    for _ in range(cents - sum(shares)):
        best = max(range(len(units)), key=lambda i: (Fraction(units[i], shares[i] + 1), -i))
        shares[best] += 1
    return [Decimal(sign * share) / 100 for share in shares]


def line_split(gross: Decimal, components: list[dict]) -> list[dict]:
    """An invoice line's split: its gross shared in proportion to the components' amounts
    ([{"party_id", "party_name", "amount"}]); with no VAT the shares are the components themselves."""
    if not components:
        return []
    shares = allocate(gross, [Decimal(component["amount"]) for component in components])
    return [
        {"party_id": component["party_id"], "party_name": component["party_name"], "amount": share}
        for component, share in zip(components, shares, strict=True)
    ]


def with_fee_split(lines: list[dict], fee_type: dict | None) -> list[dict]:
    """The priced lines with the fee type's line (the first) split among the fee's parties."""
    if not fee_type or not fee_type.get("components") or not lines:
        return lines
    first = {**lines[0], "split": line_split(lines[0]["gross"], fee_type["components"])}
    return [first, *lines[1:]]


def parts_of(total: Decimal, splits: list[dict]) -> dict:
    """{party id or OWN: amount} of an invoice: its lines' splits summed per party, and what is left of
    the total (free lines, fees without components) as the payee's own part."""
    parts: dict = {}
    for split in splits:
        key = str(split["party_id"])
        parts[key] = parts.get(key, ZERO) + Decimal(split["amount"])
    own = Decimal(total) - sum(parts.values(), ZERO)
    if own:
        parts[OWN] = own
    return parts


def payment_shares(parts: dict, total: Decimal, paid_before: Decimal, amount: Decimal):
    """({party or OWN: share}, excess) of one payment on an invoice whose parts are ``parts``: the
    cumulative allocation of what is paid after it (at most the total) less that before it; what goes
    over the total is the payer's credit (``excess``), no party's."""
    keys = list(parts)
    weights = [parts[key] for key in keys]
    total = Decimal(total)
    before = min(max(paid_before, ZERO), total)
    after = min(max(paid_before + amount, ZERO), total)
    excess = amount - (after - before)
    was = allocate(before, weights)
    now = allocate(after, weights)
    return {key: now[i] - was[i] for i, key in enumerate(keys)}, excess


@dataclass(frozen=True)
class Period:
    text: str
    kind: str  # year | quarter | month
    start: date
    end: date  # the first day after the period


def period_of(value: object) -> Period:
    """ "2027" (a year), "2027-Q1" (a quarter) or "2027-03" (a month)."""
    found = PERIOD.match(str(value or "").strip())
    if not found:
        raise BadSplit("billing.period_invalid", "period")
    year, quarter, month = int(found.group(1)), found.group(2), found.group(3)
    if year < 2000 or year > 2999:
        raise BadSplit("billing.period_invalid", "period")
    if quarter:
        first = 3 * (int(quarter) - 1) + 1
        start, kind, months = date(year, first, 1), "quarter", 3
    elif month:
        start, kind, months = date(year, int(month), 1), "month", 1
    else:
        start, kind, months = date(year, 1, 1), "year", 12
    index = start.month - 1 + months
    end = date(year + index // 12, index % 12 + 1, 1)
    return Period(found.group(0), kind, start, end)


def report(period: Period, parties: list[dict], invoiced: dict, credited: dict, paid: dict, excess):
    """The settlement report: a row per party (and the payee's own part) with what was invoiced,
    credited and paid in the period and what is owed to it (its part of what was paid), and the totals.
    ``invoiced``/``credited``/``paid``: {party id or OWN: amount}."""
    names = {str(party["id"]): party for party in parties}
    keys = [str(party["id"]) for party in parties]
    keys += [key for key in (*invoiced, *credited, *paid) if key is not OWN and key not in keys]
    rows = [_row(key, names.get(key), invoiced, credited, paid) for key in keys]
    rows = [row for row in rows if row["active"] or any(row[f] != "0.00" for f in FIGURES)]
    own = _row(OWN, None, invoiced, credited, paid)
    totals = {name: money.text(sum((Decimal(row[name]) for row in [*rows, own]), ZERO)) for name in FIGURES}
    return {
        "period": period.text,
        "kind": period.kind,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "last_day": (period.end - timedelta(days=1)).isoformat(),
        "parties": rows,
        "own": own,
        "totals": totals,
        "overpaid": money.text(excess),
    }


FIGURES = ("invoiced", "credited", "paid", "owed")


def _row(key, party, invoiced, credited, paid):
    share = paid.get(key, ZERO)
    return {
        "party_id": key,
        "name": party["name"] if party else None,
        "business_id": party["business_id"] if party else None,
        "iban": party["iban"] if party else None,
        "active": bool(party and party["active"]),
        "invoiced": money.text(invoiced.get(key, ZERO)),
        "credited": money.text(-credited.get(key, ZERO)),
        "paid": money.text(share),
        "owed": money.text(share if key is not OWN else ZERO),
    }
