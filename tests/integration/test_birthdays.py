"""Round birthdays over the real broker and database (C13): the upcoming list with important filters,
its audit read, settings changes with their event, and the daily reminder sent exactly once."""

from datetime import timedelta

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_container
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.clock import today
from piiri.errors import PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.birthdays.rules import birthday_in
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from tests.events import event_recorder, wait_for

ADMIN = make_actor("birthday-admin", permissions=(*ALL_PERMISSIONS, "groups.manage"))
STAFF = make_actor("birthday-staff", permissions=("contacts.view", "contacts.edit"), roles=("staff",))
BirthdayEventRecorder, received = event_recorder(
    "birthday_event_recorder", "birthday_reminder", "birthday_settings_changed"
)


def born_turning(age, in_days):
    """A birth date of someone turning ``age`` in ``in_days`` days."""
    day = today() + timedelta(days=in_days)
    return birthday_in(day, day.year - age)


def person(contacts, last_name, birth_date, **extra):
    return contacts.create_contact(
        {"first_name": "Testi", "last_name": last_name, "birth_date": birth_date.isoformat(), **extra}
    )["id"]


@pytest.fixture
def contacts(run_services, rpc):
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        yield cluster.contacts


def test_c13_upcoming_round_birthdays_in_date_order_with_age(contacts):
    """C13: persons turning a round age within the horizon, by date then name; others left out."""
    contacts.update_birthday_settings({"round_ages": [50, 60], "horizon_days": 30, "important_filters": {}})
    later = person(contacts, "Myöhempi", born_turning(60, 20))
    soon = person(contacts, "Pian", born_turning(50, 3))
    today_one = person(contacts, "Tänään", born_turning(60, 0))
    person(contacts, "Liian-myöhään", born_turning(60, 31))
    person(contacts, "Ei-pyöreä", born_turning(55, 5))
    person(contacts, "Mennyt", born_turning(60, -1))
    contacts.create_contact(
        {
            "kind": "organisation",
            "organisation_name": "Yhdistys",
            "birth_date": born_turning(50, 4).isoformat(),
        }
    )
    result = contacts.upcoming_birthdays()
    assert [item["id"] for item in result["items"]] == [today_one, soon, later]
    first = result["items"][0]
    assert first["age"] == 60 and first["birthday"] == today().isoformat()
    assert first["display_name"] == "Testi Tänään"
    assert result["horizon_days"] == 30 and result["from"] == today().isoformat()
    # A longer horizon given to the call brings in the one just outside.
    assert len(contacts.upcoming_birthdays(horizon_days=31)["items"]) == 4
    with pytest.raises(ValidationFailed) as error:
        contacts.upcoming_birthdays(horizon_days=0)
    assert "horizon_days" in error.value.details


def test_c13_deceased_and_unimportant_are_left_out(contacts):
    """C13: only important contacts (the settings' filters, e.g. a group), never the deceased."""
    board = contacts.create_group("Hallitus")
    member = person(contacts, "Jäsen", born_turning(70, 2))
    outsider = person(contacts, "Ulkopuolinen", born_turning(70, 2))
    gone = person(contacts, "Edesmennyt", born_turning(70, 2))
    contacts.add_members(board["id"], [member, gone])
    contacts.mark_deceased(gone, {"deceased_on": (today() - timedelta(days=10)).isoformat()})
    contacts.update_birthday_settings({"round_ages": [70], "horizon_days": 10, "important_filters": {}})
    assert {item["id"] for item in contacts.upcoming_birthdays()["items"]} == {member, outsider}
    contacts.update_birthday_settings(
        {"round_ages": [70], "horizon_days": 10, "important_filters": {"group_id": board["id"]}}
    )
    assert [item["id"] for item in contacts.upcoming_birthdays()["items"]] == [member]


def test_c13_the_list_is_one_audit_read_naming_everyone_shown(contacts, rpc):
    """C13/G2: the list is personal data: one audit read event naming every contact shown."""
    contacts.update_birthday_settings({"round_ages": [80], "horizon_days": 15, "important_filters": {}})
    ids = [person(contacts, name, born_turning(80, days)) for name, days in (("Aa", 1), ("Bb", 9))]
    contacts.upcoming_birthdays()
    with rpc(ADMIN) as cluster:
        trail = wait_for(
            lambda: [
                event
                for event in cluster.audit.events_for_subject(ids[1])["items"]
                if event["action"] == "contact.birthdays_listed"
            ]
        )
    assert trail and set(trail[-1]["subject_ids"]) == set(ids)
    assert trail[-1]["details"]["horizon_days"] == 15


