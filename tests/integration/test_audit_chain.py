"""S2 and G2 on the real broker and database: the audit log's hash chain grows in order under concurrent
consumers, `piiri audit verify` catches each kind of tampering done directly in PostgreSQL, and the
organisation-wide search, export and chain check are permission-checked and themselves audited."""

import time
import uuid
from datetime import UTC, datetime, timedelta

import eventlet
import pytest
from nameko.testing.utils import get_container
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import make_actor
from piiri.audit import audit_record
from piiri.errors import PermissionDenied, ValidationFailed
from piiri_cli import cli
from services.audit import storage
from services.audit.chain import row_hash
from services.audit.contract import load_record
from services.audit.service import AuditService
from services.audit.verify import verify_stored_chain
from tests.events import signed_audit_publisher

VIEWER = make_actor("viewer", permissions=("audit.view",), roles=("staff",))


def wait_for(fetch, done, timeout=10.0):
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting; last value: {value!r}")
        eventlet.sleep(0.1)


def a_record(actor, action="contact.viewed", service="contacts", subject_ids=(), occurred_at=None, **more):
    record = audit_record(
        service,
        action,
        actor,
        more.pop("request_id", str(uuid.uuid4())),
        "contact",
        list(subject_ids),
        ("email",),
    )
    if occurred_at:
        record["occurred_at"] = occurred_at.isoformat()
    return record


def store(engine, *records):
    """Append records as the consumer does (one transaction each)."""
    with Session(engine) as session:
        for record in records:
            with session.begin():
                storage.insert_event(session, load_record(record))


def count(engine, sql="SELECT count(*) FROM audit_events"):
    with engine.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def chain_rows(engine):
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT chain_seq, prev_hash, hash, recorded_at FROM audit_events ORDER BY chain_seq")
        ).all()


def purge_audit_queue(config):
    from kombu import Connection

    from piiri.messaging import AUDIT_QUEUE

    with Connection(config["AMQP_URI"]) as connection:
        AUDIT_QUEUE.bind(connection.channel()).declare()
        AUDIT_QUEUE.bind(connection.channel()).purge()


def tamper(engine, *statements):
    """Change the log behind the service's back, as a database owner would (trigger disabled)."""
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only"))
        for statement in statements:
            conn.execute(text(statement))
        conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only"))


def verify(engine, checkpoint=False):
    with Session(engine) as session:
        return verify_stored_chain(session, batch_size=4, checkpoint=checkpoint)


def kinds(report):
    return [(finding.kind, finding.seq) for finding in report.findings]


@pytest.fixture
def audit_db(clean_databases):
    return clean_databases["audit"]


@pytest.fixture
def ten(audit_db, admin_actor):
    store(audit_db, *[a_record(admin_actor, subject_ids=[str(n)]) for n in range(10)])
    return audit_db


# --- the chain -----------------------------------------------------------------------------------


def test_s2_concurrent_consumers_grow_one_gap_free_chain_in_commit_order(
    run_services, config, audit_db, admin_actor
):
    purge_audit_queue(config)  # a record an earlier test left in the shared queue is not this test's
    for _ in range(3):  # three consumer instances on the one durable queue
        run_services(AuditService)
    publisher = signed_audit_publisher(config)
    records = [a_record(admin_actor, subject_ids=[str(n)]) for n in range(300)]
    pool = eventlet.GreenPool(20)
    for record in records:
        pool.spawn_n(publisher.publish, record, routing_key="test.record")
    pool.waitall()
    for record in records[:20]:  # redelivered duplicates stay single
        publisher.publish(record, routing_key="test.record")

    wait_for(lambda: count(audit_db), lambda value: value >= 300, timeout=30)
    eventlet.sleep(0.5)
    rows = chain_rows(audit_db)
    with audit_db.connect() as conn:
        stored = conn.execute(text("SELECT event_id::text FROM audit_events")).scalars().all()
    assert sorted(stored) == sorted(record["event_id"] for record in records)  # each once, no stranger
    assert [row.chain_seq for row in rows] == list(range(1, 301))
    assert rows[0].prev_hash == "0" * 64
    assert all(row.prev_hash == before.hash for before, row in zip(rows, rows[1:], strict=False))  # no forks
    assert all(before.recorded_at <= row.recorded_at for before, row in zip(rows, rows[1:], strict=False))
    with audit_db.connect() as conn:
        assert conn.execute(text("SELECT last_seq, last_hash FROM audit_chain_head")).one() == (
            300,
            rows[-1].hash,
        )
    assert verify(audit_db).intact


