"""VAT rates as a dated table (B1): each VAT class has rates with the day they took effect, so an
invoice uses the rate of its date. The built-in rows (migration 0001) are the Finnish rates:

- ``general``: 24 % from 2013-01-01; 25.5 % from 2024-09-01 (vero.fi "The general VAT rate is 25.5%
  starting 1 September 2024").
- ``reduced_food`` (groceries, restaurant and catering): 14 % from 2013-01-01; 13.5 % from 2026-01-01.
- ``reduced_culture`` (books, medicines, passenger transport, accommodation, sports services, cultural
  and entertainment events): 10 % from 2013-01-01; 14 % from 2025-01-01 (vero.fi "Changes to VAT rates
  as of 1 January 2025"); 13.5 % from 2026-01-01 (Act amending AVL 85 §, the 2026 budget).
- ``reduced_press`` (newspapers and magazines): 10 %, unchanged.
- ``none``: 0 %, outside the scope of VAT (a non-profit's membership fee is not consideration for a
  service: KHO:2014:39, KHO:2011:75; formats.md §5), with the note AVL 1 §.
"""

from datetime import date
from decimal import Decimal

BUILTIN_RATES = (
    ("general", Decimal("24.00"), date(2013, 1, 1)),
    ("general", Decimal("25.50"), date(2024, 9, 1)),
    ("reduced_food", Decimal("14.00"), date(2013, 1, 1)),
    ("reduced_food", Decimal("13.50"), date(2026, 1, 1)),
    ("reduced_culture", Decimal("10.00"), date(2013, 1, 1)),
    ("reduced_culture", Decimal("14.00"), date(2025, 1, 1)),
    ("reduced_culture", Decimal("13.50"), date(2026, 1, 1)),
    ("reduced_press", Decimal("10.00"), date(2013, 1, 1)),
    ("none", Decimal("0.00"), date(2000, 1, 1)),
)
CLASSES = ("general", "reduced_food", "reduced_culture", "reduced_press", "none")


class NoRate(LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def rate_on(rates: list[tuple[str, Decimal, date]], vat_class: str, day: date) -> Decimal:
    """The rate of ``vat_class`` on ``day``: the one that took effect last on or before it."""
    if vat_class not in {row[0] for row in rates}:
        raise NoRate("billing.vat_class_unknown")
    valid = [(starts, rate) for name, rate, starts in rates if name == vat_class and starts <= day]
    if not valid:
        raise NoRate("billing.vat_rate_missing")
    return max(valid)[1]
