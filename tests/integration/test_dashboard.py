"""Issue 13 item 2: the dashboard's figures over the real broker and databases, one RPC per service:
contacts ``dashboard_figures`` (contacts and members with their trend, joined and left this month,
duplicates waiting, erasures pending; audited as one ``contact.counted`` record; a scoped user's figures
are of their scope only), imports and exports ``dashboard_figures`` (jobs in progress) and audit
``my_recent_changes`` (the caller's last changes, reads left out)."""

import dataclasses
import json
import uuid
from datetime import timedelta

import pytest
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_container
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from piiri.context import context_data_for
from piiri.errors import PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.dashboard.rpc import MAX_AGE_SECONDS, REFRESH_AFTER_SECONDS, year_before
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from services.exports.service import ExportsService
from services.imports.service import ImportsService
from tests.events import wait_for

PERMISSIONS = (*ALL_PERMISSIONS, "groups.manage", "gdpr.officer", "contacts.import", "contacts.export")
ADMIN = make_actor("dashboard-admin", permissions=PERMISSIONS)
STAFF = make_actor("dashboard-staff", permissions=("contacts.view", "contacts.edit"), roles=("staff",))


@pytest.fixture
def world(run_services, rpc, engines):
    """Helsinki and Turku; six people whose memberships and creation days make known figures:

    Aino   created 400 days ago, in Helsinki since 400 days ago
    Bertta created  40 days ago, in Helsinki since 40 days ago
    Cecilia created now,          in Helsinki since the first of this month (joined this month)
    Dora   created 500 days ago, in Turku from 500 days ago to today (left this month)
    Eero   created now,          in no group
    Frans  created 100 days ago, in Helsinki and in Turku since 100 days ago (one member, two memberships)
    """
    runner = run_services(ContactsService, ContactsWorker, AuditService, ImportsService, ExportsService)
    today = clock.today()
    ago = lambda days: (today - timedelta(days=days)).isoformat()  # noqa: E731
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        helsinki = contacts.create_group("Helsinki")
        turku = contacts.create_group("Turku")
        people = {
            name: contacts.create_contact({"first_name": name, "last_name": "Dashtest"})["id"]
            for name in ("Aino", "Bertta", "Cecilia", "Dora", "Eero", "Frans")
        }
        contacts.add_members(helsinki["id"], [people["Aino"]], starts_on=ago(400))
        contacts.add_members(helsinki["id"], [people["Bertta"]], starts_on=ago(40))
        contacts.add_members(helsinki["id"], [people["Cecilia"]], starts_on=today.replace(day=1).isoformat())
        contacts.add_members(turku["id"], [people["Dora"]], starts_on=ago(500), ends_on=today.isoformat())
        contacts.add_members(helsinki["id"], [people["Frans"]], starts_on=ago(100))
        contacts.add_members(turku["id"], [people["Frans"]], starts_on=ago(100))
    with engines["contacts"].begin() as conn:
        for name, days in (("Aino", 400), ("Bertta", 40), ("Dora", 500), ("Frans", 100)):
            conn.execute(
                text("UPDATE contacts SET created_at = now() - make_interval(days => :days) WHERE id = :id"),
                {"days": days, "id": people[name]},
            )
        pairs = [sorted([people["Aino"], people["Eero"]]), sorted([people["Aino"], people["Bertta"]])]
        for first, second in pairs:
            conn.execute(
                text("INSERT INTO duplicate_candidates (contact_a, contact_b, score) VALUES (:a, :b, 90)"),
                {"a": first, "b": second},
            )
        for completed in (None, clock.now()):
            conn.execute(
                text(
                    "INSERT INTO erasures (contact_id, requested_by, completed_at)"
                    " VALUES (:id, 'dashboard-admin', :completed)"
                ),
                {"id": uuid.uuid4(), "completed": completed},
            )
    return {"people": people, "helsinki": helsinki, "turku": turku, "today": today, "runner": runner}


def counted_dashboards(engines):
    with engines["audit"].connect() as conn:
        return conn.execute(
            text(
                "SELECT actor_username, subject_ids, details FROM audit_events"
                " WHERE action = 'contact.counted' AND details->>'counted' = 'dashboard' ORDER BY seq"
            )
        ).all()


