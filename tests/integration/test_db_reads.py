"""piiri.db's read-only blocks on PostgreSQL (issue 18): ``WorkerDatabase.reads()`` runs each statement as a
transaction of its own (no BEGIN, no COMMIT on the wire) and gives the session back in its ordinary
transactional state; ``reads(prepared=False)`` keeps psycopg from preparing its statements, and
``plan_for_parameters`` then has nothing to set."""

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select, text

from piiri.db import WorkerDatabase, plan_for_parameters

METADATA = MetaData()
PROBE = Table("db_reads_probe", METADATA, Column("id", Integer, primary_key=True))
PREPARE_AFTER = 5  # psycopg's prepare_threshold


@pytest.fixture
def db(engines):
    engine = engines["contacts"]
    METADATA.create_all(engine)
    database = WorkerDatabase(engine)
    yield database
    database.close()
    METADATA.drop_all(engine)


def transaction_status(session):
    return session.connection().connection.dbapi_connection.info.transaction_status.name


def prepared(session):
    return set(session.execute(text("SELECT statement FROM pg_prepared_statements")).scalars())


def read_often(session, query=None):
    query = select(PROBE.c.id).where(PROBE.c.id == 1) if query is None else query
    for _ in range(PREPARE_AFTER + 1):
        session.execute(query).all()


def test_statements_in_a_read_block_open_no_transaction(db):
    with db.reads() as session:
        session.execute(select(func.count()).select_from(PROBE)).scalar_one()
        assert transaction_status(session) == "IDLE", "no BEGIN was sent: the statement was its own"
        assert session.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar_one() is None


def test_after_a_read_block_the_session_is_transactional_again(db):
    with db.reads() as session:
        session.execute(select(PROBE.c.id)).all()
    session = db.session
    session.execute(insert(PROBE).values(id=7))
    assert transaction_status(session) == "INTRANS"
    session.rollback()
    assert session.execute(select(func.count()).select_from(PROBE)).scalar_one() == 0, "the write was undone"
    session.rollback()


def test_a_read_block_inside_a_transaction_reads_in_it_and_leaves_it_open(db):
    session = db.session
    session.execute(insert(PROBE).values(id=8))
    with db.reads() as same:
        assert same is session
        assert same.execute(select(PROBE.c.id)).scalars().all() == [8]
    assert transaction_status(session) == "INTRANS"
    session.rollback()
    assert session.execute(select(PROBE.c.id)).scalars().all() == []
    session.rollback()


def test_a_read_block_keeps_prepared_statements_and_an_unprepared_one_makes_none(db):
    with db.reads() as session:
        read_often(session)
        assert any("db_reads_probe" in statement for statement in prepared(session))
    # a statement of its own text (the pool may hand out another connection, which may hold the first)
    unprepared = select(PROBE.c.id).where(PROBE.c.id > 2).order_by(PROBE.c.id.desc())
    with db.reads(prepared=False) as session:
        read_often(session, unprepared)
        assert not any("ORDER BY db_reads_probe.id DESC" in statement for statement in prepared(session))
    with db.reads() as session:
        read_often(session, unprepared)
        assert any("ORDER BY db_reads_probe.id DESC" in statement for statement in prepared(session))


def test_plan_for_parameters_sets_custom_plans_only_where_statements_are_prepared(db):
    session = db.session
    plan_for_parameters(session)
    assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "force_custom_plan"
    session.rollback()
    with db.reads(prepared=False) as session:
        plan_for_parameters(session)  # nothing to set: a SET LOCAL here would only warn
        assert session.execute(text("SHOW plan_cache_mode")).scalar_one() == "auto"


def test_a_failed_statement_in_a_read_block_leaves_the_session_usable(db):
    with pytest.raises(Exception, match="db_reads_nowhere"), db.reads() as session:
        session.execute(text("SELECT * FROM db_reads_nowhere"))
    assert db.session.execute(select(func.count()).select_from(PROBE)).scalar_one() == 0
    db.session.rollback()
