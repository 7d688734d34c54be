"""M1, M5 end to end over the real broker and databases and the Campaign Monitor emulator, through the
official createsend client: a list that follows a group with its subgroups, its consent-gated audience and
the reasons of the left-out, a full sync (custom fields made on demand, a value over Campaign Monitor's limit
refused by name, a suppressed address refused row by row in a code 210 answer), incremental syncs from
consent events, reconciliation of unsubscribes, webhooks (secret, malformed body, confirmed events),
Campaign Monitor failing and the sync going on, and an erasure that deletes the person at Campaign Monitor
with the proof in the audit log."""

import json

import createsend
import pytest
import requests
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import BadRequest, Conflict, NotFound, PermissionDenied, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.mailing import campaign_monitor
from services.mailing.emulator import server
from services.mailing.service import MailingService
from services.mailing.worker import MailingWorker
from tests.events import wait_for
from tests.integration.test_data_protection import seed_purposes

API_KEY, CLIENT_ID = "piiri-test-key", "piiri-test-client"
MAILER = make_actor(
    "mailer",
    permissions=(*ALL_PERMISSIONS, "mail.send", "groups.manage", "fields.manage", "gdpr.officer"),
)


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    running = server.start(API_KEY, CLIENT_ID, tmp_path_factory.mktemp("cm"), tick=0.1)
    yield running
    running.stop()


def cm_settings(emulator, **extra):
    """Mailing's settings pointing at the emulator (one quick retry), the GDPR services, and ``extra``."""
    return {
        "CAMPAIGN_MONITOR_BASE_URI": emulator.base_uri,
        "CAMPAIGN_MONITOR_API_KEY": API_KEY,
        "CAMPAIGN_MONITOR_CLIENT_ID": CLIENT_ID,
        "CAMPAIGN_MONITOR_CA_FILE": emulator.cert_path,
        "MAILING_CM_RETRIES": 1,
        "MAILING_CM_BACKOFF": 0.05,
        "GDPR_SERVICES": "contacts,audit,mailing",
        **extra,
    }


@pytest.fixture
def mailing(run_services, engines, emulator):
    seed_purposes(engines)
    settings = cm_settings(
        emulator,
        MAILING_SYNC_PAGE=5,  # several pages and import calls with a few contacts
        MAILING_RETRY_SECONDS=1,
    )
    run_services(ContactsService, AuditService, MailingService, MailingWorker, extra_config=settings)
    return campaign_monitor.configure(settings)


def control(emulator, path, body=None):
    answer = requests.post(emulator.control_uri + path, json=body or {}, verify=emulator.cert_path, timeout=5)
    assert answer.status_code == 200, answer.text
    return answer.json()


def wait_run(cluster, list_id, kind="full", count=1, timeout=30):
    def finished():
        runs = [run for run in cluster.mailing.sync_runs(list_id)["items"] if run["kind"] == kind]
        done = [run for run in runs if run["status"] in ("done", "failed")]
        return len(done) >= count and all(run["status"] in ("done", "failed") for run in runs) and runs[0]

    run = wait_for(finished, timeout)
    assert run, cluster.mailing.sync_runs(list_id)
    return run


def cm_states(account, cm_list_id):
    lists = createsend.List(account.auth, cm_list_id)
    states = {}
    for read in (lists.active, lists.unsubscribed, lists.bounced, lists.deleted):
        for item in read().Results:
            states[item.EmailAddress] = (item.State, {field.Key: field.Value for field in item.CustomFields})
    return states


def person(contacts, first, email=None, consent=True, **extra):
    created = contacts.create_contact(
        {"first_name": first, "last_name": "Postila", **({"email": email} if email else {}), **extra}
    )
    if consent:
        contacts.record_consent(created["id"], {"purpose": "newsletter", "given": True, "text_version": "v1"})
    return created


