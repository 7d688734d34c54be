"""Group automations over the real broker and database (C8): member triggers run once per event with a
visible history, loops and bad input are refused, failures are recorded, date triggers and dry runs."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_container
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from piiri.clock import today
from piiri.errors import PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from tests.events import event_recorder, wait_for

ADMIN = make_actor("automation-admin", permissions=(*ALL_PERMISSIONS, "groups.manage", "automations.manage"))
STAFF = make_actor("automation-staff", permissions=("contacts.view", "contacts.edit"), roles=("staff",))
Recorder, received = event_recorder(
    "automation_event_recorder", "automation_created", "member_joined", "membership_ending_soon"
)


@pytest.fixture
def system(run_services, rpc):
    received.clear()
    run_services(Recorder)
    runner = run_services(ContactsService, ContactsWorker, AuditService)
    with rpc(ADMIN) as cluster:
        yield cluster, get_container(runner, ContactsWorker)


def joined(a, b, name="A -> B", **extra):
    return {
        "name": name,
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": a},
        "action_type": "add_to_group",
        "action_config": {"group_id": b, **extra},
    }


def member_ids(contacts, group_id):
    return [item["id"] for item in contacts.members(group_id)["items"]]


def test_c8_joined_group_adds_to_another_once_with_history_audit_and_events(system, rpc, clean_databases):
    """C8: joining A runs "add to B" in the background once; history says who, what and why; the change is
    audited as the system naming the automation and published as member_joined; a redelivered event
    does nothing more."""
    cluster, container = system
    contacts = cluster.contacts
    a = contacts.create_group("A")["id"]
    b = contacts.create_group("B")["id"]
    automation = contacts.create_automation(joined(a, b, role="uusi"))
    assert automation["enabled"] and automation["runs"] == 0
    assert automation["trigger_text"] == "Someone joins 'A'" and automation["action_text"] == "add to 'B'"
    anna = contacts.create_contact({"first_name": "Anna", "last_name": "Autom"})["id"]
    contacts.add_members(a, [anna])
    assert wait_for(lambda: member_ids(contacts, b) == [anna], 10)
    history = wait_for(lambda: contacts.automation_history(automation["id"])["items"], 5)
    run = history[0]
    assert run["outcome"] == "done" and run["contact_id"] == anna and run["contact_name"] == "Anna Autom"
    assert run["detail"]["trigger"]["type"] == "member_joined" and run["detail"]["trigger"]["group_id"] == a
    assert run["trigger_key"] == run["detail"]["trigger"]["event_id"]
    joined_b = wait_for(
        lambda: [p for kind, p in received if kind == "member_joined" and p["group_id"] == b], 5
    )
    assert joined_b[0]["automation_id"] == automation["id"] and joined_b[0]["role"] == "uusi"
    trail = wait_for(
        lambda: [
            e
            for e in cluster.audit.events_for_subject(anna)["items"]
            if e["action"] == "group.members_added" and e["actor"]["kind"] == "system"
        ]
    )
    assert trail[0]["details"]["automation_id"] == automation["id"]

    # The same event again (a redelivery): exactly once.
    event = {
        "event_id": run["trigger_key"],
        "group_id": a,
        "contact_id": anna,
        "membership_id": run["detail"]["trigger"]["membership_id"],
    }
    with entrypoint_hook(container, "automations_on_member_joined") as hook:
        hook(event)
    with clean_databases["contacts"].connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM automation_runs")).scalar_one() == 1
    assert contacts.get_automation(automation["id"])["runs"] == 1


def test_c8_loops_and_bad_input_are_refused_and_change_nothing(system, rpc):
    """C8: B -> A after A -> B is a loop (named); so is joined A -> add to A's subgroup when subgroups count;
    bad input names its field; staff cannot manage automations; nothing is written."""
    cluster, _ = system
    contacts = cluster.contacts
    a = contacts.create_group("A")["id"]
    b = contacts.create_group("B")["id"]
    sub = contacts.create_group("A1", parent_id=a)["id"]
    first = contacts.create_automation(joined(a, b))
    with pytest.raises(ValidationFailed) as caught:
        contacts.create_automation(joined(b, a, name="B -> A"))
    assert caught.value.message == "au.err_loop" and "'A -> B'" in caught.value.params["names"]
    assert "'B -> A'" in caught.value.params["names"]
    with pytest.raises(ValidationFailed):
        contacts.create_automation(
            {**joined(a, sub, name="A -> A1"), "trigger_config": {"group_id": a, "include_subgroups": True}}
        )
    contacts.create_automation(joined(a, sub, name="A -> A1 (direct only)"))
    second = contacts.create_automation({**joined(b, a, name="B -> A"), "enabled": False})
    with pytest.raises(ValidationFailed):  # enabling it would close the loop
        contacts.update_automation(second["id"], {"enabled": True})
    for bad, field in (
        ({**joined(a, b), "trigger_config": {"group_id": "nope"}}, "trigger_config.group_id"),
        (
            {**joined(a, b), "action_config": {"group_id": "00000000-0000-0000-0000-000000000000"}},
            "action_config.group_id",
        ),
        (
            {**joined(a, b), "action_type": "set_status", "action_config": {"kind": "no-such"}},
            "action_config.kind",
        ),
        ({**joined(a, b), "name": " "}, "name"),
    ):
        with pytest.raises(ValidationFailed) as caught:
            contacts.create_automation(bad)
        assert field in caught.value.details, caught.value.details
    assert [item["name"] for item in contacts.list_automations()["items"]] == [
        "A -> A1 (direct only)",
        "A -> B",
        "B -> A",
    ]
    assert contacts.get_automation(second["id"])["enabled"] is False
    with rpc(STAFF) as staff:
        with pytest.raises(PermissionDenied):
            staff.contacts.create_automation(joined(a, b, name="x"))
        with pytest.raises(PermissionDenied):
            staff.contacts.list_automations()
        assert staff.contacts.automation_history(first["id"])["items"] == []
    created = wait_for(lambda: [p for kind, p in received if kind == "automation_created"], 5)
    assert created[0]["schema_version"] == 1 and created[0]["automation"]["name"]


def test_c8_a_failing_action_is_recorded_as_failed_and_not_retried(system):
    """C8: the action's group was archived after setting up: the run is recorded failed with the error."""
    cluster, _ = system
    contacts = cluster.contacts
    a = contacts.create_group("A")["id"]
    b = contacts.create_group("B")["id"]
    automation = contacts.create_automation(joined(a, b))
    contacts.archive_group(b)
    anna = contacts.create_contact({"first_name": "Anna", "last_name": "Epäonni"})["id"]
    contacts.add_members(a, [anna])
    runs = wait_for(lambda: contacts.automation_history(automation["id"])["items"], 10)
    assert runs[0]["outcome"] == "failed" and "archived" in runs[0]["detail"]["error"]
    assert contacts.get_automation(automation["id"])["runs"] == 1


