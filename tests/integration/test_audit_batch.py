"""The audit consumer in batches over the real broker and database (issue 12 "audit at scale", issue 18
"the audit path costs one batched transaction per many records"; G2, S2, G4): a batch is stored in one
transaction, and every guarantee of the one-record consumer holds for each record in it."""

import json
import uuid

import pytest
from kombu import Connection, Producer
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import make_actor
from piiri import dead_letters
from piiri.audit import audit_record
from piiri.messaging import AUDIT_EXCHANGE, AUDIT_QUEUE
from services.audit import storage, verify
from services.audit.contract import load_record
from services.audit.service import AuditService
from tests.events import signed_audit_publisher, wait_for

ACTOR = make_actor("batcher", permissions=("contacts.view",))


def a_record(subject=None, details=None):
    return audit_record(
        "contacts",
        "contact.viewed",
        ACTOR,
        str(uuid.uuid4()),
        "contact",
        [subject or str(uuid.uuid4())],
        fields=("email",),
        details=details,
    )


def count_of(engines, event_ids=None):
    with engines["audit"].connect() as conn:
        if event_ids is None:
            return conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one()
        return conn.execute(
            text("SELECT count(*) FROM audit_events WHERE event_id = ANY(CAST(:ids AS uuid[]))"),
            {"ids": [str(event_id) for event_id in event_ids]},
        ).scalar_one()


def chain_report(engines):
    with Session(engines["audit"]) as session:
        return verify.verify_stored_chain(session, checkpoint=False)


@pytest.fixture
def queued(config, run_services):
    """Publish signed bodies (and raw messages) to the audit queue BEFORE the audit service starts, so
    that they are all in the consumer's first batch. ``run_services`` comes first: it empties the
    databases and the dead letters."""
    publisher = signed_audit_publisher(config)
    with Connection(config["AMQP_URI"]) as connection:  # empty the queue of earlier tests' records
        AUDIT_QUEUE.bind(connection.channel()).declare()
        AUDIT_QUEUE.bind(connection.channel()).purge()

    def publish(*bodies):
        for body in bodies:
            publisher.publish(body, routing_key="test.batch")

    return publish


def test_issue_18_a_mixed_batch_stores_the_good_once_and_dead_letters_the_bad(
    config, run_services, queued, engines
):
    """One batch with good records, a duplicate inside it, one already stored, malformed ones and an
    unsigned one: the good are stored once each, the bad are in the audit dead letters, the chain is
    intact (S2)."""
    stored_before = a_record()
    with Session(engines["audit"]) as session, session.begin():
        storage.insert_event(session, load_record(stored_before))
    good = [a_record() for _ in range(5)]
    malformed = [{"action": "contact.viewed"}, {"event_id": "nope", "action": "x"}, ["not", "a", "record"]]
    unstorable = a_record(details={"query": "\ud800"})  # a lone surrogate: jsonb cannot hold it
    queued(good[0], malformed[0], good[1], good[1], stored_before, malformed[1], unstorable, *good[2:])
    queued(malformed[2])
    unsigned = a_record()
    with Connection(config["AMQP_URI"]) as connection:
        Producer(connection.channel(), exchange=AUDIT_EXCHANGE).publish(
            json.dumps(unsigned), routing_key="test.batch", content_type="application/json"
        )

    run_services(AuditService)

    letters = wait_for(
        lambda: (
            len(found := dead_letters.list_letters(config["AMQP_URI"], "piiri.audit.records")) == 5 and found
        ),
        seconds=10,
    )
    assert letters, "the bad records did not all reach the dead letters"
    errors = sorted(letter["error"].split(":")[0] for letter in letters)
    assert errors == ["Unprocessable"] * 4 + ["refused"]
    assert {letter["dead_letter_queue"] for letter in letters} == {"piiri.dead_letters.audit"}
    wait_for(lambda: count_of(engines) == 6)
    assert count_of(engines, [record["event_id"] for record in good]) == 5
    assert count_of(engines, [stored_before["event_id"], unsigned["event_id"], unstorable["event_id"]]) == 1
    report = chain_report(engines)
    assert report.intact and report.records == 6


