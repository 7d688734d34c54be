"""piiri.json_reads on PostgreSQL (issue 18: a contact's record in one statement): a batch of reads gives
each read exactly the rows, in exactly the order and with exactly the Python values, that the read gives
when it runs alone; a column JSON cannot carry is refused when the batch is built."""

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Session

from piiri.json_reads import Read, ReadBatch

METADATA = MetaData()
THINGS = Table(
    "json_reads_things",
    METADATA,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("owner", UUID(as_uuid=True), nullable=False),
    Column("name", Text),
    Column("code", String(10)),
    Column("day", Date),
    Column("at", DateTime(timezone=True)),
    Column("amount", Numeric(12, 2)),
    Column("count", Integer),
    Column("flag", Boolean),
    Column("value", JSONB),
    Column("links", ARRAY(UUID(as_uuid=True))),
    Column("data", LargeBinary),
    prefixes=["TEMPORARY"],
)
OWNER, OTHER = uuid.uuid4(), uuid.uuid4()
BASE = datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)


def things():
    """Rows of every type, with the awkward values: nulls, whole and fractional seconds, quotes and
    non-ASCII text, a JSON string and number, ties in the sort order (broken by id)."""
    rows = []
    for number in range(30):
        rows.append(
            {
                "id": uuid.UUID(int=number + 1),
                "owner": OWNER if number % 3 else OTHER,
                "name": None if number == 4 else f'Åke "{number % 5}" \\ Öhman\n',
                "code": f"c{number % 4}",
                "day": date(2026, 1, 1) + timedelta(days=number % 7),
                "at": None if number == 5 else BASE + timedelta(seconds=number, microseconds=10 * number),
                "amount": Decimal("1234567890.10") + number,
                "count": number - 10,
                "flag": number % 2 == 0,
                "value": [{"a": 1.5, "b": "x"}, "text", 7, None][number % 4],
                "links": [uuid.UUID(int=number), uuid.UUID(int=99)] if number % 2 else None,
                "data": b"\x00\x01",
            }
        )
    return rows


READS = {
    "sorted": Read(
        lambda key: (
            select(
                THINGS.c.id,
                THINGS.c.name,
                THINGS.c.code,
                THINGS.c.day,
                THINGS.c.at,
                THINGS.c.amount,
                THINGS.c.count,
                THINGS.c.flag,
                THINGS.c.value,
                THINGS.c.links,
                (THINGS.c.count > 0).label("positive"),
            )
            .where(THINGS.c.owner == key)
            .order_by(THINGS.c.code.desc(), THINGS.c.day, THINGS.c.id.desc())
        )
    ),
    "one": Read(
        lambda key: select(THINGS.c.id, THINGS.c.at).where(THINGS.c.owner == key, THINGS.c.count == 0),
        shape=lambda rows: rows[0] if rows else None,
    ),
    "none": Read(lambda key: select(THINGS.c.id).where(THINGS.c.owner == key, THINGS.c.count > 100)),
    "keyless": Read(
        lambda _key: (
            select(THINGS.c.code, func.count().label("count")).group_by(THINGS.c.code).order_by(THINGS.c.code)
        )
    ),
    "shaped": Read(
        lambda key: select(THINGS.c.name, THINGS.c.count).where(THINGS.c.owner == key).order_by(THINGS.c.id),
        shape=lambda rows: {row["count"]: row["name"] for row in rows},
    ),
}


@pytest.fixture
def session(engines):
    with Session(engines["contacts"]) as session:
        session.execute(text("SET LOCAL TimeZone = 'Europe/Helsinki'"))  # offsets other than +00:00
        METADATA.create_all(session.connection())
        session.execute(THINGS.insert(), things())
        yield session
        session.rollback()


@pytest.mark.parametrize("key", [OWNER, OTHER, uuid.uuid4()])
def test_a_batch_gives_every_read_what_it_gives_alone(session, key):
    batch = ReadBatch(READS, THINGS.c.owner.type)
    together = batch.run(session, key)
    alone = {name: read.run(session, key) for name, read in READS.items()}
    assert together == alone
    assert list(together) == list(READS)
    for together_row, alone_row in zip(together["sorted"], alone["sorted"], strict=True):
        for name, value in alone_row.items():  # the same types, not only equal values
            assert type(together_row[name]) is type(value), name
            if isinstance(value, datetime):
                assert together_row[name].isoformat() == value.isoformat()


def test_the_batch_is_one_statement(session):
    statements = []
    connection = session.connection()

    def count(*_args):
        statements.append(1)

    from sqlalchemy import event

    event.listen(connection, "before_cursor_execute", count)
    try:
        ReadBatch(READS, THINGS.c.owner.type).run(session, OWNER)
    finally:
        event.remove(connection, "before_cursor_execute", count)
    assert len(statements) == 1


def test_rows_come_in_the_reads_order_and_keyless_reads_ignore_the_key(session):
    result = ReadBatch(READS, THINGS.c.owner.type).run(session, OWNER)
    rows = result["sorted"]
    assert len(rows) == 20
    keys = [(row["code"], row["day"], row["id"]) for row in rows]
    expected = sorted(keys, key=lambda key: key[2], reverse=True)  # code desc, day, id desc (stable sorts)
    expected.sort(key=lambda key: key[1])
    expected.sort(key=lambda key: key[0], reverse=True)
    assert keys == expected
    assert [row["code"] for row in rows] == sorted((row["code"] for row in rows), reverse=True)
    assert result["keyless"] == [
        {"code": f"c{number}", "count": 8 if number < 2 else 7} for number in range(4)
    ]
    assert result["none"] == []
    assert result["one"]["id"] == uuid.UUID(int=11)  # count == 0: number 10, the owner's
    assert result["one"]["at"].isoformat() == "2026-03-29T04:00:09.000100+03:00"  # summer time, Helsinki
    assert ReadBatch(READS, THINGS.c.owner.type).run(session, OTHER)["one"] is None


def test_a_column_json_cannot_carry_an_unlabelled_one_and_a_distinct_read_are_refused_when_built():
    bytes_read = Read(lambda key: select(THINGS.c.data).where(THINGS.c.owner == key))
    with pytest.raises(TypeError, match="cannot carry a column of type LargeBinary"):
        ReadBatch({"photo": bytes_read}, THINGS.c.owner.type)
    unlabelled = Read(lambda key: select(THINGS.c.count + 1).where(THINGS.c.owner == key))
    with pytest.raises(TypeError, match="columns or labelled"):
        ReadBatch({"counts": unlabelled}, THINGS.c.owner.type)
    distinct_read = Read(lambda key: select(THINGS.c.code).distinct().where(THINGS.c.owner == key))
    with pytest.raises(TypeError, match="cannot be DISTINCT"):
        ReadBatch({"codes": distinct_read}, THINGS.c.owner.type)


def test_no_reads_is_no_statement(session):
    batch = ReadBatch({}, THINGS.c.owner.type)
    assert batch.statement is None
    assert batch.run(session, OWNER) == {}
