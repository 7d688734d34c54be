"""When billing records may go (kirjanpitolaki 1336/1997, 2 luku 10 §): vouchers (invoices, credit notes,
payments, bank statements) are kept at least six years from the end of the calendar year in which the
financial period ended. So a record of a financial period that ended in year Y may be deleted from
1 January of Y + 7 on (with the default six years). BILLING_RETENTION_YEARS may lengthen the time, never
shorten it; BILLING_FINANCIAL_YEAR_END names the last day of the financial year (default 12-31)."""

from datetime import date

LEGAL_MINIMUM_YEARS = 6


def cutoff(today: date, years: int, year_end: tuple[int, int]) -> date:
    """The last day of the latest financial period whose records may be deleted on ``today``: every record
    dated on or before it belongs to a period that ended in a year at least ``years`` whole years ago."""
    month, day = year_end
    return date(today.year - years - 1, month, day)