def group_list(cluster, group_name, list_name, contact_ids, purpose="newsletter"):
    """A group of the contacts and a mailing list of that group for ``purpose``: the list."""
    group = cluster.contacts.create_group(group_name)
    cluster.contacts.add_members(group["id"], contact_ids)
    return cluster.mailing.create_list(
        {"name": list_name, "purpose": purpose, "source_kind": "group", "source_id": group["id"]}
    )


def audit_actions(engines, contact_id):
    with engines["audit"].connect() as conn:
        rows = conn.execute(
            text(
                "SELECT action, details FROM audit_events WHERE :id = ANY(subject_ids) ORDER BY occurred_at"
            ),
            {"id": str(contact_id)},
        )
        return [(row.action, row.details) for row in rows]


def test_m1_m5_a_group_list_is_consent_gated_synced_kept_in_step_and_erased_at_campaign_monitor(
    mailing, rpc, engines, emulator
):
    account = mailing
    with rpc(MAILER, timeout=30) as cluster:
        contacts = cluster.contacts
        contacts.create_custom_field({"key": "motto", "label_fi": "Motto", "field_type": "text"})
        group = contacts.create_group("Jäsenet")
        youth = contacts.create_group("Nuoret", parent_id=group["id"])
        anna = person(contacts, "Anna", "anna@example.fi", city="Oulu", birth_date="1980-02-03")
        bertta = person(contacts, "Bertta", "bertta@example.fi", custom={"motto": "Aina valmiina"})
        cecilia = person(contacts, "Cecilia", "cecilia@example.fi", consent=False)
        daavid = person(contacts, "Daavid", "daavid@example.fi")
        contacts.mark_deceased(daavid["id"], {"deceased_on": "2024-01-02"})
        eero = person(contacts, "Eero")
        fanni = person(contacts, "Fanni", "fanni@example.fi", custom={"motto": "x" * 251})
        gustav = person(contacts, "Gustav", "gustav@example.fi")
        contacts.add_members(group["id"], [anna["id"], cecilia["id"], daavid["id"], eero["id"], fanni["id"]])
        contacts.add_members(youth["id"], [bertta["id"], gustav["id"]])
        createsend.Client(account.auth, CLIENT_ID).suppress("gustav@example.fi")

        with pytest.raises(ValidationFailed) as bad:
            cluster.mailing.create_list({"name": " ", "purpose": "nope", "source_kind": "group"})
        assert bad.value.message == "mailing.list_invalid"
        assert set(bad.value.details) >= {"name", "source_id"}
        with pytest.raises(ValidationFailed) as unknown_purpose:
            cluster.mailing.create_list(
                {"name": "Uutiskirje", "purpose": "nope", "source_kind": "group", "source_id": group["id"]}
            )
        assert unknown_purpose.value.message == "mailing.purpose_invalid"
        mailing_list = cluster.mailing.create_list(
            {
                "name": "Uutiskirje",
                "purpose": "newsletter",
                "source_kind": "group",
                "source_id": group["id"],
                "include_subgroups": True,
                "fields": ["first_name", "city", "birth_date", "custom.motto"],
            }
        )
        with pytest.raises(Conflict):
            cluster.mailing.create_list({**{k: mailing_list[k] for k in ("name", "purpose", "source_kind")},
                                         "source_id": group["id"]})  # fmt: skip

        audience = cluster.mailing.audience(mailing_list["id"])
        assert audience["total"] == 7
        assert audience["reasons"] == {
            "deceased": 1, "no_email": 1, "no_consent": 1, "unsubscribed": 0, "bounced": 0, "erased": 0,
        }  # fmt: skip
        left_out = cluster.mailing.audience(mailing_list["id"], "no_consent")["items"]
        assert [(item["id"], item["excluded"]) for item in left_out] == [(cecilia["id"], "no_consent")]

        cluster.mailing.start_sync(mailing_list["id"])
        run = wait_run(cluster, mailing_list["id"])
        assert run["status"] == "done", run
        assert (
            run["counts"]["pushed"] == 2 and run["counts"]["failed"] == 2 and run["counts"]["audience"] == 7
        )
        details = cluster.mailing.sync_run(run["id"])
        refused = {item["contact_id"]: item for item in details["failures"]}
        assert refused[fanni["id"]]["code"] == "mailing.value_too_long"
        assert refused[fanni["id"]]["details"]["field"] == "custom.motto"
        assert refused[gustav["id"]]["code"] == "mailing.campaign_monitor_rejected"
        assert refused[gustav["id"]]["details"]["cm_code"] == 204

        synced = cluster.mailing.get_list(mailing_list["id"])
        cm_list_id = synced["cm_list_id"]
        assert set(synced["cm_fields"]) == {"first_name", "city", "birth_date", "custom.motto"}
        fields = {
            item.FieldName: item.DataType
            for item in createsend.List(account.auth, cm_list_id).custom_fields()
        }
        assert fields == {"first_name": "Text", "city": "Text", "birth_date": "Date", "motto": "Text"}
        states = cm_states(account, cm_list_id)
        assert set(states) == {"anna@example.fi", "bertta@example.fi"}
        assert states["anna@example.fi"] == (
            "Active",
            {"first_name": "Anna", "city": "Oulu", "birth_date": "1980/02/03"},
        )
        assert states["bertta@example.fi"][1]["motto"] == "Aina valmiina"
        disclosed = [
            details
            for action, details in audit_actions(engines, anna["id"])
            if action == "mailing.subscribers_disclosed"
        ]
        assert (
            disclosed
            and disclosed[0]["recipient"] == "Campaign Monitor"
            and disclosed[0]["cm_list_id"] == cm_list_id
        )

        # incremental: consent withdrawn -> deleted at Campaign Monitor; consent given -> added
        contacts.record_consent(anna["id"], {"purpose": "newsletter", "given": False})
        contacts.record_consent(cecilia["id"], {"purpose": "newsletter", "given": True})
        assert wait_for(
            lambda: cm_states(account, cm_list_id).get("anna@example.fi", ("",))[0] == "Deleted", 30
        )
        assert wait_for(
            lambda: cm_states(account, cm_list_id).get("cecilia@example.fi", ("",))[0] == "Active", 30
        )

        # an unsubscribe at Campaign Monitor is flagged at the next full sync and never re-added
        control(
            emulator,
            f"/lists/{cm_list_id}/deactivate",
            {"email": "bertta@example.fi", "state": "Unsubscribed"},
        )
        cluster.mailing.start_sync(mailing_list["id"])
        run = wait_run(cluster, mailing_list["id"], count=2)
        assert run["status"] == "done" and run["counts"]["excluded"]["unsubscribed"] == 1, run
        assert cm_states(account, cm_list_id)["bertta@example.fi"][0] == "Unsubscribed"
        assert cluster.mailing.flags_of([bertta["id"]])[bertta["id"]][0]["kind"] == "unsubscribed"
        assert wait_for(  # the flag is a change of her data: audited, naming where it came from
            lambda: (
                ("mailing.contact_unsubscribed", {"list_id": mailing_list["id"], "source": "reconcile"})
                in audit_actions(engines, bertta["id"])
            ),
            15,
        )
        flagged = cluster.mailing.audience(mailing_list["id"], "unsubscribed")["items"]
        assert [item["id"] for item in flagged] == [bertta["id"]]

        # webhooks: the secret, a malformed body, an event Campaign Monitor confirms (a hard bounce)
        with pytest.raises(PermissionDenied):
            cluster.mailing.receive_webhook(mailing_list["id"], "wrong", "{}")
        with engines["mailing"].connect() as conn:
            secret = conn.execute(
                text("SELECT webhook_secret FROM mailing_lists WHERE id = :id"), {"id": mailing_list["id"]}
            ).scalar_one()
        with pytest.raises(BadRequest):
            cluster.mailing.receive_webhook(mailing_list["id"], secret, "{not json")
        control(
            emulator, f"/lists/{cm_list_id}/deactivate", {"email": "cecilia@example.fi", "state": "Bounced"}
        )
        forged = {
            "Type": "Deactivate",
            "State": "Bounced",
            "EmailAddress": "anna@example.fi",
            "Date": "2026-01-01 10:00:00",
        }
        real = {**forged, "EmailAddress": "cecilia@example.fi"}
        stranger = {**forged, "EmailAddress": "ei.listalla@example.fi"}  # not on the list at CM
        body = {"Events": [forged, stranger, real], "ListID": cm_list_id}
        assert cluster.mailing.receive_webhook(mailing_list["id"], secret, json.dumps(body)) == {
            "flagged": 1,
            "ignored": 2,
        }
        assert [flag["kind"] for flag in cluster.mailing.flags_of([cecilia["id"]])[cecilia["id"]]] == [
            "bounced"
        ]
        # a list never synced has nothing at Campaign Monitor to confirm against: every event is ignored
        unsynced = cluster.mailing.create_list(
            {"name": "Vielä tyhjä", "purpose": "newsletter", "source_kind": "group", "source_id": group["id"]}
        )
        with engines["mailing"].connect() as conn:
            unsynced_secret = conn.execute(
                text("SELECT webhook_secret FROM mailing_lists WHERE id = :id"), {"id": unsynced["id"]}
            ).scalar_one()
        assert cluster.mailing.receive_webhook(unsynced["id"], unsynced_secret, json.dumps(body)) == {
            "flagged": 0,
            "ignored": 3,
        }

        # G3 and G4: the access report lists the person's mailing data; erasure deletes them at CM
        held = cluster.mailing.personal_data(bertta["id"])["sections"]
        assert [item["email"] for item in held["mailing_lists"]] == ["bertta@example.fi"]
        contacts.request_erasure(bertta["id"], "pyyntö")
        assert wait_for(lambda: cm_states(account, cm_list_id)["bertta@example.fi"][0] == "Deleted", 30)
        assert wait_for(
            lambda: cluster.mailing.personal_data(bertta["id"])["sections"]["mailing_lists"] == [], 30
        )
        assert wait_for(
            lambda: (
                "mailing.erased_at_campaign_monitor" in [a for a, _ in audit_actions(engines, bertta["id"])]
            ),
            30,
        )
        assert cluster.mailing.audience(mailing_list["id"])["reasons"]["erased"] == 1