def test_c8_date_reached_fires_once_per_contact_and_day_and_publishes_the_event(system, rpc):
    """C8: 30 days before membership ends, publish membership_ending_soon once (the timer runs again:
    nothing more); the dry run shows who would be hit within the horizon."""
    cluster, container = system
    contacts = cluster.contacts
    a = contacts.create_group("Jäsenet")["id"]
    anna = contacts.create_contact({"first_name": "Anna", "last_name": "Päättyy"})["id"]
    bertta = contacts.create_contact({"first_name": "Bertta", "last_name": "Myöhemmin"})["id"]
    contacts.add_members(a, [anna], ends_on=(today() + timedelta(days=30)).isoformat())
    contacts.add_members(a, [bertta], ends_on=(today() + timedelta(days=40)).isoformat())
    definition = {
        "name": "Jäsenyys päättymässä",
        "trigger_type": "date_reached",
        "trigger_config": {"field": "membership_ends", "group_id": a, "offset_days": -30},
        "action_type": "publish_event",
        "action_config": {"event_type": "membership_ending_soon", "payload": {"template": "renew"}},
    }
    dry = contacts.dry_run(definition=definition, horizon_days=15)
    assert dry["count"] == 2 and [item["id"] for item in dry["items"]] == [bertta, anna]
    assert dry["items"][1]["hit_on"] == today().isoformat()
    automation = contacts.create_automation(definition)
    for _ in range(2):
        with entrypoint_hook(container, "automations_date_timer") as hook:
            hook()
    runs = contacts.automation_history(automation["id"])["items"]
    assert len(runs) == 1 and runs[0]["contact_id"] == anna and runs[0]["outcome"] == "done"
    assert runs[0]["trigger_key"] == f"{anna}:{today().isoformat()}"
    published = wait_for(lambda: [p for kind, p in received if kind == "membership_ending_soon"], 5)
    assert published[0]["contact_id"] == anna and published[0]["automation_id"] == automation["id"]
    assert published[0]["template"] == "renew" and published[0]["trigger"]["type"] == "date_reached"