def test_c13_settings_are_validated_permissioned_audited_and_published(run_services, rpc, clean_databases):
    """C13: bad settings are named and change nothing; only users.manage may change them; a change is
    audited and published as birthday_settings_changed."""
    received.clear()
    run_services(BirthdayEventRecorder)
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        before = contacts.get_birthday_settings()
        assert before["round_ages"] == [50, 60, 70, 75, 80, 85, 90, 95, 100] and before["horizon_days"] == 60
        for bad, field in (
            ({"round_ages": [50, 50], "horizon_days": 30}, "round_ages"),
            ({"round_ages": [0, 60], "horizon_days": 30}, "round_ages"),
            ({"round_ages": [], "horizon_days": 30}, "round_ages"),
            ({"round_ages": [60], "horizon_days": 367}, "horizon_days"),
            (
                {"round_ages": [60], "horizon_days": 30, "important_filters": {"nope": "x"}},
                "important_filters.nope",
            ),
            (
                {"round_ages": [60], "horizon_days": 30, "important_filters": {"group_id": "not-an-id"}},
                "important_filters.group_id",
            ),
            ({"round_ages": [60], "horizon_days": 30, "colour": "red"}, "colour"),
        ):
            with pytest.raises(ValidationFailed) as error:
                contacts.update_birthday_settings(bad)
            assert field in error.value.details, (bad, error.value.details)
        assert contacts.get_birthday_settings() == before
    with rpc(STAFF) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.contacts.update_birthday_settings({"round_ages": [60], "horizon_days": 30})
    with rpc(ADMIN) as cluster:
        after = cluster.contacts.update_birthday_settings({"round_ages": [75, 50], "horizon_days": 90})
        assert after["round_ages"] == [50, 75] and after["horizon_days"] == 90
        changed = wait_for(
            lambda: [
                p
                for kind, p in received  # the durable queue may also hold events of earlier tests
                if kind == "birthday_settings_changed" and p["settings"]["round_ages"] == [50, 75]
            ]
        )
        assert changed[0]["schema_version"] == 1
        assert changed[0]["changed_fields"] == ["horizon_days", "round_ages"]
        trail = wait_for(lambda: cluster.audit.events_for_subject("birthdays")["items"])
        assert trail[-1]["action"] == "birthday_settings.changed"
        assert trail[-1]["actor"]["username"] == "birthday-admin"
    with clean_databases["contacts"].connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM outbox WHERE routing_key = 'birthday_settings_changed'")
            ).scalar_one()
            == 1
        )


def test_c13_daily_reminder_is_sent_exactly_once_by_two_instances(run_services, rpc, clean_databases):
    """C13: two instances' timers fire at once, twice: one birthday_reminder event for the day, sent by
    the system, with an audit record naming its contacts."""
    received.clear()
    run_services(BirthdayEventRecorder)
    first = run_services(ContactsService, ContactsWorker, AuditService)
    second = run_services(ContactsWorker)
    with rpc(ADMIN) as cluster:
        cluster.contacts.update_birthday_settings({"round_ages": [60], "horizon_days": 7})
        anna = person(cluster.contacts, "Muistettava", born_turning(60, 5))
        person(cluster.contacts, "Myöhemmin", born_turning(60, 8))
    containers = [get_container(runner, ContactsWorker) for runner in (first, second)]

    def tick(container):
        with entrypoint_hook(container, "birthday_reminder_timer") as hook:
            return hook()

    for thread in [eventlet.spawn(tick, container) for container in containers * 2]:
        thread.wait()

    def reminders_naming_anna():
        return [
            p
            for kind, p in received
            if kind == "birthday_reminder" and anna in [c["contact_id"] for c in p["contacts"]]
        ]

    wait_for(reminders_naming_anna)
    eventlet.sleep(0.5)
    reminders = reminders_naming_anna()
    assert len(reminders) == 1
    assert reminders[0]["day"] == today().isoformat()
    assert reminders[0]["contacts"] == [
        {"contact_id": anna, "birthday": (today() + timedelta(days=5)).isoformat(), "age": 60}
    ]
    with clean_databases["contacts"].connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM outbox WHERE routing_key = 'birthday_reminder'")
            ).scalar_one()
            == 1
        )
        rows = conn.execute(text("SELECT day, contact_ids FROM birthday_reminders")).all()
        assert [(row.day, [str(i) for i in row.contact_ids]) for row in rows] == [(today(), [anna])]
        context = conn.execute(
            text("SELECT context FROM outbox WHERE routing_key = 'birthday_reminder'")
        ).scalar_one()
        assert '"kind":"system"' in context["actor"]
    with rpc(ADMIN) as cluster:
        trail = wait_for(
            lambda: [
                event
                for event in cluster.audit.events_for_subject(anna)["items"]
                if event["action"] == "contact.birthday_reminder_sent"
            ]
        )
    assert trail and trail[0]["actor"]["kind"] == "system"