def test_issue_12_two_consumers_extend_one_verifiable_chain(config, run_services, queued, engines):
    """Issue 12 / issue 18 / S2: two audit consumers take batches of the same queue at once; the head
    lock serialises their transactions, so all records form one gap-free chain that verifies."""
    records = [a_record() for _ in range(1200)]
    queued(*records)
    small_batches = {"AUDIT_BATCH_SIZE": 50}
    run_services(AuditService, extra_config=small_batches)
    run_services(AuditService, extra_config=small_batches)
    assert wait_for(lambda: count_of(engines) == len(records), seconds=30)
    report = chain_report(engines)
    assert report.intact and report.records == len(records)
    with engines["audit"].connect() as conn:
        seqs = conn.execute(text("SELECT chain_seq FROM audit_events ORDER BY chain_seq")).scalars().all()
    assert seqs == list(range(1, len(records) + 1))


@pytest.mark.parametrize("read_whole", [1000, 0], ids=["erased-read-whole", "erased-looked-up-by-id"])
def test_g4_issue_18_a_batch_redacts_its_records_about_an_erased_subject(
    run_services, queued, engines, monkeypatch, read_whole
):
    """Both ways of finding the erased subjects (all of them while they are few, else by the batch's ids),
    and the redacted record's hash computed from what is stored (its content changed under the lock)."""
    from services.audit import redaction

    monkeypatch.setattr(redaction, "ALL_ERASED_UP_TO", read_whole)
    erased, other = str(uuid.uuid4()), str(uuid.uuid4())
    with engines["audit"].begin() as conn:
        conn.execute(
            text("INSERT INTO audit_erased_subjects (subject_id, erasure_id) VALUES (:s, :e)"),
            {"s": erased, "e": str(uuid.uuid4())},
        )
    about_erased = a_record(erased, details={"query": "Aino Virtanen", "returned": 1})
    about_other = a_record(other, details={"query": "Bea", "returned": 2})
    queued(about_other, about_erased)
    run_services(AuditService)
    assert wait_for(lambda: count_of(engines) == 2)
    with engines["audit"].connect() as conn:
        details = dict(conn.execute(text("SELECT subject_ids[1], details FROM audit_events")).all())
    assert details[erased] == {"returned": 1, "redacted": ["query"]}
    assert details[other] == {"query": "Bea", "returned": 2}
    assert chain_report(engines).intact


def test_issue_18_a_redelivered_batch_stores_nothing_twice(run_services, queued, engines):
    """A batch stored but not acked (the consumer died) comes back whole: nothing is stored twice."""
    records = [a_record() for _ in range(20)]
    rows = [storage.prepared_row(load_record(record)) for record in records]
    with Session(engines["audit"]) as session, session.begin():
        assert storage.insert_rows(session, rows[:10]) == [True] * 10
    queued(*records)  # the redelivery: the first half already stored
    queued(*records)
    run_services(AuditService)
    assert wait_for(lambda: count_of(engines) == 20)
    with Session(engines["audit"]) as session, session.begin():
        assert storage.insert_rows(session, rows) == [False] * 20
    assert count_of(engines) == 20
    assert chain_report(engines).intact


