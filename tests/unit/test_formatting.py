"""piiri.formatting: dates, times, numbers and money by Babel in fi, sv and en, in the organisation's
time zone (PIIRI_TIMEZONE, default Europe/Helsinki), never in UTC (issue 11 item 5)."""

from datetime import UTC, date, datetime
from decimal import Decimal

from piiri import formatting

LATE_UTC = datetime(2026, 3, 4, 22, 30, 5, tzinfo=UTC)  # already 5 March in Helsinki


def test_a_timestamp_is_shown_in_the_organisations_time_zone_in_each_languages_format():
    assert formatting.format_datetime(LATE_UTC, "fi") == "5.3.2026 klo 0.30"
    assert formatting.format_datetime(LATE_UTC, "sv") == "5.3.2026 kl. 0.30"
    assert formatting.format_datetime(LATE_UTC, "en") == "2026-03-05 00:30"
    assert formatting.format_datetime(LATE_UTC.isoformat(), "fi", seconds=True) == "5.3.2026 klo 0.30.05"
    assert formatting.format_datetime(LATE_UTC, "en", seconds=True) == "2026-03-05 00:30:05"


def test_a_date_and_a_timestamps_local_day():
    assert formatting.format_date(date(1980, 2, 29), "fi") == "29.2.1980"
    assert formatting.format_date("1980-02-29", "sv") == "29.2.1980"
    assert formatting.format_date("1980-02-29", "en") == "1980-02-29"
    assert formatting.format_date(LATE_UTC, "fi") == "5.3.2026"  # the Finnish day, not the UTC one
    assert formatting.format_datetime(date(2026, 1, 2), "fi") == "2.1.2026"


def test_what_is_not_a_time_is_shown_as_it_is():
    assert formatting.format_datetime("ei aika", "fi") == "ei aika"
    assert formatting.format_date(None, "fi") == ""
    assert formatting.format_datetime(LATE_UTC, "xx") == "5.3.2026 klo 0.30"  # unknown: Finnish


def test_numbers_and_money_in_the_languages_way():
    assert formatting.format_number(1234567, "fi") == "1\xa0234\xa0567"
    assert formatting.format_number(Decimal("1234.5"), "sv") == "1\xa0234,5"
    assert formatting.format_number(1234567, "en") == "1,234,567"
    assert formatting.format_money(Decimal("1234.5"), "fi") == "1\xa0234,50\xa0€"
    assert formatting.format_money(Decimal("1234.5"), "en") == "€1,234.50"