def test_s2_values_that_jsonb_rewrites_still_verify(audit_db, admin_actor):
    record = a_record(admin_actor)
    record["details"] = {
        "big": 1e20,
        "small": 1e-7,
        "z": 1,
        "a": [1.50, "Äijälä", None],
        "nested": {"b": 2, "a": 1},
    }
    store(audit_db, record)
    assert verify(audit_db).intact


def test_s2_an_emptied_head_is_rebuilt_from_the_last_record(ten, admin_actor):
    with ten.begin() as conn:
        conn.execute(text("DELETE FROM audit_chain_head"))
    store(ten, a_record(admin_actor))
    assert [row.chain_seq for row in chain_rows(ten)] == list(range(1, 12))
    assert verify(ten).intact


def test_s2_the_migration_chains_existing_records_in_the_order_received(databases):
    from alembic import command

    from piiri.db import make_engine
    from piiri.migrate import drop_database, ensure_database
    from piiri_cli.databases import alembic_config

    url = databases["audit"] + "_upgrade"
    drop_database(url)
    ensure_database(url)
    engine = make_engine(url, pool_size=1)
    try:
        command.upgrade(alembic_config("audit", url), "0001")
        with engine.begin() as conn:
            for number in range(7):
                conn.execute(
                    text(
                        "INSERT INTO audit_events (event_id, action, schema_version, occurred_at, details)"
                        " VALUES (:id, :action, 1, now(), CAST(:details AS jsonb))"
                    ),
                    {"id": uuid.uuid4(), "action": f"contact.viewed.{number}", "details": '{"n": 1e20}'},
                )
        command.upgrade(alembic_config("audit", url), "head")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT action, chain_seq FROM audit_events ORDER BY seq")).all()
            assert conn.execute(text("SELECT last_seq FROM audit_chain_head")).scalar_one() == 7
        assert rows == [(f"contact.viewed.{number}", number + 1) for number in range(7)]
        assert verify(engine).intact
        store(engine, a_record(make_actor("after-upgrade")))
        report = verify(engine)
        assert report.intact and report.records == 8
    finally:
        engine.dispose()
        drop_database(url)


# --- verify catches tampering --------------------------------------------------------------------


def test_s2_verify_reports_an_altered_record(ten):
    tamper(ten, "UPDATE audit_events SET actor_username = 'someone-else' WHERE chain_seq = 4")
    report = verify(ten)
    assert kinds(report) == [("altered", 4)]
    assert report.records == 10


def test_s2_verify_reports_a_record_whose_hash_was_overwritten(ten):
    tamper(ten, "UPDATE audit_events SET hash = repeat('a', 64) WHERE chain_seq = 4")
    assert kinds(verify(ten)) == [("altered", 4)]


def test_s2_verify_reports_a_record_rewritten_with_a_recomputed_hash(ten):
    with ten.connect() as conn:
        row = dict(conn.execute(text("SELECT * FROM audit_events WHERE chain_seq = 4")).one()._mapping)
    row["action"] = "contact.listed"
    tamper(
        ten,
        f"UPDATE audit_events SET action = 'contact.listed', hash = '{row_hash(row)}' WHERE chain_seq = 4",
    )
    report = verify(ten)
    assert kinds(report) == [("removed", 5)]  # #5 links to the hash #4 had: a broken link
    assert "#4 was rewritten" in report.findings[0].message


def test_s2_verify_reports_a_removed_record(ten):
    tamper(ten, "DELETE FROM audit_events WHERE chain_seq = 5")
    report = verify(ten)
    assert kinds(report) == [("removed", 5)]
    assert "#5 missing" in report.findings[0].message


def test_s2_verify_reports_a_removed_record_hidden_by_renumbering(ten):
    tamper(
        ten,
        "DELETE FROM audit_events WHERE chain_seq = 5",
        "UPDATE audit_events SET chain_seq = -chain_seq WHERE chain_seq > 5",
        "UPDATE audit_events SET chain_seq = -chain_seq - 1 WHERE chain_seq < 0",
    )
    with ten.begin() as conn:
        conn.execute(text("UPDATE audit_chain_head SET last_seq = 9"))
    report = verify(ten)
    assert kinds(report) == [("removed", 5)]
    assert "no longer in the log" in report.findings[0].message


