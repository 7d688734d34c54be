"""Issue 11 item 7: each service runs as its own RabbitMQ user with only the permissions it needs
(piiri/broker_users.py): the services work end to end with them, and a user cannot read another
service's queue nor publish another service's events."""

import json
import shutil
import subprocess
import types
import uuid

import pytest
import requests
from amqp.exceptions import AccessRefused
from kombu import Connection

from conftest import ALL_PERMISSIONS, make_actor
from gateway.service import GatewayService
from piiri import broker_users, dead_letters
from piiri.messaging import AUDIT_QUEUE, event_publisher
from piiri_cli import cli
from services.audit.service import AuditService
from services.billing.service import BillingService
from services.billing.worker import BillingWorker
from services.contacts.service import ContactsService
from services.contacts.worker import ContactsWorker
from services.exports.service import ExportsService
from services.exports.worker import ExportWorker
from services.imports.service import ImportsService
from services.imports.worker import ImportWorker
from services.mailing.emulator import server as cm_emulator
from services.mailing.service import MailingService
from services.mailing.worker import MailingWorker
from services.surveys.service import SurveysService
from tests.events import wait_for
from tests.integration.test_data_protection import seed_purposes

pytestmark = pytest.mark.skipif(not shutil.which("rabbitmqctl"), reason="needs rabbitmqctl")


def rabbitmqctl(*args):
    return subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def service_uris(config):
    """Each service's user (named after this vhost, so parallel runs do not collide) and its AMQP URI.

    Created in one ``rabbitmqctl import_definitions`` (users with their passwords, and their permissions:
    a user left by a killed run gets the new password) and deleted side by side: each rabbitmqctl call
    boots an Erlang node (~1 s), and three calls for each of the 12 users took half a minute."""
    uri = config["AMQP_URI"]
    vhost = uri.rsplit("/", 1)[-1]
    host = uri.split("@", 1)[1].rsplit("/", 1)[0]
    users, permissions, uris = [], [], {}
    for user, service, allowed in broker_users.plan():
        name, password = f"{user}-{vhost}", f"pw-{uuid.uuid4().hex}"
        users.append({"name": name, "password": password, "tags": ""})
        permissions.append({"user": name, "vhost": vhost, **allowed})
        uris[service] = f"pyamqp://{name}:{password}@{host}/{vhost}"
    definitions = json.dumps({"users": users, "permissions": permissions})
    done = subprocess.run(
        ["rabbitmqctl", "import_definitions"], input=definitions, capture_output=True, text=True
    )  # from stdin: rabbitmqctl runs as the rabbitmq user, who may not read pytest's temp dirs
    assert done.returncode == 0, done.stdout + done.stderr
    for service_uri in uris.values():  # every user can log in (the import is applied by now)
        with Connection(service_uri, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=20, interval_start=0.1, interval_step=0.1)
    yield uris
    deleting = [
        subprocess.Popen(["rabbitmqctl", "delete_user", user["name"]], stdout=subprocess.DEVNULL)
        for user in users
    ]
    for process in deleting:
        process.wait(timeout=120)


@pytest.fixture
def campaign_monitor(tmp_path):
    running = cm_emulator.start("broker-key", "broker-client", tmp_path, tick=0.1)
    yield {
        "CAMPAIGN_MONITOR_BASE_URI": running.base_uri,
        "CAMPAIGN_MONITOR_API_KEY": "broker-key",
        "CAMPAIGN_MONITOR_CLIENT_ID": "broker-client",
        "CAMPAIGN_MONITOR_CA_FILE": running.cert_path,
    }
    running.stop()