def test_issue_12_while_two_batches_are_in_flight_the_next_one_fills_up(
    run_services, queued, engines, monkeypatch
):
    """The consumer goes on taking messages while both of its batches are being stored, so under a busy
    head lock batches grow to AUDIT_BATCH_SIZE (fewer transactions per record) instead of holding what
    arrived in AUDIT_BATCH_WAIT."""
    import eventlet

    sizes, insert_rows = [], storage.insert_rows

    def slow_insert_rows(session, rows, times=None):
        sizes.append(len(rows))
        eventlet.sleep(1.0)  # a head lock held long
        return insert_rows(session, rows, times)

    monkeypatch.setattr(storage, "insert_rows", slow_insert_rows)
    records = [a_record() for _ in range(1500)]
    queued(*records)
    run_services(AuditService, extra_config={"AUDIT_BATCH_SIZE": 300})
    assert wait_for(lambda: count_of(engines) == len(records), seconds=30)
    assert sum(sizes) == len(records)
    # the first batch goes once AUDIT_BATCH_WAIT is over (nothing in flight); most are full after it
    assert sizes.count(300) * 300 >= len(records) // 2, sizes
    assert chain_report(engines).intact


def test_issue_12_the_consumer_merges_the_subject_index_outside_the_head_lock(
    config, run_services, queued, engines
):
    """After a batch (here every one: AUDIT_MERGE_EVERY 1) the consumer merges the subject index's pending
    entries itself (outside the head lock, storage.merge_subject_index), so none are left for an insert
    under the lock to merge; a search by subject finds every record, newest first, through the index."""
    from conftest import wait_until_consumed

    shared = str(uuid.uuid4())
    records = [
        audit_record("contacts", "contact.listed", ACTOR, str(uuid.uuid4()), "contact", [shared, *others])
        for others in ([str(uuid.uuid4()) for _ in range(24)] for _ in range(300))
    ]
    queued(*records)
    runner = run_services(AuditService, extra_config={"AUDIT_BATCH_SIZE": 100, "AUDIT_MERGE_EVERY": 1})
    assert wait_for(lambda: count_of(engines) == len(records), seconds=30)
    wait_until_consumed(runner, config["AMQP_URI"])
    runner.stop()  # every batch's worker has finished, its merge too
    with engines["audit"].begin() as conn:
        pending = conn.execute(text("SELECT gin_clean_pending_list('audit_events_subject_keys'::regclass)"))
        assert pending.scalar_one() == 0  # pages of pending entries it had to merge: none
    with Session(engines["audit"]) as session:
        events, next_seq = storage.events_for_subject(session, shared, 250)
        rest, last = storage.events_for_subject(session, shared, 250, next_seq)
    assert last is None and len(events) == 250 and len(rest) == 50
    assert {event["event_id"] for event in events + rest} == {uuid.UUID(r["event_id"]) for r in records}
    seqs = [event["seq"] for event in events + rest]
    assert seqs == sorted(seqs, reverse=True)
    assert chain_report(engines).intact


@pytest.mark.parametrize(
    "details",
    [
        {"n": 1e16, "m": 1.5e-07, "x": 0.1, "y": 1.0, "z": -0.0, "big": 10**30, "neg": -2.5e300},
        {"tiny": 5e-324, "max": 1.7976931348623157e308, "third": 1 / 3, "e": 1.2345e20},
        {"text": "Äö ✓ 𝄞 \\ \" '", "nested": [{"b": 2, "a": [1, 2.50, None, True]}], "": {}},
        {"ordered": {"bb": 1, "a": 2, "ccc": 3}, "int_like": 3.0, "exp": 12e-3},
    ],
)
def test_issue_18_jsonb_computed_in_python_is_what_the_database_stores(engines, details):
    """The chain hashes the details as stored; the consumer computes jsonb's form in Python instead of a
    round trip per record, so it must be exactly what PostgreSQL gives back."""
    with engines["audit"].connect() as conn:
        stored = conn.execute(text("SELECT CAST(:v AS jsonb)"), {"v": json.dumps(details)}).scalar_one()
    computed = storage.as_jsonb(details)
    assert json.dumps(computed, sort_keys=True) == json.dumps(stored, sort_keys=True)


