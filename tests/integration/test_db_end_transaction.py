"""piiri.db.end_transaction on PostgreSQL (issue 18): a transaction that wrote nothing ends with COMMIT,
so its connection keeps the statements psycopg prepared (psycopg forgets them all at ROLLBACK, and every
request and every return to the pool rolled back: each statement was planned afresh every time); a
transaction that wrote, or failed, is still rolled back, so nothing a rollback should undo is kept."""

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, select, text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.orm import Session

METADATA = MetaData()
PROBE = Table("end_transaction_probe", METADATA, Column("id", Integer, primary_key=True))
PREPARE_AFTER = 5  # psycopg's prepare_threshold: a statement run this often on a connection is prepared


@pytest.fixture
def engine(engines):
    engine = engines["contacts"]
    METADATA.create_all(engine)
    yield engine
    METADATA.drop_all(engine)


def prepared(session):
    """The statements prepared on the session's connection (PostgreSQL's own view of them)."""
    return set(session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars())


def read_often(session):
    for _ in range(PREPARE_AFTER + 1):
        session.execute(select(PROBE.c.id).where(PROBE.c.id == 1)).all()


def test_a_read_ended_by_rollback_keeps_the_connections_prepared_statements(engine):
    with Session(engine) as session:
        read_often(session)
        before = prepared(session)
        assert any("end_transaction_probe" in statement for statement in before)
        session.rollback()  # what a read RPC does before its audit record, and the pool on return
        connection = session.connection().connection.dbapi_connection
        assert prepared(session) >= before
        assert connection is session.connection().connection.dbapi_connection  # the same connection


def test_the_pool_taking_a_connection_back_mid_read_keeps_its_prepared_statements(engine):
    with engine.connect() as connection:
        for _ in range(PREPARE_AFTER + 1):
            connection.execute(select(PROBE.c.id).where(PROBE.c.id == 2)).all()
        dbapi = connection.connection.dbapi_connection
    # closed with its transaction open: the pool's reset ended it
    assert dbapi.info.transaction_status.name == "IDLE"
    with dbapi.cursor() as cursor:
        statements = [row[0] for row in cursor.execute("SELECT statement FROM pg_prepared_statements")]
    dbapi.rollback()
    assert any("end_transaction_probe" in statement for statement in statements)


def test_a_rollback_after_a_write_still_undoes_it(engine):
    with Session(engine) as session:
        read_often(session)
        session.execute(PROBE.insert().values(id=7))
        session.rollback()
        assert session.execute(select(PROBE.c.id)).all() == []
        session.execute(PROBE.insert().values(id=8))
    # the session closed with a write uncommitted: the pool rolled it back
    with Session(engine) as session:
        assert session.execute(select(PROBE.c.id)).all() == []


def test_a_row_lock_alone_counts_as_a_write_and_a_failed_transaction_is_rolled_back(engine):
    with Session(engine) as session:
        session.execute(PROBE.insert().values(id=1))
        session.commit()
        session.execute(select(PROBE.c.id).with_for_update()).all()
        locked = session.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar()
        assert locked is not None  # FOR UPDATE took a transaction id: ended by ROLLBACK
        session.rollback()
        with pytest.raises(ProgrammingError):
            session.execute(text("SELECT * FROM no_such_table"))
        session.rollback()  # the failed transaction: ROLLBACK, and the session goes on
        assert session.execute(select(PROBE.c.id)).scalars().all() == [1]