def test_issue13_dashboard_figures_are_right_on_known_data_and_audited(world, rpc, engines):
    today = world["today"]
    with rpc(ADMIN) as cluster:
        figures = cluster.contacts.dashboard_figures()
    assert figures["days"] == {
        "today": today.isoformat(),
        "short": (today - timedelta(days=30)).isoformat(),
        "long": year_before(today).isoformat(),
        "month_start": today.replace(day=1).isoformat(),
    }
    assert figures["contacts"] == {"total": 6, "new_short": 2, "new_long": 4}
    # now: Aino, Bertta, Cecilia, Frans; 30 days ago: Aino, Bertta, Dora, Frans; a year ago: Aino, Dora
    assert figures["members"] == {
        "now": 4,
        "then_short": 4,
        "then_long": 2,
        "joined_month": 1,
        "left_month": 1,
    }
    assert figures["duplicates_waiting"] == 2 and figures["erasures_pending"] == 1
    assert figures["scoped"] is False

    # One audit record by the caller naming what was counted and the numbers; no contact named.
    records = wait_for(lambda: counted_dashboards(engines))
    assert len(records) == 1
    record = records[0]
    assert record.actor_username == "dashboard-admin" and record.subject_ids == []
    assert record.details["contacts"]["total"] == 6 and record.details["members"]["now"] == 4
    assert record.details["duplicates_waiting"] == 2 and record.details["erasures_pending"] == 1


def test_issue13_a_scoped_user_gets_the_figures_of_their_scope_only(world, rpc):
    """C6: limited to Helsinki (Aino, Bertta, Cecilia, Frans), nobody else is counted anywhere."""
    actor = dataclasses.replace(
        make_actor("dashboard-scoped", permissions=PERMISSIONS, roles=("staff",)),
        scoped=True,
        scope_group_ids=(world["helsinki"]["id"],),
    )
    with rpc(actor) as cluster:
        figures = cluster.contacts.dashboard_figures()
        assert figures["scoped"] is True
        assert figures["contacts"] == {"total": 4, "new_short": 1, "new_long": 3}
        # Dora (Turku only) is neither counted 30 days nor a year ago, nor as having left
        assert figures["members"] == {
            "now": 4,
            "then_short": 3,
            "then_long": 1,
            "joined_month": 1,
            "left_month": 0,
        }
        assert figures["duplicates_waiting"] == 1  # Aino-Bertta; Aino-Eero has Eero out of scope
        # Their own imports only; the audit log beyond a contact's trail is not theirs.
        assert cluster.imports.dashboard_figures() == {"in_progress": 0, "working": 0}
        with pytest.raises(PermissionDenied):
            cluster.audit.my_recent_changes()
    nobody = dataclasses.replace(actor, scope_group_ids=())
    with rpc(nobody) as cluster:
        figures = cluster.contacts.dashboard_figures()
    assert figures["contacts"]["total"] == 0 and figures["members"]["now"] == 0
    assert figures["duplicates_waiting"] == 0


def test_issue13_erasures_only_for_the_officer_and_figures_need_contacts_view(world, rpc):
    with rpc(STAFF) as cluster:
        assert cluster.contacts.dashboard_figures()["erasures_pending"] is None
    with rpc(make_actor("dashboard-none", permissions=("contacts.import",), roles=("x",))) as cluster:
        with pytest.raises(PermissionDenied):
            cluster.contacts.dashboard_figures()


def test_issue13_imports_and_exports_in_progress(world, rpc, engines):
    with rpc(ADMIN) as cluster:
        assert cluster.imports.dashboard_figures() == {"in_progress": 0, "working": 0}
        cluster.imports.create_import("jasenet.csv")
        assert cluster.imports.dashboard_figures() == {"in_progress": 1, "working": 0}
        assert cluster.exports.dashboard_figures() == {"in_progress": 0, "ready": 0}
    actor = context_data_for(ADMIN)
    with engines["exports"].begin() as conn:
        for status, expired in (("queued", None), ("running", None), ("done", None), ("done", clock.now())):
            conn.execute(
                text(
                    "INSERT INTO export_jobs (actor_id, actor_username, actor, format, selection, status,"
                    " expired_at) VALUES (:actor_id, 'dashboard-admin', CAST(:actor AS jsonb), 'csv',"
                    " '{}'::jsonb, :status, :expired)"
                ),
                {"actor_id": ADMIN.id, "actor": json.dumps(actor), "status": status, "expired": expired},
            )
        conn.execute(
            text(
                "INSERT INTO export_jobs (actor_id, actor_username, actor, format, selection, status)"
                " VALUES ('someone-else', 'other', '{}'::jsonb, 'csv', '{}'::jsonb, 'queued')"
            )
        )
    with rpc(ADMIN) as cluster:
        assert cluster.exports.dashboard_figures() == {"in_progress": 2, "ready": 1}  # their own only