def test_m1_campaign_monitor_failing_and_slow_the_sync_retries_and_completes(mailing, rpc, emulator):
    account = mailing
    with rpc(MAILER, timeout=30) as cluster:
        contacts = cluster.contacts
        people = [person(contacts, f"Jäsen{n}", f"j{n}@example.fi") for n in range(3)]
        mailing_list = group_list(cluster, "Hallitus", "Hallituksen posti", [item["id"] for item in people])
        control(emulator, "/faults", {"status": 503, "count": 1, "path": "/import.json"})
        control(emulator, "/faults", {"status": 429, "count": 1, "path": "/lists/"})
        control(emulator, "/faults", {"status": 0, "delay": 0.3, "count": 1, "path": "/lists/"})
        cluster.mailing.start_sync(mailing_list["id"])
        with pytest.raises(Conflict):
            cluster.mailing.start_sync(mailing_list["id"])
        run = wait_run(cluster, mailing_list["id"])
        assert run["status"] == "done" and run["counts"]["pushed"] == 3, run
        cm_list_id = cluster.mailing.get_list(mailing_list["id"])["cm_list_id"]
        active = {email for email, (state, _) in cm_states(account, cm_list_id).items() if state == "Active"}
        assert active == {"j0@example.fi", "j1@example.fi", "j2@example.fi"}
        log = requests.get(emulator.control_uri + "/requests", verify=emulator.cert_path, timeout=5).json()
        imports = [path for _, path in log if path.endswith(f"/{cm_list_id}/import.json")]
        assert len(imports) == 2  # one answered 503, the retry took the batch