def test_s2_verify_reports_reordered_records(ten):
    tamper(
        ten,
        "UPDATE audit_events SET chain_seq = -1 WHERE chain_seq = 3",
        "UPDATE audit_events SET chain_seq = 3 WHERE chain_seq = 6",
        "UPDATE audit_events SET chain_seq = 6 WHERE chain_seq = -1",
    )
    report = verify(ten)
    assert {kind for kind, _ in kinds(report)} == {"reordered"}
    assert {seq for _, seq in kinds(report)} == {3, 4, 6, 7}


def test_s2_verify_reports_a_truncated_tail(ten):
    tamper(ten, "DELETE FROM audit_events WHERE chain_seq > 7")
    report = verify(ten)
    assert kinds(report) == [("truncated", 8)]
    assert "#8–#10 were removed from its end" in report.findings[0].message


def test_s2_a_checkpoint_catches_a_truncated_tail_even_with_the_head_rewound(ten):
    assert verify(ten, checkpoint=True).intact  # writes the checkpoint #10
    tamper(ten, "DELETE FROM audit_events WHERE chain_seq > 7")
    with ten.begin() as conn:
        conn.execute(
            text(
                "UPDATE audit_chain_head SET last_seq = 7,"
                " last_hash = (SELECT hash FROM audit_events WHERE chain_seq = 7)"
            )
        )
    report = verify(ten)
    assert kinds(report) == [("truncated", 8)]
    assert "vouches for #10" in report.findings[0].message


def test_s2_checkpoints_are_append_only(ten):
    verify(ten, checkpoint=True)
    with pytest.raises(Exception, match="append-only"):
        with ten.begin() as conn:
            conn.execute(text("DELETE FROM audit_chain_checkpoints"))


