"""Pure rules of round birthdays (C13): which birth dates to look up, and a birthday's date and age.

A person born on 29 February celebrates on 28 February in a year that is not a leap year.
"""

from calendar import isleap
from datetime import date, timedelta

from piiri.errors import ValidationFailed, coded
from services.contacts.birthdays.contract import MAX_HORIZON, MIN_HORIZON

LIST_LIMIT = 500


def birthday_in(birth_date, year):
    """The date someone born on ``birth_date`` celebrates in ``year`` (29 Feb -> 28 Feb if not leap)."""
    if birth_date.month == 2 and birth_date.day == 29 and not isleap(year):
        return date(year, 2, 28)
    return birth_date.replace(year=year)


def age_on(birth_date, day):
    """Age in whole years on ``day`` (a 29 February child is a year older on 28 February)."""
    years = day.year - birth_date.year
    return years if birthday_in(birth_date, day.year) <= day else years - 1


def _earliest_birth(start, age):
    """The earliest birth date whose ``age``-th birthday is on or after ``start``."""
    year = start.year - age
    if start.month == 2 and start.day == 29 and not isleap(year):
        return date(year, 3, 1)  # born 28 Feb that year: celebrated on the 28th, before the start
    return start.replace(year=year)


def _latest_birth(end, age):
    """The latest birth date whose ``age``-th birthday is on or before ``end``."""
    year = end.year - age
    if end.month == 2 and end.day == 28 and not isleap(end.year) and isleap(year):
        return date(year, 2, 29)  # born 29 Feb: celebrated on 28 Feb in the end's year
    return birthday_in(end, year)


def birth_ranges(day, horizon_days, round_ages):
    """``[(age, earliest, latest)]``: people turning ``age`` between ``day`` and ``day + horizon_days``
    (both inclusive) were born between ``earliest`` and ``latest`` (inclusive), one range per age."""
    end = window_end(day, horizon_days)
    return [(age, _earliest_birth(day, age), _latest_birth(end, age)) for age in sorted(set(round_ages))]


def round_birthday(birth_date, day, horizon_days, round_ages):
    """``(birthday, age)`` of the first round birthday in the window, or None (used to check the SQL)."""
    end = window_end(day, horizon_days)
    for age in sorted(set(round_ages)):
        year = birth_date.year + age
        if day.year <= year <= end.year:
            birthday = birthday_in(birth_date, year)
            if day <= birthday <= end:
                return birthday, age
    return None


def horizon(value, default):
    """A horizon in days from an argument (int or text), the default when not given, or a clear error."""
    if value is None or value == "":
        return default
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_HORIZON <= value <= MAX_HORIZON:
        raise ValidationFailed(
            "horizon_days must be a whole number of days.",
            {"horizon_days": ["bd.err_horizon"]},
        )
    return value


def check_round_ages(ages):
    """Ages must be distinct; returns them sorted."""
    duplicates = sorted({age for age in ages if ages.count(age) > 1})
    if duplicates:
        raise ValidationFailed(
            "Round ages must be distinct.",
            {"round_ages": [coded("bd.err_twice", ages=", ".join(map(str, duplicates)))]},
        )
    return sorted(ages)


def window_end(day, horizon_days):
    """The last day of the window (inclusive)."""
    return day + timedelta(days=horizon_days)