def test_m1_a_sync_stopped_by_campaign_monitor_resumes_where_it_stopped_nothing_lost_nothing_twice(
    mailing, rpc, emulator
):
    """Pages of 5: the second page's import fails beyond the retries, the run fails retryably with its
    position saved; the worker's timer queues it again and it goes on from the second page."""
    account = mailing
    with rpc(MAILER, timeout=30) as cluster:
        contacts = cluster.contacts
        ids = [
            contacts.create_contact(
                {"first_name": f"Jäsen{n:02d}", "last_name": "Jatkaja", "email": f"r{n}@example.fi"}
            )["id"]
            for n in range(12)
        ]
        # a legitimate interest: no consent needed
        mailing_list = group_list(cluster, "Kaikki", "Jäsenviestit", ids, purpose="member_communication")
        requests.delete(emulator.control_uri + "/requests", verify=emulator.cert_path, timeout=5)
        control(emulator, "/faults", {"status": 503, "count": 2, "skip": 1, "path": "/import.json"})
        run = cluster.mailing.start_sync(mailing_list["id"])
        failed = wait_for(lambda: (r := cluster.mailing.sync_run(run["id"]))["status"] == "failed" and r, 30)
        assert failed and failed["error"] == "mailing.campaign_monitor_unavailable", cluster.mailing.sync_run(
            run["id"]
        )
        assert failed["counts"]["pushed"] == 5 and failed["counts"]["cursor"]
        done = wait_for(lambda: (r := cluster.mailing.sync_run(run["id"]))["status"] == "done" and r, 30)
        assert done and done["counts"]["pushed"] == 12 and done["error"] is None, cluster.mailing.sync_run(
            run["id"]
        )
        cm_list_id = cluster.mailing.get_list(mailing_list["id"])["cm_list_id"]
        states = cm_states(account, cm_list_id)
        assert len(states) == 12 and {state for state, _ in states.values()} == {"Active"}
        log = requests.get(emulator.control_uri + "/requests", verify=emulator.cert_path, timeout=5).json()
        imports = [path for _, path in log if path.endswith(f"/{cm_list_id}/import.json")]
        assert len(imports) == 5  # page 1; page 2 twice refused; then pages 2 and 3 once each


