"""One clock for every date rule: "now" (aware UTC, for storage) and "today" in the organisation's time zone.

A membership that ends "today", a round birthday, a status, a retention period, a data scope and an age
filter all mean a day in the organisation's time zone (``PIIRI_TIMEZONE``, default Europe/Helsinki),
never the server's date: a container runs in UTC, where the Finnish day starts two or three hours late.
PostgreSQL's ``CURRENT_DATE`` follows the session's time zone, so SQL takes its day from ``today()`` as a
bound parameter. Timestamps for storage stay UTC (``now()``).
"""

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Date, bindparam
from sqlalchemy.sql.elements import BindParameter

DEFAULT_TIMEZONE = "Europe/Helsinki"
ENVIRONMENT_VARIABLE = "PIIRI_TIMEZONE"

_configured: str | None = None


class UnknownTimeZone(ValueError):
    """The configured time zone is not an IANA name this machine knows (or tzdata is missing)."""


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(
            f"time zone {name!r} ({ENVIRONMENT_VARIABLE}) is unknown: use an IANA name such as "
            f"{DEFAULT_TIMEZONE} and make sure tzdata is installed"
        ) from None


def configure(name: str | None) -> None:
    """Use the deployment's TIMEZONE (deploy/*.yml); ``None`` or empty: ``PIIRI_TIMEZONE`` or the default.

    Raises UnknownTimeZone at start-up rather than answering with another country's day later."""
    global _configured
    name = str(name).strip() if name else None
    if name:
        _zone(name)
    _configured = name or None


def timezone_name() -> str:
    """The organisation's time zone name: configured, else ``PIIRI_TIMEZONE``, else Europe/Helsinki."""
    return _configured or os.environ.get(ENVIRONMENT_VARIABLE, "").strip() or DEFAULT_TIMEZONE


def timezone() -> tzinfo:
    """The organisation's time zone."""
    return _zone(timezone_name())


def now() -> datetime:
    """This moment, aware, in UTC (what is stored)."""
    return datetime.now(UTC)


def local_now() -> datetime:
    """This moment, aware, in the organisation's time zone (what people read)."""
    return now().astimezone(timezone())


def today() -> date:
    """Today in the organisation's time zone: the day every date rule means."""
    return local_now().date()


def local_date(moment: datetime) -> date:
    """The organisation's day on which an aware timestamp falls."""
    if moment.tzinfo is None:
        raise ValueError("local_date needs an aware timestamp")
    return moment.astimezone(timezone()).date()


def start_of_day(day: date) -> datetime:
    """The first moment of ``day`` in the organisation's time zone, as an aware UTC timestamp."""
    return datetime.combine(day, time(0), tzinfo=timezone()).astimezone(UTC)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """``day`` in the organisation's time zone as UTC bounds [start, end) for a timestamp query.

    Not always 24 hours: the days that daylight saving time starts or ends are 23 and 25 hours long."""
    return start_of_day(day), start_of_day(day + timedelta(days=1))


def sql_today() -> BindParameter[date]:
    """Today (``today()``) as a bound SQL parameter, read when the statement runs, not when it is built.

    Use it wherever SQL would say ``CURRENT_DATE``: PostgreSQL's date follows the session's time zone,
    not the organisation's. A module-level query built with it still gets each execution's day."""
    return bindparam("today", callable_=today, type_=Date, unique=True)