def test_issue13_my_recent_changes_are_my_writes_newest_first_without_reads(world, rpc, engines):
    people = world["people"]
    with rpc(ADMIN) as cluster:
        cluster.contacts.update_contact(people["Eero"], {"email": "eero@example.org"})
        cluster.contacts.get_contact(people["Eero"])  # a read: not a change
        cluster.contacts.search_contacts(q="Dashtest")
        changes = wait_for(
            lambda: (
                (items := cluster.audit.my_recent_changes(limit=3)["items"])
                and items[0]["action"] == "contact.updated"
                and items
            )
        )
        assert len(changes) == 3 and changes[0]["action"] == "contact.updated"
        assert not any(item["action"].endswith(("viewed", "listed", "counted")) for item in changes)
        assert changes[0]["subject_ids"] == [people["Eero"]] and "email" in changes[0]["fields"]
        everything = cluster.audit.my_recent_changes(limit=100)["items"]
        assert {item["actor"]["username"] for item in everything} == {"dashboard-admin"}
        assert sum(item["action"] == "contact.created" for item in everything) == 6
    # Reading them is itself recorded, naming the user and the contacts whose changes were shown.
    with engines["audit"].connect() as conn:
        viewed = conn.execute(
            text(
                "SELECT subject_ids FROM audit_events WHERE action = 'audit.own_changes_viewed'"
                " ORDER BY seq DESC LIMIT 1"
            )
        ).scalar()
    assert viewed[0] == ADMIN.id and people["Eero"] in viewed and people["Aino"] in viewed
    with rpc(STAFF) as cluster, pytest.raises(PermissionDenied):
        cluster.audit.my_recent_changes()


def test_issue13_figures_are_kept_while_fresh_and_counted_again_when_old(world, rpc, engines):
    """The figures are answered from dashboard_figures for MAX_AGE_SECONDS with the time they were counted
    (fast at any size); older ones are counted again when asked, and the timer counts again the ones in use
    before then. Every answer is audited, a kept one too."""
    with rpc(ADMIN) as cluster:
        first = cluster.contacts.dashboard_figures()
        cluster.contacts.create_contact({"first_name": "Gunnar", "last_name": "Dashtest"})
        kept = cluster.contacts.dashboard_figures()
        assert kept["contacts"]["total"] == 6 and kept["counted_at"] == first["counted_at"]

        def age(seconds):
            with engines["contacts"].begin() as conn:
                conn.execute(
                    text("UPDATE dashboard_figures SET computed_at = now() - make_interval(secs => :s)"),
                    {"s": seconds},
                )

        age(MAX_AGE_SECONDS + 5)
        again = cluster.contacts.dashboard_figures()
        assert again["contacts"]["total"] == 7 and again["counted_at"] > first["counted_at"]

        cluster.contacts.create_contact({"first_name": "Hilma", "last_name": "Dashtest"})
        age(REFRESH_AFTER_SECONDS + 5)  # not yet too old to answer, but the timer counts it again
        container = get_container(world["runner"], ContactsWorker)
        with entrypoint_hook(container, "dashboard_refresh_timer") as tick:
            assert tick() == 1
        refreshed = cluster.contacts.dashboard_figures()
        assert refreshed["contacts"]["total"] == 8
    assert len(wait_for(lambda: len(counted_dashboards(engines)) >= 4 and counted_dashboards(engines))) == 4


def test_issue13_the_contact_list_filters_behind_the_cards(world, rpc):
    """member, joined_from and left_from (the lists the members and this-month cards link to) find the
    people the figures counted; a bad value is named (a 4xx), never a failure."""
    first_of_month = world["today"].replace(day=1).isoformat()

    def names(cluster, **filters):
        page = cluster.contacts.search_contacts(filters=filters, limit=50)
        return sorted(item["display_name"].split()[0] for item in page["items"])

    with rpc(ADMIN) as cluster:
        assert names(cluster, member="true") == ["Aino", "Bertta", "Cecilia", "Frans"]
        assert names(cluster, member="false") == ["Dora", "Eero"]
        assert names(cluster, joined_from=first_of_month) == ["Cecilia"]
        assert names(cluster, left_from=first_of_month) == ["Dora"]
        for bad in ({"member": "maybe"}, {"joined_from": "eilen"}, {"left_from": "2026-13-01"}):
            with pytest.raises(ValidationFailed) as refused:
                cluster.contacts.search_contacts(filters=bad)
            assert set(refused.value.details) == set(bad)