def test_c8_dry_run_shows_current_members_and_is_an_audited_read(system):
    """C8: the dry run of a member trigger lists the trigger group's members (with subgroups if asked)."""
    cluster, _ = system
    contacts = cluster.contacts
    a = contacts.create_group("A")["id"]
    sub = contacts.create_group("A1", parent_id=a)["id"]
    b = contacts.create_group("B")["id"]
    anna = contacts.create_contact({"first_name": "Anna", "last_name": "Kokeilu"})["id"]
    contacts.add_members(sub, [anna])
    assert contacts.dry_run(definition=joined(a, b))["count"] == 0
    definition = {**joined(a, b), "trigger_config": {"group_id": a, "include_subgroups": True}}
    dry = contacts.dry_run(definition=definition)
    assert dry["count"] == 1 and dry["items"][0]["display_name"] == "Anna Kokeilu"
    trail = wait_for(
        lambda: [
            e for e in cluster.audit.events_for_subject(anna)["items"] if e["action"] == "automation.dry_run"
        ]
    )
    assert trail
    with pytest.raises(ValidationFailed):
        contacts.dry_run(definition={"name": "x"})


def test_c8_status_actions_member_left_trigger_and_chains(system):
    """C8: joined A -> set status "trial" for 30 days; left A -> end "trial"; joined A -> add to B and
    joined B -> remove from C chain without looping; an organisation gets a failed run for a status."""
    cluster, _ = system
    contacts = cluster.contacts
    if not any(kind["code"] == "trial" for kind in contacts.list_status_kinds()):
        contacts.add_status_kind({"code": "trial", "label_fi": "Koejäsen", "label_en": "Trial"})
    a, b, c = (contacts.create_group(name)["id"] for name in ("A", "B", "C"))
    set_trial = contacts.create_automation(
        {
            **joined(a, b, name="trial"),
            "action_type": "set_status",
            "action_config": {"kind": "trial", "days": 30},
        }
    )
    end_trial = contacts.create_automation(
        {
            "name": "end trial",
            "trigger_type": "member_left",
            "trigger_config": {"group_id": a},
            "action_type": "end_status",
            "action_config": {"kind": "trial"},
        }
    )
    contacts.create_automation(joined(a, b, name="A -> B"))
    contacts.create_automation(
        {
            **joined(b, c, name="B -> not C"),
            "action_type": "remove_from_group",
            "action_config": {"group_id": c},
        }
    )
    anna = contacts.create_contact({"first_name": "Anna", "last_name": "Tila"})["id"]
    org = contacts.create_contact({"kind": "organisation", "organisation_name": "Yhdistys ry"})["id"]
    contacts.add_members(c, [anna])
    contacts.add_members(a, [anna, org])
    statuses = wait_for(lambda: contacts.list_statuses(anna), 10)
    assert statuses[0]["kind"] == "trial" and statuses[0]["active"]
    assert statuses[0]["ends_on"] == (today() + timedelta(days=29)).isoformat()
    assert wait_for(lambda: sorted(member_ids(contacts, b)) == sorted([anna, org]), 10)
    assert wait_for(lambda: member_ids(contacts, c) == [], 10)  # the chain A -> B -> out of C ran
    runs = wait_for(lambda: len(contacts.automation_history(set_trial["id"])["items"]) == 2, 10)
    assert runs
    outcomes = {run["contact_id"]: run for run in contacts.automation_history(set_trial["id"])["items"]}
    assert outcomes[anna]["outcome"] == "done"
    assert outcomes[org]["outcome"] == "failed" and "person" in outcomes[org]["detail"]["error"]

    contacts.end_memberships(a, [anna])
    ended = wait_for(lambda: contacts.automation_history(end_trial["id"])["items"], 10)
    assert ended[0]["outcome"] == "done" and ended[0]["detail"]["trigger"]["type"] == "member_left"
    assert contacts.list_statuses(anna)[0]["ends_on"] == today().isoformat()


