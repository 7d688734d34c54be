"""Issue 18: the contacts service's background work runs in the contacts worker, end to end over the real
broker and database. The processes answering staff have no timer to run; the worker's duplicate scan
stores the pairs staff then review through the service; an automation's event published while no worker
runs (even on a broker where none ever started) waits in its queue and is handled once a worker starts."""

import pytest
from kombu import Connection
from nameko.exceptions import ExtensionNotFound
from nameko.testing.services import entrypoint_hook
from nameko.testing.utils import get_container
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.messaging import kept_queues, queue_states
from services.audit.service import AuditService
from services.contacts.merge import rpc as merge_rpc
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from tests.events import wait_for

ADMIN = make_actor("worker-admin", permissions=(*ALL_PERMISSIONS, "groups.manage", "automations.manage"))


def joined_a_adds_to_b(a, b):
    """The definition of the automation "A -> B": whoever joins group ``a`` is added to group ``b``."""
    return {
        "name": "A -> B",
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": a},
        "action_type": "add_to_group",
        "action_config": {"group_id": b},
    }


def test_issue18_the_worker_scans_for_duplicates_and_the_service_shows_them(
    run_services, rpc, clean_databases
):
    service = run_services(ContactsService, AuditService)
    worker = run_services(ContactsWorker)
    with pytest.raises(ExtensionNotFound):  # no such entrypoint in the process answering staff
        with entrypoint_hook(get_container(service, ContactsService), "scan_duplicates"):
            pass
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        one = contacts.create_contact({"first_name": "Veikko", "last_name": "Taustala", "email": "v@t.fi"})
        two = contacts.create_contact({"first_name": "Veikko", "last_name": "Taustala", "email": "V@t.fi"})
        with clean_databases["contacts"].begin() as conn:  # older than the scan's few seconds of settling
            conn.execute(text("UPDATE contacts SET updated_at = updated_at - interval '1 minute'"))
        assert contacts.list_duplicate_candidates()["items"] == []
        with entrypoint_hook(get_container(worker, ContactsWorker), "scan_duplicates") as scan:
            scan()
        pairs = contacts.list_duplicate_candidates()["items"]
        assert [{p["contact_a"]["id"], p["contact_b"]["id"]} for p in pairs] == [{one["id"], two["id"]}]
        with clean_databases["contacts"].connect() as conn:  # the watermark moved: the next scan goes on
            assert conn.execute(text("SELECT scanned_until FROM duplicate_scans")).scalar_one() is not None


def test_issue18_a_scan_tick_stops_at_its_time_budget_and_the_next_goes_on_from_there(
    run_services, rpc, clean_databases, monkeypatch
):
    """The worker's scan shares the contacts database with staff: each tick takes contacts for at most
    SCAN_BUDGET seconds (here 0: one contact a tick), and the watermark moves past only those."""
    monkeypatch.setattr(merge_rpc, "SCAN_BUDGET", 0)
    run_services(ContactsService, AuditService)
    worker = run_services(ContactsWorker)
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        made = [
            contacts.create_contact({"first_name": "Aune", "last_name": "Budjetti", "email": email})
            for email in ("aune@b.fi", "Aune@b.fi", "aune@B.fi")
        ]
        with clean_databases["contacts"].begin() as conn:  # older than the scan's few seconds of settling
            conn.execute(text("UPDATE contacts SET updated_at = updated_at - interval '1 minute'"))
        with clean_databases["contacts"].connect() as conn:
            order = [
                str(row[0]) for row in conn.execute(text("SELECT id FROM contacts ORDER BY updated_at, id"))
            ]
        assert sorted(order) == sorted(contact["id"] for contact in made)
        with entrypoint_hook(get_container(worker, ContactsWorker), "scan_duplicates") as scan:
            for ticks, contact_id in enumerate(order, start=1):
                scan()
                with clean_databases["contacts"].connect() as conn:
                    watermark = conn.execute(text("SELECT scanned_id FROM duplicate_scans")).scalar_one()
                assert str(watermark) == contact_id, ticks  # one contact a tick, in the scan's order
            pairs = contacts.list_duplicate_candidates()["items"]  # the same person thrice: every pair
        assert len(pairs) == 3
        assert contacts.find_duplicates()["scanned"] == 0  # nothing left behind the watermark


def test_issue18_an_automation_event_waits_for_the_worker_and_runs_once_it_starts(
    run_services, rpc, config, clean_databases
):
    queues = kept_queues(ContactsWorker)
    with Connection(config["AMQP_URI"]) as connection:  # as on a broker where no worker ever started
        for queue in queues:
            queue.bind(connection.default_channel).delete()
    run_services(ContactsService, AuditService)  # declares the worker's queues itself (KeptQueues)
    joined_queue = "evt-contacts-member_joined--contacts.automations_on_member_joined"
    assert joined_queue in {queue.name for queue in queues}
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        a = contacts.create_group("Taustat A")["id"]
        b = contacts.create_group("Taustat B")["id"]
        contacts.create_automation(joined_a_adds_to_b(a, b))
        anna = contacts.create_contact({"first_name": "Anna", "last_name": "Odottava"})["id"]
        contacts.add_members(a, [anna])
        assert wait_for(lambda: queue_states(config["AMQP_URI"], [joined_queue])[joined_queue] == (1, 0), 10)
        assert contacts.members(b)["items"] == []  # nobody runs automations in the service's processes

        run_services(ContactsWorker)
        assert wait_for(lambda: [m["id"] for m in contacts.members(b)["items"]] == [anna], 10)
        assert wait_for(lambda: contacts.automation_history()["items"], 5)[0]["outcome"] == "done"
    assert queue_states(config["AMQP_URI"], [joined_queue])[joined_queue][0] == 0


def test_c8_a_join_from_before_the_automation_existed_does_not_run_it(run_services, rpc, config):
    """C8: Anna joins A while no worker runs, so her member_joined event is still queued when "A -> B" is
    created; the worker then takes her event and must leave her alone (the join happened before the
    automation existed), while Bertta's later join runs it. This was a race on a busy machine."""
    run_services(ContactsService, AuditService)
    joined_queue = "evt-contacts-member_joined--contacts.automations_on_member_joined"
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        a = contacts.create_group("Ennen A")["id"]
        b = contacts.create_group("Ennen B")["id"]
        anna = contacts.create_contact({"first_name": "Anna", "last_name": "Aiempi"})["id"]
        contacts.add_members(a, [anna])
        assert wait_for(lambda: queue_states(config["AMQP_URI"], [joined_queue])[joined_queue] == (1, 0), 10)
        contacts.create_automation(joined_a_adds_to_b(a, b))
        run_services(ContactsWorker)
        assert wait_for(lambda: queue_states(config["AMQP_URI"], [joined_queue])[joined_queue] == (0, 1), 10)
        bertta = contacts.create_contact({"first_name": "Bertta", "last_name": "Myöhempi"})["id"]
        contacts.add_members(a, [bertta])
        assert wait_for(lambda: contacts.members(b)["items"], 10)
        assert [m["id"] for m in contacts.members(b)["items"]] == [bertta]
        assert [run["contact_id"] for run in contacts.automation_history()["items"]] == [bertta]
