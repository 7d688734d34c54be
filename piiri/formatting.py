"""Dates, times, numbers and money for people, by Babel, in a UI language (fi, sv, en) and in the
organisation's time zone (``piiri.clock``): the one place the gateway's pages and the services' documents
(the access-report PDF) format them (issue 11 item 5).

Finnish and Finland-Swedish write ``5.3.2025 klo 14.07`` / ``5.3.2025 kl. 14.07``; English keeps the
unambiguous ``2025-03-05 14:07``. A timestamp is shown in the organisation's time zone, never in UTC.
"""

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date as babel_date
from babel.dates import format_datetime as babel_datetime
from babel.numbers import format_currency, format_decimal

from piiri import clock

LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}
DATE_PATTERNS = {"fi": "d.M.y", "sv": "d.M.y", "en": "y-MM-dd"}
TIME_PATTERNS = {"fi": "'klo' H.mm", "sv": "'kl.' H.mm", "en": "HH:mm"}
SECONDS = {"fi": ".ss", "sv": ".ss", "en": ":ss"}


def locale_of(language: str | None) -> str:
    """The Babel locale of a UI language (Finnish for an unknown one)."""
    return LOCALES.get(language or "", LOCALES["fi"])


def _language(language: str | None) -> str:
    return language if language in LOCALES else "fi"


def parse_timestamp(value: object) -> datetime | date | None:
    """A datetime or date from itself or its ISO text; None for anything else."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
    except ValueError:
        return None


def local_datetime(value: datetime) -> datetime:
    """An aware timestamp in the organisation's time zone (a naive one is taken as it is)."""
    return value.astimezone(clock.timezone()) if value.tzinfo is not None else value


def format_date(value: object, language: str | None) -> str:
    """A date (or a timestamp's day in the organisation's time zone): '5.3.2025', '2025-03-05'."""
    parsed = parse_timestamp(value)
    if parsed is None:
        return "" if value is None else str(value)
    if isinstance(parsed, datetime):
        parsed = local_datetime(parsed).date() if parsed.tzinfo else parsed.date()
    lang = _language(language)
    return babel_date(parsed, DATE_PATTERNS[lang], locale=locale_of(lang))


def format_datetime(value: object, language: str | None, seconds: bool = False) -> str:
    """A timestamp in the organisation's time zone: '5.3.2025 klo 14.07', '5.3.2025 kl. 14.07',
    '2025-03-05 14:07' (with ``seconds``: '… 14.07.09'); a date alone as format_date."""
    parsed = parse_timestamp(value)
    if parsed is None:
        return "" if value is None else str(value)
    if not isinstance(parsed, datetime):
        return format_date(parsed, language)
    lang = _language(language)
    pattern = f"{DATE_PATTERNS[lang]} {TIME_PATTERNS[lang]}" + (SECONDS[lang] if seconds else "")
    return babel_datetime(local_datetime(parsed), pattern, locale=locale_of(lang))


def format_number(value: int | float | Decimal, language: str | None) -> str:
    """A number with the language's separators: '1 234,5' (fi, sv), '1,234.5' (en)."""
    return format_decimal(value, locale=locale_of(_language(language)))


def format_money(amount: int | float | Decimal, language: str | None, currency: str = "EUR") -> str:
    """An amount of money: '1 234,50 €' (fi, sv), '€1,234.50' (en)."""
    return format_currency(amount, currency, locale=locale_of(_language(language)))