def test_issue_11_the_services_work_with_their_own_limited_broker_users(
    service_uris, run_services, rpc, clean_databases, config, campaign_monitor
):
    """(service_uris first: its users are deleted only after the services stopped.)"""
    seed_purposes(clean_databases)
    run_services(AuditService, extra_config={"AMQP_URI": service_uris["audit"]})
    run_services(ContactsService, extra_config={"AMQP_URI": service_uris["contacts"]})
    run_services(ContactsWorker, extra_config={"AMQP_URI": service_uris["contacts_worker"]})
    run_services(ExportsService, extra_config={"AMQP_URI": service_uris["exports"]})
    run_services(ExportWorker, extra_config={"AMQP_URI": service_uris["exports_worker"]})
    run_services(ImportsService, extra_config={"AMQP_URI": service_uris["imports"]})
    run_services(ImportWorker, extra_config={"AMQP_URI": service_uris["import_worker"]})
    run_services(SurveysService, extra_config={"AMQP_URI": service_uris["surveys"]})
    run_services(MailingService, extra_config={"AMQP_URI": service_uris["mailing"], **campaign_monitor})
    run_services(MailingWorker, extra_config={"AMQP_URI": service_uris["mailing_worker"], **campaign_monitor})
    run_services(BillingService, extra_config={"AMQP_URI": service_uris["billing"]})
    run_services(BillingWorker, extra_config={"AMQP_URI": service_uris["billing_worker"]})
    run_services(GatewayService, extra_config={"AMQP_URI": service_uris["gateway"]})
    health = requests.get(f"http://{config['WEB_SERVER_ADDRESS']}/health").json()
    assert health["status"] == "ok", health  # the gateway reaches every service and sees the workers
    officer = make_actor(
        "broker-officer",
        permissions=(
            *ALL_PERMISSIONS,
            "contacts.export",
            "contacts.import",
            "gdpr.officer",
            "mail.send",
            "groups.manage",
            "invoices.manage",
        ),
    )
    with rpc(officer, timeout=20) as proxy:
        person = proxy.contacts.create_contact(
            {"first_name": "Raija", "last_name": "Rajattu", "email": "raija@example.fi"}
        )
        assert proxy.contacts.get_contact(person["id"])["last_name"] == "Rajattu"
        assert proxy.imports.importable_fields()  # the imports service calls contacts, as its own user
        job = proxy.exports.start_export(
            {"format": "csv", "selection": {"kind": "search", "query": "Rajattu"}}
        )
        assert wait_for(lambda: proxy.exports.get_job(job["id"])["status"] == "done", seconds=20)
        # M1: the mailing service queues a sync, its worker reads the audience and pushes it, each as
        # its own user; a consent event queues an incremental sync
        group = proxy.contacts.create_group("Postitettavat")
        reader = proxy.contacts.create_contact(
            {"first_name": "Riitta", "last_name": "Rajattu", "email": "r@example.fi"}
        )
        proxy.contacts.record_consent(reader["id"], {"purpose": "newsletter", "given": True})
        proxy.contacts.add_members(group["id"], [reader["id"]])
        listed = proxy.mailing.create_list(
            {"name": "Rajatut", "purpose": "newsletter", "source_kind": "group", "source_id": group["id"]}
        )
        run = proxy.mailing.start_sync(listed["id"])
        synced = wait_for(lambda: proxy.mailing.sync_run(run["id"])["status"] == "done", seconds=20)
        assert synced and proxy.mailing.sync_run(run["id"])["counts"]["pushed"] == 1
        proxy.contacts.record_consent(reader["id"], {"purpose": "newsletter", "given": False})
        assert wait_for(lambda: proxy.mailing.get_list(listed["id"])["members"] == {"removed": 1}, seconds=20)
        fee = proxy.billing.create_fee_type({"name": "Jäsenmaksu", "amount": "10.00"})
        run = proxy.billing.start_run(
            {
                "fee_type_id": fee["id"],
                "delivery": "email",
                "selection": {"kind": "ids", "ids": [person["id"]]},
            }
        )  # the billing worker calls contacts and commits through the outbox, as its own user
        assert wait_for(lambda: proxy.billing.get_run(run["id"])["status"] == "done", seconds=20)
        # G4: the audit service's own user reads and removes the dead letters naming the person
        failed = types.SimpleNamespace(
            body=json.dumps({"contact_id": person["id"], "last_name": "Rajattu"}).encode(),
            headers={},
            delivery_info={"exchange": "contacts.events", "routing_key": "contact_updated"},
            properties={},
            content_type="application/json",
            content_encoding="utf-8",
        )
        dead_letters.DeadLetterPublisher(config["AMQP_URI"]).dead_letter(failed, "evt-x--y.z", 1, "boom")
        assert dead_letters.letters_naming(config["AMQP_URI"], person["id"])
        erasure = proxy.contacts.request_erasure(person["id"], "issue 11 broker users")
        assert wait_for(lambda: proxy.contacts.get_erasure(erasure["id"])["completed_at"], seconds=20)
        assert dead_letters.letters_naming(config["AMQP_URI"], person["id"]) == []
    from sqlalchemy import text

    def actions():
        with clean_databases["audit"].connect() as conn:
            return set(conn.execute(text("SELECT action FROM audit_events")).scalars())

    # contact.erased leaves through the contacts outbox after the erasure completed: wait for it
    assert wait_for(lambda: {"contact.created", "contact.viewed", "contact.erased"} <= actions()), actions()


def test_issue_11_a_service_user_cannot_read_the_audit_queue_nor_publish_another_services_events(
    service_uris,
):
    with Connection(service_uris["contacts"]) as connection:
        with pytest.raises(AccessRefused):
            connection.channel().basic_get(queue=AUDIT_QUEUE.name)
    publisher = event_publisher(service_uris["import_worker"], "contacts")
    with pytest.raises(AccessRefused):
        publisher.publish({"forged": True}, routing_key="member_joined")
    with Connection(service_uris["gateway"]) as connection:
        with pytest.raises(AccessRefused):
            connection.channel().queue_declare(queue="rpc-contacts", durable=True)


def test_issue_11_piiri_broker_users_prints_each_users_permissions(capsys):
    assert cli.main(["broker-users"]) == 0
    out = capsys.readouterr().out
    for service in broker_users.SERVICES:
        assert broker_users.username(service) in out
        assert broker_users.password_variable(service) in out
