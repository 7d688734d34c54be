"""Issue 11 item 6: every message a change causes leaves through the outbox (export jobs included), and a
published outbox row is deleted OUTBOX_KEEP_SECONDS after its confirmation, so no personal data lingers
there; unpublished rows stay until they are sent."""

import uuid

from kombu import Connection
from sqlalchemy import select, text, update

from conftest import make_actor
from piiri.outbox import EVENT_CHANNEL, OutboxRelay, add_to_outbox
from services.contacts import models as contact_models
from services.exports import models as export_models
from services.exports.queue import JOB_QUEUE
from services.exports.service import ExportsService
from tests.events import wait_for


def outbox_rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(table)).all()


def test_issue_11_published_rows_go_after_the_grace_period_unpublished_ones_stay(clean_databases, config):
    engine = clean_databases["contacts"]
    table = contact_models.outbox
    with engine.begin() as conn:
        for name in ("sent long ago", "sent just now", "not sent"):
            add_to_outbox(conn, table, EVENT_CHANNEL, "contact_updated", {"name": name}, {})
        conn.execute(
            update(table)
            .where(table.c.payload["name"].astext == "sent long ago")
            .values(published_at=text("now() - interval '10 minutes'"))
        )
        conn.execute(
            update(table)
            .where(table.c.payload["name"].astext == "sent just now")
            .values(published_at=text("now()"))
        )
    relay = OutboxRelay(engine, table, config["AMQP_URI"], "contacts")
    assert relay.delete_published(300) == 1
    names = sorted(row.payload["name"] for row in outbox_rows(engine, table))
    assert names == ["not sent", "sent just now"]
    assert relay.delete_published(0) == 1
    assert [row.payload["name"] for row in outbox_rows(engine, table)] == ["not sent"]


def test_issue_11_the_relay_deletes_what_it_published_after_outbox_keep_seconds(
    run_services, rpc, admin_actor, clean_databases
):
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService

    run_services(ContactsService, AuditService, extra_config={"OUTBOX_KEEP_SECONDS": 1})
    with rpc(admin_actor) as proxy:
        proxy.contacts.create_contact({"first_name": "Outi", "last_name": "Outbox"})
    engine = clean_databases["contacts"]
    assert any("Outbox" in str(row.payload) for row in outbox_rows(engine, contact_models.outbox))
    assert wait_for(lambda: outbox_rows(engine, contact_models.outbox) == [], seconds=10)


def test_issue_11_an_export_job_is_queued_through_the_outbox_in_the_jobs_transaction(
    run_services, rpc, clean_databases, config
):
    from services.audit.service import AuditService

    with Connection(config["AMQP_URI"]) as connection:  # no worker here: the job message waits in the queue
        JOB_QUEUE.bind(connection.channel()).declare()
        JOB_QUEUE.bind(connection.channel()).purge()
    run_services(ExportsService, AuditService)
    exporter = make_actor("exporter", permissions=("contacts.view", "contacts.export"))
    with rpc(exporter) as proxy:
        job = proxy.exports.start_export(
            {"format": "csv", "selection": {"kind": "search", "query": "nobody"}}
        )
    engine = clean_databases["exports"]
    [row] = wait_for(
        lambda: [r for r in outbox_rows(engine, export_models.outbox) if r.published_at is not None],
        seconds=5,
    )
    assert row.channel == "job" and row.routing_key == "export.job"
    assert row.payload["job_id"] == job["id"]
    with Connection(config["AMQP_URI"]) as connection:
        message = JOB_QUEUE.bind(connection.channel()).get(no_ack=True)
    assert message is not None and message.payload["job_id"] == job["id"]
    assert message.headers["nameko.actor_signature"]  # signed by the relay (issue 11 item 7)
    uuid.UUID(job["id"])