def test_m1_a_member_whose_address_changed_leaves_campaign_monitor_under_the_old_one(
    mailing, rpc, emulator, engines
):
    """A re-sync pushes the new address and deletes the old one at Campaign Monitor (the members whose
    recorded address differs are read in the import's own transaction, before the upsert)."""
    account = mailing
    with rpc(MAILER, timeout=30) as cluster:
        contacts = cluster.contacts
        people = [person(contacts, f"Muuttaja{n}", f"vanha{n}@example.fi") for n in range(3)]
        mailing_list = group_list(cluster, "Muuttajat", "Muuttajien posti", [item["id"] for item in people])
        cluster.mailing.start_sync(mailing_list["id"])
        assert wait_run(cluster, mailing_list["id"])["status"] == "done"
        cm_list_id = cluster.mailing.get_list(mailing_list["id"])["cm_list_id"]
        contacts.update_contact(people[1]["id"], {"email": "uusi1@example.fi"})

        def full_sync_started():  # an incremental sync of the change may be running: then try again
            try:
                return cluster.mailing.start_sync(mailing_list["id"])
            except Conflict:
                return None

        run = wait_for(full_sync_started, 20)
        assert run
        done = wait_for(lambda: (r := cluster.mailing.sync_run(run["id"]))["status"] == "done" and r, 30)
        assert done and done["counts"]["pushed"] == 3, cluster.mailing.sync_run(run["id"])
        states = {email: state for email, (state, _) in cm_states(account, cm_list_id).items()}
        assert states == {
            "vanha0@example.fi": "Active",
            "vanha1@example.fi": "Deleted",
            "uusi1@example.fi": "Active",
            "vanha2@example.fi": "Active",
        }
    with engines["mailing"].connect() as conn:
        members = conn.execute(
            text("SELECT email, state FROM list_members WHERE list_id = :id"), {"id": mailing_list["id"]}
        ).all()
    assert sorted(members) == [
        ("uusi1@example.fi", "active"),
        ("vanha0@example.fi", "active"),
        ("vanha2@example.fi", "active"),
    ]


