"""One clock (issue 11 item 8) over the real broker and database: at 22:30 and 23:59 UTC on 6 December 2026
it is already 7 December in Finland, and every date rule of the contacts service says so.

time-machine moves Python's clock, not PostgreSQL's: these tests pass only because the SQL takes its day
from piiri.clock as a bound parameter instead of CURRENT_DATE (which stays the database server's day).
"""

import dataclasses
from datetime import UTC, date, datetime

import pytest
import time_machine

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from services.audit.service import AuditService
from services.contacts.service import ContactsService

ADMIN = make_actor("clock-admin", permissions=(*ALL_PERMISSIONS, "groups.manage", "gdpr.officer"))
EVENING = [datetime(2026, 12, 6, 22, 30, tzinfo=UTC), datetime(2026, 12, 6, 23, 59, tzinfo=UTC)]
TODAY = date(2026, 12, 7)  # in Helsinki at both moments
YESTERDAY, TOMORROW = date(2026, 12, 6), date(2026, 12, 8)


@pytest.fixture(params=EVENING, ids=["22:30 UTC", "23:59 UTC"])
def evening(request, run_services, rpc, monkeypatch):
    """The contacts service running, the clock at a late evening in UTC (tick: the broker needs time)."""
    monkeypatch.delenv(clock.ENVIRONMENT_VARIABLE, raising=False)
    clock.configure(None)
    run_services(ContactsService, AuditService)
    with time_machine.travel(request.param, tick=True):
        assert clock.today() == TODAY
        with rpc(ADMIN) as cluster:
            yield cluster.contacts


def person(contacts, first, last="Kellotesti", **more):
    return contacts.create_contact({"first_name": first, "last_name": last, **more})["id"]


def names(page):
    return sorted(item["display_name"].split()[0] for item in page["items"])


def test_c13_a_round_birthday_today_in_finland_is_today(evening):
    contacts = evening
    contacts.update_birthday_settings({"round_ages": [50], "horizon_days": 30, "important_filters": {}})
    today_one = person(contacts, "Tänään", birth_date="1976-12-07")
    person(contacts, "Eilen", birth_date="1976-12-06")  # turned 50 yesterday in Finland: not upcoming
    result = contacts.upcoming_birthdays()
    assert result["from"] == TODAY.isoformat()
    assert [(item["id"], item["birthday"], item["age"]) for item in result["items"]] == [
        (today_one, TODAY.isoformat(), 50)
    ]


def test_c7_memberships_start_and_end_on_the_finnish_day(evening):
    """C7: a membership added without a start starts today; one ending today (its end day) is over, one
    ending tomorrow is not; the group's members and counts agree."""
    contacts = evening
    group = contacts.create_group("Kellon jäsenet")
    new, ending, staying = (person(contacts, name) for name in ("Uusi", "Päättyvä", "Jatkava"))
    contacts.add_members(group["id"], [new])
    contacts.add_members(group["id"], [ending], starts_on="2020-01-01", ends_on=TODAY.isoformat())
    contacts.add_members(group["id"], [staying], starts_on="2020-01-01", ends_on=TOMORROW.isoformat())
    members = contacts.members(group["id"])
    assert names(members) == ["Jatkava", "Uusi"]
    assert {item["display_name"].split()[0]: item["starts_on"] for item in members["items"]}["Uusi"] == str(
        TODAY
    )
    assert contacts.get_group(group["id"])["direct_members"] == 2
    yesterday = contacts.members(group["id"], active_on=YESTERDAY.isoformat())
    assert names(yesterday) == ["Jatkava", "Päättyvä"]  # Uusi had not started, Päättyvä had not ended
    contacts.end_memberships(group["id"], [staying])  # default: today
    assert names(contacts.members(group["id"])) == ["Uusi"]


def test_c6_data_scopes_follow_current_memberships_of_the_finnish_day(evening, rpc):
    """C6: a scoped actor sees a member who starts today and not one whose membership ended today."""
    contacts = evening
    group = contacts.create_group("Kellon alue")
    starting, ended = person(contacts, "Alkava"), person(contacts, "Loppunut")
    contacts.add_members(group["id"], [starting], starts_on=TODAY.isoformat())
    contacts.add_members(group["id"], [ended], starts_on="2020-01-01", ends_on=TODAY.isoformat())
    actor = make_actor("clock-scoped", roles=("staff",))
    actor = dataclasses.replace(actor, scoped=True, scope_group_ids=(group["id"],))
    with rpc(actor) as cluster:
        assert names(cluster.contacts.search_contacts(q="kellotesti")) == ["Alkava"]
        assert cluster.contacts.contact_exists(ended) is False


def test_c9_temporary_statuses_are_active_on_the_finnish_day(evening):
    """C9: a status starting today is active (its flag, the list's active statuses and the filter); one
    that ended yesterday is not; one ending today still is (its end day counts)."""
    contacts = evening
    starting, ended, last_day = (person(contacts, name) for name in ("Lähtevä", "Palannut", "Viimeinen"))
    added = contacts.add_status(starting, {"kind": "abroad", "starts_on": TODAY.isoformat()})
    contacts.add_status(
        ended, {"kind": "abroad", "starts_on": "2026-01-01", "ends_on": YESTERDAY.isoformat()}
    )
    contacts.add_status(
        last_day, {"kind": "on_leave", "starts_on": "2026-01-01", "ends_on": TODAY.isoformat()}
    )
    assert added["active"] is True
    assert [status["active"] for status in contacts.list_statuses(ended)] == [False]
    page = contacts.search_contacts(q="kellotesti")
    assert {item["display_name"].split()[0]: item["active_statuses"] for item in page["items"]} == {
        "Lähtevä": ["abroad"],
        "Palannut": [],
        "Viimeinen": ["on_leave"],
    }
    assert names(contacts.search_contacts(q="kellotesti", filters={"with_active_status": "any"})) == [
        "Lähtevä",
        "Viimeinen",
    ]


def test_g5_retention_is_past_from_the_finnish_day(evening):
    """G5: a person deceased a year ago today (in Finland) is past a one-year retention today."""
    contacts = evening
    past = person(contacts, "Vuosi")
    not_yet = person(contacts, "Huominen")
    contacts.mark_deceased(past, {"deceased_on": "2025-12-07"})
    contacts.mark_deceased(not_yet, {"deceased_on": "2025-12-08"})
    contacts.create_retention_rule({"name": "Kuolleet", "kind": "deceased", "config": {"years": 1}})
    page = contacts.past_retention()
    assert [(item["id"], item["since"]) for item in page["items"]] == [(past, TODAY.isoformat())]
    assert contacts.count_past_retention()["count"] == 1


def test_c4_age_filters_count_years_on_the_finnish_day(evening):
    """C4: someone born on 7 December 2006 is 20 today in Finland; someone born a day later is 19."""
    contacts = evening
    twenty = person(contacts, "Kaksikymmentä", birth_date="2006-12-07")
    nineteen = person(contacts, "Yhdeksäntoista", birth_date="2006-12-08")

    def found(filter_name, value):
        expression = {"and": [{"text": "kellotesti"}, {"filter": filter_name, "value": value}]}
        return [item["id"] for item in contacts.search_contacts_advanced(expression)["items"]]

    assert found("age_min", "20") == [twenty]
    assert found("age_max", "19") == [nineteen]