def test_issue_12_a_list_page_is_one_audit_record_however_many_contacts_it_shows(
    run_services, rpc, engines, admin_actor
):
    """Issue 12 / G2: a page of 25 contacts is one ``contact.listed`` record naming the 25, not 25 records."""
    from services.contacts.service import ContactsService

    run_services(ContactsService, AuditService)
    surname = f"Listaaja{uuid.uuid4().hex[:8]}"
    with rpc(admin_actor) as proxy:
        for number in range(30):
            proxy.contacts.create_contact({"first_name": f"Aino{number}", "last_name": surname})
        page = proxy.contacts.search_contacts(surname, limit=25)
    shown = {item["id"] for item in page["items"]}
    assert len(shown) == 25

    def listed():
        with engines["audit"].connect() as conn:
            return conn.execute(
                text(
                    "SELECT subject_ids FROM audit_events WHERE action = 'contact.listed' AND actor_id = :a"
                ),
                {"a": admin_actor.id},
            ).all()

    assert wait_for(listed)
    wait_for(lambda: False, seconds=0.5)  # a second record, if there were one, would be stored by now
    [(subjects,)] = listed()
    assert set(subjects) == shown


def test_issue_12_the_binary_copy_stores_each_column_as_given_and_the_chain_verifies(
    clean_databases, engines
):
    """A batch goes in by one binary COPY (services/audit/copying.py): empty and non-ASCII arrays, nested
    non-ASCII details, NULL columns and ids of every shape are stored exactly as given, and each stored
    row hashes to its link (the chain is recomputed from what was stored)."""
    shapes = [
        audit_record("contacts", "contact.listed", ACTOR, str(uuid.uuid4()), "contact", [], fields=()),
        audit_record(
            "imports",
            "import.previewed",
            ACTOR,
            "req-ÄÖ ✓",
            "import",
            ["ei-uuid", "Åsa 𝄞", str(uuid.uuid4())],
            fields=("nimi", "ääkköset", ""),
            details={"file": "jäsenet.xlsx", "rows": [1, 2.5, None, True], "nested": {"b": {"a": '\\"'}}},
        ),
        {**a_record(), "actor": None, "service": None, "subject_type": None, "details": None},
    ]
    rows = [storage.prepared_row(load_record(body)) for body in shapes]
    with Session(engines["audit"]) as session, session.begin():
        assert storage.insert_rows(session, rows) == [True, True, True]
    with engines["audit"].connect() as conn:
        stored = [
            dict(row._mapping) for row in conn.execute(text("SELECT * FROM audit_events ORDER BY chain_seq"))
        ]
    for row, kept in zip(rows, stored, strict=True):
        for column in ("event_id", "occurred_at", "service", "action", "actor_id", "actor_username"):
            assert kept[column] == row[column]
        assert kept["subject_ids"] == row["subject_ids"]
        assert kept["fields"] == row["fields"]
        assert kept["details"] == row["details"]
        assert kept["request_id"] == row["request_id"]
        assert kept["details_salt"] == row["details_salt"]
        assert kept["schema_version"] == row["schema_version"]
    assert chain_report(engines).intact


def test_issue_12_a_copy_the_database_refuses_raises_sqlalchemys_error(clean_databases, engines):
    """The service tells a record the database refuses (IntegrityError, DataError: the batch is then
    stored record by record) from a lost database by SQLAlchemy's exception classes, so the COPY's
    psycopg errors come out as those, and the transaction stores nothing."""
    from sqlalchemy.exc import IntegrityError

    from services.audit.copying import copy_rows

    rows = [storage.prepared_row(load_record(a_record())) for _ in range(2)]
    with Session(engines["audit"]) as session, session.begin():
        storage.insert_rows(session, rows[:1])
    twin = {**rows[1], "recorded_at": rows[0]["occurred_at"], "chain_seq": 99, "prev_hash": "0" * 64}
    with engines["audit"].connect() as conn:
        twin["hash"] = conn.execute(text("SELECT hash FROM audit_events")).scalar_one()  # unique
    with pytest.raises(IntegrityError), Session(engines["audit"]) as session, session.begin():
        copy_rows(session, [(twin, b"{}")])
    assert count_of(engines) == 1