@pytest.fixture
def mailing_with_webhook(run_services, engines, emulator):
    """Mailing whose lists get a webhook, at an address where nothing answers (port 9 of this machine)."""
    seed_purposes(engines)
    settings = cm_settings(emulator, MAILING_WEBHOOK_BASE_URL="http://127.0.0.1:9")
    run_services(ContactsService, AuditService, MailingService, MailingWorker, extra_config=settings)
    return campaign_monitor.configure(settings)


def test_m5_a_webhook_campaign_monitor_switched_off_is_an_alert_that_staff_switch_on_again(
    mailing_with_webhook, rpc, emulator
):
    """Campaign Monitor switches off a webhook whose deliveries keep failing; the next sync sees it (the
    list's alert), and reactivate_webhook switches it on there again and clears the alert; a webhook
    deleted there is made anew."""
    with rpc(MAILER, timeout=30) as cluster:
        contacts, mailing = cluster.contacts, cluster.mailing
        created = group_list(
            cluster, "Webhook", "Webhook", [person(contacts, "Wilma", "wilma@example.fi")["id"]]
        )
        with pytest.raises(Conflict) as none_yet:
            mailing.reactivate_webhook(created["id"])
        assert none_yet.value.message == "mailing.webhook_none"
        mailing.start_sync(created["id"])
        assert wait_run(cluster, created["id"])["status"] == "done"
        synced = mailing.get_list(created["id"])
        hooks = emulator.account.lists[synced["cm_list_id"]].webhooks
        [hook_id] = hooks
        assert synced["webhook_active"] and hooks[hook_id]["Status"] == "Active"

        # her unsubscribe's Deactivate event cannot be delivered: after 5 rounds the webhook is off
        control(emulator, f"/lists/{synced['cm_list_id']}/deactivate", {"email": "wilma@example.fi"})
        assert wait_for(lambda: hooks[hook_id]["Status"] == "Unactive", 15)
        mailing.start_sync(created["id"])
        wait_run(cluster, created["id"], count=2)
        alerted = mailing.get_list(created["id"])
        assert alerted["webhook_deactivated_at"] and not alerted["webhook_active"]

        # staff switch it on again: on at Campaign Monitor, no alert
        back = mailing.reactivate_webhook(created["id"])
        assert back["webhook_active"] and back["webhook_deactivated_at"] is None
        assert hooks[hook_id]["Status"] == "Active"
        mailing.start_sync(created["id"])
        wait_run(cluster, created["id"], count=3)
        assert mailing.get_list(created["id"])["webhook_deactivated_at"] is None  # a sync keeps it so

        # deleted at Campaign Monitor: made anew, with the list's secret URL
        createsend.List(mailing_with_webhook.auth, synced["cm_list_id"]).delete_webhook(hook_id)
        remade = mailing.reactivate_webhook(created["id"])
        [new_id] = hooks
        assert remade["webhook_active"] and new_id != hook_id and hooks[new_id]["Status"] == "Active"
        assert hooks[new_id]["Url"].startswith(f"http://127.0.0.1:9/api/v1/mailing/webhooks/{created['id']}/")
        with pytest.raises(NotFound):
            mailing.reactivate_webhook("00000000-0000-0000-0000-000000000000")