def test_b4_grace_period_moves_members_who_have_not_paid_once_on_its_day(system, clean_databases):
    """B4 (issue 15) with C8: "non-payers can be moved after a grace period". On the trigger's day, the
    members of the group (and its subgroups, if asked) who are not paid up for the period (no matched
    payment, no free or honorary flag) get the action once; paid-up members and other groups' contacts do
    not; the timer running again, or the next day, moves nobody twice; before its day it does nothing;
    the dry run lists who would be moved now; bad input names the field."""
    cluster, container = system
    contacts = cluster.contacts
    members = contacts.create_group("Jäsenet")["id"]
    local = contacts.create_group("Jäsenet, Tampere", parent_id=members)["id"]
    unpaid = contacts.create_group("Maksamattomat 2027")["id"]
    other = contacts.create_group("Lehden tilaajat")["id"]
    ids = {}
    for first in ("Aino", "Bertta", "Cecilia", "Daniel", "Eero"):
        ids[first] = contacts.create_contact({"first_name": first, "last_name": "Armonaika"})["id"]
    contacts.add_members(members, [ids["Aino"], ids["Bertta"], ids["Cecilia"]])
    contacts.add_members(local, [ids["Daniel"]])
    contacts.add_members(other, [ids["Eero"]])  # not a member: never moved
    with clean_databases["contacts"].begin() as conn:  # Bertta's 2027 fee is paid (billing's event did this)
        conn.execute(
            text(
                "INSERT INTO membership_payments (invoice_id, contact_id, period, paid_on)"
                " VALUES (gen_random_uuid(), :id, '2027', current_date)"
            ),
            {"id": ids["Bertta"]},
        )
    contacts.set_membership_flag(ids["Cecilia"], {"kind": "honorary", "reason": "Perustajajäsen"})
    day = today() + timedelta(days=1)
    definition = {
        "name": "Maksamattomat siirtoon",
        "trigger_type": "membership_unpaid_on",
        "trigger_config": {
            "period": "2027",
            "group_id": members,
            "include_subgroups": True,
            "on_date": day.isoformat(),
        },
        "action_type": "add_to_group",
        "action_config": {"group_id": unpaid},
    }
    dry = contacts.dry_run(definition=definition)
    assert {item["id"] for item in dry["items"]} == {ids["Aino"], ids["Daniel"]} and dry["count"] == 2
    assert dry["trigger_text"] == (
        f"On {day.isoformat()}: a member of 'Jäsenet' or a subgroup has not paid for 2027"
    )
    automation = contacts.create_automation(definition)
    with entrypoint_hook(container, "automations_date_timer") as hook:
        hook()  # today: the day has not come
    assert member_ids(contacts, unpaid) == []
    for moved_to in (day, day, day + timedelta(days=1)):  # its day, again, and the next day
        with time_machine.travel(datetime.combine(moved_to, time(12), clock.timezone()), tick=True):
            with entrypoint_hook(container, "automations_date_timer") as hook:
                hook()
            moved = member_ids(contacts, unpaid)  # memberships the action began on its day
    assert sorted(moved) == sorted([ids["Aino"], ids["Daniel"]])
    runs = contacts.automation_history(automation["id"])["items"]
    assert len(runs) == 2 and {run["outcome"] for run in runs} == {"done"}
    assert {run["trigger_key"] for run in runs} == {f"{ids[n]}:{day.isoformat()}" for n in ("Aino", "Daniel")}

    with pytest.raises(ValidationFailed) as error:
        contacts.create_automation(
            {
                **definition,
                "trigger_config": {"period": "ensi vuosi", "group_id": members, "on_date": "31.3."},
            }
        )
    assert error.value.details == {
        "trigger_config.period": ["contacts.membership_period_invalid"],
        "trigger_config.on_date": [{"code": "au.err_on_date_invalid", "params": {"value": "31.3."}}],
    }
