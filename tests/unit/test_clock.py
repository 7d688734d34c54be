"""One clock (issue 11 item 8): "today" is the organisation's day (PIIRI_TIMEZONE, default Europe/Helsinki),
also from 22:00 to 24:00 UTC when the server's date is still yesterday; every date rule reads it."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from piiri import clock
from piiri.config import load_config
from services.contacts.advanced_search import rules as search_rules
from services.contacts.birthdays import rules as birthday_rules
from services.contacts.groups import tree
from services.contacts.person import rules as person_rules
from services.contacts.retention import rules as retention_rules

ROOT = Path(__file__).resolve().parents[2]
EVENING = [datetime(2026, 12, 6, 22, 30, tzinfo=UTC), datetime(2026, 12, 6, 23, 59, tzinfo=UTC)]
HELSINKI_DAY = date(2026, 12, 7)  # UTC+2 in December: both moments are already Monday in Finland
UTC_DAY = date(2026, 12, 6)


@pytest.fixture(autouse=True)
def default_zone(monkeypatch):
    monkeypatch.delenv(clock.ENVIRONMENT_VARIABLE, raising=False)
    clock.configure(None)
    yield
    clock.configure(None)


@pytest.mark.parametrize("moment", EVENING)
def test_issue11_today_is_the_day_in_helsinki_not_the_servers(moment):
    with time_machine.travel(moment, tick=False):
        assert clock.today() == HELSINKI_DAY
        assert clock.now() == moment and clock.now().tzinfo == UTC  # storage stays UTC
        assert clock.local_now().utcoffset() == timedelta(hours=2)
        assert clock.local_now().date() == HELSINKI_DAY


def test_issue11_before_22_utc_the_days_agree():
    with time_machine.travel(datetime(2026, 12, 6, 21, 59, tzinfo=UTC), tick=False):
        assert clock.today() == UTC_DAY


def test_issue11_summer_time_turns_at_21_utc():
    with time_machine.travel(datetime(2026, 6, 30, 21, 0, tzinfo=UTC), tick=False):
        assert clock.today() == date(2026, 7, 1)


@pytest.mark.parametrize("moment", EVENING)
def test_issue11_piiri_timezone_chooses_another_zone(moment, monkeypatch):
    monkeypatch.setenv("PIIRI_TIMEZONE", "UTC")
    with time_machine.travel(moment, tick=False):
        assert clock.today() == UTC_DAY
    clock.configure("America/New_York")  # the deployment's TIMEZONE wins over the environment
    with time_machine.travel(moment, tick=False):
        assert clock.today() == UTC_DAY and clock.local_now().hour in (17, 18)


def test_issue11_an_unknown_zone_fails_at_start_up(monkeypatch, tmp_path):
    with pytest.raises(clock.UnknownTimeZone, match="Europe/Helsinki"):
        clock.configure("Europe/Hesa")
    config = tmp_path / "bad.yml"
    config.write_text("TIMEZONE: Mars/Olympus\n")
    with pytest.raises(clock.UnknownTimeZone, match="Mars/Olympus"):
        load_config(config)


def test_issue11_local_yml_reads_piiri_timezone(monkeypatch):
    monkeypatch.setenv("PIIRI_TIMEZONE", "Europe/Stockholm")
    assert load_config()["TIMEZONE"] == "Europe/Stockholm"
    assert clock.timezone_name() == "Europe/Stockholm"
    monkeypatch.delenv("PIIRI_TIMEZONE")
    assert load_config()["TIMEZONE"] == "Europe/Helsinki"
    assert clock.timezone_name() == "Europe/Helsinki"


def test_issue11_local_days_as_utc_bounds_for_queries():
    start, end = clock.day_bounds(HELSINKI_DAY)
    assert start == datetime(2026, 12, 6, 22, 0, tzinfo=UTC) and end == datetime(
        2026, 12, 7, 22, 0, tzinfo=UTC
    )
    assert all(bound.tzinfo == UTC for bound in (start, end))
    short_start, short_end = clock.day_bounds(date(2026, 3, 29))  # summer time starts: 23 hours
    assert short_end - short_start == timedelta(hours=23)
    assert clock.local_date(EVENING[0]) == HELSINKI_DAY
    with pytest.raises(ValueError):
        clock.local_date(datetime(2026, 12, 6, 22, 30))


@pytest.mark.parametrize("moment", EVENING)
def test_issue11_sql_today_is_read_when_the_statement_runs(moment):
    """A module-level query built with sql_today() gets each execution's day, not its import day."""
    from sqlalchemy import select
    from sqlalchemy.dialects import postgresql

    query = select(clock.sql_today())  # built before the clock moves
    with time_machine.travel(moment, tick=False):
        compiled = query.compile(dialect=postgresql.dialect())
        assert list(compiled.params.values()) == [HELSINKI_DAY]


@pytest.mark.parametrize("moment", EVENING)
def test_c13_c7_c9_c4_g5_pure_rules_with_the_clocks_day(moment):
    """The pure rules get the clock's day: a round birthday, a membership and a status ending or starting
    on the Finnish day, the age filters' birth-date limits and the retention limit."""
    with time_machine.travel(moment, tick=False):
        today = clock.today()
    assert birthday_rules.age_on(date(1976, 12, 7), today) == 50  # C13: turns 50 today in Finland
    assert tree.is_active({"starts_on": date(2026, 12, 7), "ends_on": None}, today)  # C7: starts today
    assert not tree.is_active({"starts_on": date(2020, 1, 1), "ends_on": date(2026, 12, 7)}, today)  # ended
    assert tree.is_active(
        {"starts_on": date(2020, 1, 1), "ends_on": date(2026, 12, 8)}, today
    )  # ends tomorrow
    assert person_rules.is_active({"starts_on": date(2026, 12, 7), "ends_on": None}, today)  # C9
    assert not person_rules.is_active({"starts_on": date(2026, 1, 1), "ends_on": date(2026, 12, 6)}, today)
    assert search_rules.born_on_or_before_for_age_min(20, today) == date(2006, 12, 7)  # C4: 20 today
    assert search_rules.born_after_for_age_max(19, today) == date(2006, 12, 7)
    assert retention_rules.last_qualifying_day(today, 1) == date(2025, 12, 7)  # G5


# Date sources that do not know the organisation's time zone; piiri/clock.py is the one place for them.
FORBIDDEN = [
    (re.compile(r"\bdate\.today\(\)|datetime\.today\(\)"), "date.today()"),
    (re.compile(r"\bdatetime\.now\(\)"), "naive datetime.now()"),
    (re.compile(r"\butcnow\(\)"), "utcnow()"),
    (re.compile(r"current_date", re.IGNORECASE), "CURRENT_DATE (PostgreSQL's session day)"),
    (re.compile(r"ZoneInfo\(\s*[\"']"), "a time zone of its own"),
]

# The schema's default for memberships.starts_on, which no insert uses (each passes the clock's day);
# changing it would need a migration for nothing.
ALLOWED = {
    (
        "services/contacts/models.py",
        'Column("starts_on", Date, nullable=False, server_default=text("CURRENT_DATE"))',
    )
}


def test_issue11_no_date_rule_reads_another_clock():
    """services/, gateway/ and piiri/ take "today" from piiri.clock (migrations and tests aside)."""
    found = []
    for folder in ("services", "gateway", "piiri"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or "/tests/" in relative or relative == "piiri/clock.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if (relative, line.strip().rstrip(",")) in ALLOWED:
                    continue
                found += [
                    f"{relative}:{number}: {what}" for pattern, what in FORBIDDEN if pattern.search(line)
                ]
    assert found == []
