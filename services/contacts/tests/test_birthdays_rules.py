"""Unit tests of the round-birthday rules (C13): birth-date ranges, year ends, leap years, the horizon."""

from datetime import date, timedelta

import pytest

from piiri.errors import ValidationFailed
from services.contacts.birthdays import rules


def people_in(ranges, birth_date):
    return [age for age, earliest, latest in ranges if earliest <= birth_date <= latest]


def test_c13_one_inclusive_range_per_age():
    """C13: people turning A between today and today+horizon were born in [today-A, today+horizon-A]."""
    ranges = rules.birth_ranges(date(2026, 11, 25), 30, [60, 50])
    assert ranges == [
        (50, date(1976, 11, 25), date(1976, 12, 25)),
        (60, date(1966, 11, 25), date(1966, 12, 25)),
    ]


def test_c13_horizon_crossing_new_year():
    """C13: a window from December into January looks at births across two years."""
    (age, earliest, latest) = rules.birth_ranges(date(2026, 12, 20), 30, [70])[0]
    assert (age, earliest, latest) == (70, date(1956, 12, 20), date(1957, 1, 19))
    assert rules.round_birthday(date(1957, 1, 5), date(2026, 12, 20), 30, [70]) == (date(2027, 1, 5), 70)
    assert rules.round_birthday(date(1956, 12, 19), date(2026, 12, 20), 30, [70]) is None


def test_c13_29_february_celebrated_on_28_february_in_common_years():
    """C13: a 29 February child celebrates on 28 February when the year has no 29 February."""
    leapling = date(1964, 2, 29)
    assert rules.birthday_in(leapling, 2027) == date(2027, 2, 28)
    assert rules.birthday_in(leapling, 2028) == date(2028, 2, 29)
    assert rules.age_on(leapling, date(2027, 2, 27)) == 62
    assert rules.age_on(leapling, date(2027, 2, 28)) == 63
    # The window ends on 28 February of a common year: the leapling is in (their birthday is that day).
    ranges = rules.birth_ranges(date(2027, 2, 1), 27, [63])
    assert ranges[0][2] == date(1964, 2, 29)
    assert people_in(ranges, leapling) == [63]
    # The window starts on 1 March: their birthday (28 February) is already past.
    assert people_in(rules.birth_ranges(date(2027, 3, 1), 30, [63]), leapling) == []


def test_c13_window_starting_on_29_february_leaves_out_28_february_births():
    """C13: starting on 29 Feb of a leap year, someone born 28 Feb already had their birthday."""
    ranges = rules.birth_ranges(date(2028, 2, 29), 10, [61])
    assert ranges == [(61, date(1967, 3, 1), date(1967, 3, 10))]
    assert rules.round_birthday(date(1967, 2, 28), date(2028, 2, 29), 10, [61]) is None


def test_c13_window_ending_on_29_february_from_a_common_birth_year():
    """C13: ending on 29 Feb of a leap year, births up to 28 Feb of a common year are in."""
    assert rules.birth_ranges(date(2028, 2, 1), 28, [61])[0] == (61, date(1967, 2, 1), date(1967, 2, 28))


@pytest.mark.parametrize(
    "start", [date(2026, 11, 25), date(2027, 12, 31), date(2028, 2, 1), date(2027, 2, 20)]
)
@pytest.mark.parametrize("horizon", [1, 14, 60, 366])
def test_c13_ranges_agree_with_the_birthday_rule_day_by_day(start, horizon):
    """C13: for every birth date near the ranges, "in a range" equals "has a round birthday in the window"."""
    ages = [50, 60, 75]
    ranges = rules.birth_ranges(start, horizon, ages)
    for age in ages:
        first = start.replace(year=start.year - age - 1, month=1, day=1)
        for offset in range(0, 366 * 3, 1):
            born = first + timedelta(days=offset)
            found = rules.round_birthday(born, start, horizon, [age])
            assert bool(people_in([r for r in ranges if r[0] == age], born)) == (found is not None), born
            if found:
                birthday, found_age = found
                assert found_age == age and rules.age_on(born, birthday) == age


def test_c13_horizon_argument():
    """C13: the horizon is 1..366 days; none given means the settings' horizon."""
    assert rules.horizon(None, 60) == 60
    assert rules.horizon("", 60) == 60
    assert rules.horizon("14", 60) == 14
    assert rules.horizon(366, 60) == 366
    for bad in (0, 367, "abc", -1, 1.5, True):
        with pytest.raises(ValidationFailed) as error:
            rules.horizon(bad, 60)
        assert "horizon_days" in error.value.details


def test_c13_round_ages_must_be_distinct():
    """C13: ages are distinct and come back sorted."""
    assert rules.check_round_ages([70, 50, 60]) == [50, 60, 70]
    with pytest.raises(ValidationFailed) as error:
        rules.check_round_ages([50, 60, 50])
    assert error.value.details["round_ages"][0] == {"code": "bd.err_twice", "params": {"ages": "50"}}