def test_s2_piiri_audit_verify_exits_0_when_intact_and_1_with_the_report(ten, capsys):
    assert cli.main(["audit", "verify", "--batch", "3"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("audit chain intact: 10 records (#1–#10), head hash ")
    with ten.connect() as conn:
        assert conn.execute(text("SELECT last_seq, records FROM audit_chain_checkpoints")).one() == (10, 10)

    tamper(
        ten,
        "UPDATE audit_events SET fields = '{}' WHERE chain_seq = 2",
        "DELETE FROM audit_events WHERE chain_seq = 9",
    )
    assert cli.main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("audit chain NOT intact: 2 problem(s) in 9 records")
    assert "altered    #2: #2 was changed" in err
    assert "removed    #9: #9 missing" in err
    with ten.connect() as conn:  # a broken chain never becomes a checkpoint
        assert conn.execute(text("SELECT count(*) FROM audit_chain_checkpoints")).scalar_one() == 1


# --- the RPCs ------------------------------------------------------------------------------------


@pytest.fixture
def audit_service(run_services):
    return get_container(run_services(AuditService), AuditService)


@pytest.fixture
def searchable(audit_db):
    anna, ben = make_actor("anna"), make_actor("ben")
    subject = str(uuid.uuid4())
    now = datetime.now(UTC)
    records = {
        "anna_viewed": a_record(anna, subject_ids=[subject], occurred_at=now - timedelta(days=3)),
        "anna_updated": a_record(anna, "contact.updated", subject_ids=[subject], request_id="req-42"),
        "ben_exported": a_record(
            ben, "contacts.exported", service="exports", occurred_at=now - timedelta(days=40)
        ),
        "ben_viewed": a_record(ben),
    }
    store(audit_db, *records.values())
    return {"anna": anna, "ben": ben, "subject": subject, "records": records}


def ids(page):
    return [item["event_id"] for item in page["items"] if not item["action"].startswith("audit.")]


def test_g2_search_events_filters_by_each_field(audit_service, rpc, searchable, admin_actor):
    records, anna = searchable["records"], searchable["anna"]
    want = {name: record["event_id"] for name, record in records.items()}
    today = datetime.now(UTC).date()
    with rpc(admin_actor) as proxy:
        search = lambda **filters: ids(proxy.audit.search_events(filters, limit=100))  # noqa: E731
        assert search() == [
            want["ben_viewed"],
            want["ben_exported"],
            want["anna_updated"],
            want["anna_viewed"],
        ]
        assert search(actor="anna") == [want["anna_updated"], want["anna_viewed"]]
        assert search(actor=anna.id) == [want["anna_updated"], want["anna_viewed"]]
        assert search(action="contact.updated") == [want["anna_updated"]]
        assert search(service="exports") == [want["ben_exported"]]
        assert search(subject_id=searchable["subject"]) == [want["anna_updated"], want["anna_viewed"]]
        assert search(request_id="req-42") == [want["anna_updated"]]
        assert search(subject_type="group") == []
        assert search(since=str(today - timedelta(days=1))) == [want["ben_viewed"], want["anna_updated"]]
        assert search(until=str(today - timedelta(days=2)), actor="ben") == [want["ben_exported"]]
        assert search(since=str(today - timedelta(days=10)), until=str(today - timedelta(days=2))) == [
            want["anna_viewed"]
        ]
        first = proxy.audit.search_events({"actor": "anna"}, limit=1)
        second = proxy.audit.search_events({"actor": "anna"}, limit=1, cursor=first["next_cursor"])
        assert ids(first) + ids(second) == [want["anna_updated"], want["anna_viewed"]]
        assert second["next_cursor"] is None


def test_g2_searching_and_exporting_the_log_are_themselves_audited(
    audit_service, rpc, searchable, admin_actor
):
    with rpc(admin_actor) as proxy:
        proxy.audit.search_events({"actor": "anna"}, limit=10)
        page = proxy.audit.export_events({"service": "exports"})
        assert ids(page) == [searchable["records"]["ben_exported"]["event_id"]]
        log = proxy.audit.search_events({"actor": admin_actor.id}, limit=10)["items"]
    exported, searched = log[0], log[1]  # newest first
    assert searched["action"] == "audit.searched" and searched["details"]["filters"] == {"actor": "anna"}
    assert searched["details"]["returned"] == 2
    assert exported["action"] == "audit.exported" and exported["details"]["filters"] == {"service": "exports"}
    assert exported["service"] == "audit" and exported["actor"]["username"] == "admin-tester"


def test_g2_bad_search_filters_are_refused_by_name_and_record_nothing(
    audit_service, rpc, audit_db, admin_actor
):
    before = count(audit_db)
    with rpc(admin_actor) as proxy:
        for filters, name in (
            ({"colour": "red"}, "colour"),
            ({"since": "last tuesday"}, "since"),
            ({"since": "2026-03-05", "until": "2026-03-01"}, "until"),
            ({"actor": ["a"]}, "actor"),
            ({"action": "x" * 201}, "action"),
        ):
            with pytest.raises(ValidationFailed) as error:
                proxy.audit.search_events(filters)
            assert name in error.value.details
    assert count(audit_db) == before


def test_g2_the_log_and_its_check_need_their_permissions(audit_service, rpc, searchable):
    nobody = make_actor("nobody", permissions=("contacts.view",), roles=("staff",))
    with rpc(nobody) as proxy:
        for call in (proxy.audit.search_events, proxy.audit.export_events, proxy.audit.verify_chain):
            with pytest.raises(PermissionDenied, match="audit.view"):
                call()
    with rpc(VIEWER) as proxy:
        assert proxy.audit.search_events({})["items"]
        with pytest.raises(PermissionDenied, match="users.manage"):
            proxy.audit.verify_chain()


def test_s2_verify_chain_rpc_reports_and_is_audited(audit_service, rpc, searchable, audit_db, admin_actor):
    with rpc(admin_actor) as proxy:
        report = proxy.audit.verify_chain()
        assert report["intact"] is True and report["records"] == 4 and report["findings"] == []
        tamper(audit_db, "UPDATE audit_events SET action = 'x' WHERE chain_seq = 2")
        broken = proxy.audit.verify_chain()
        assert broken["intact"] is False
        assert broken["findings"] == [
            {
                "kind": "altered",
                "seq": 2,
                "message": "#2 was changed: its content or link does not match its hash.",
            }
        ]
        log = proxy.audit.search_events({"action": "audit.chain_verified"})["items"]
    assert [item["details"]["intact"] for item in log] == [False, True]
