"""Several row-returning reads of one key in one statement (issue 18: fewer round trips per request).

A ``Read`` is a SELECT of one key (``query(key)``, ordered or not) and a ``shape`` of its rows. Run alone
(``Read.run``) it is one statement, as always. ``ReadBatch`` sends many of them as one statement: each
SELECT becomes a scalar subquery ``json_agg(json_build_array(columns…) ORDER BY its row number)``, and
each JSON row comes back as a mapping of the Python values the SELECT itself would have given (dates,
times and UUIDs decoded by the column's type), so ``shape`` sees the same rows either way.

A column whose values JSON cannot carry exactly (numeric) is sent as text and decoded from it. Refused
when the batch is built, not misread at run time: a column of a type without a decoder here (bytes), an
unlabelled expression (its row name would be made up) and a DISTINCT read (the row numbers that keep its
order would make every row distinct).

A contact's record (services/contacts/details.py) is the user: thirteen statements became one, 6.1 → 1.2
ms of Python CPU a record (bench/README.md, issue 18).
"""

import uuid
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Select, Text, bindparam, cast, func, literal_column, select, sql
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnClause, ColumnElement, Label
from sqlalchemy.types import TypeEngine

Rows = list[Mapping[str, Any]]
Decoder = Callable[[Any], Any]


def _rows(rows: Iterable[Any]) -> Rows:
    return [dict(row._mapping) for row in rows]


@dataclass(frozen=True)
class Read:
    """``query(key)``: a SELECT; ``shape(rows)``: what the read gives from its rows (default: the rows,
    as dicts)."""

    query: Callable[[Any], Select[Any]]
    shape: Callable[[Rows], Any] = field(default=lambda rows: rows)

    def run(self, session: Session, key: Any) -> Any:
        """The read alone, as one statement of its own."""
        return self.shape(_rows(session.execute(self.query(key))))


def _same(value: Any) -> Any:
    return value


def _uuid(value: Any) -> Any:
    return uuid.UUID(value)


def _decimal(value: Any) -> Any:
    return Decimal(value)


def _decoder_of(column_type: TypeEngine[Any]) -> tuple[Decoder, bool]:
    """(decoder of the column's JSON value, whether it is sent as text) for a column type."""
    python_type: Any
    if isinstance(column_type, sql.sqltypes.ARRAY):
        item, as_text = _decoder_of(column_type.item_type)
        if as_text:
            raise TypeError(f"a read cannot carry an array of {column_type.item_type!r} in JSON")
        return (lambda values: None if values is None else [item(value) for value in values]), False
    if isinstance(column_type, sql.sqltypes.NullType | sql.sqltypes.JSON):
        return _same, False
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        raise TypeError(f"a read cannot carry a column of type {column_type!r} in JSON") from None
    decoders: dict[Any, tuple[Decoder, bool]] = {
        str: (_same, False),
        bool: (_same, False),
        int: (_same, False),
        float: (_same, False),
        dict: (_same, False),
        list: (_same, False),
        uuid.UUID: (_uuid, False),
        date: (date.fromisoformat, False),
        datetime: (datetime.fromisoformat, False),
        time: (time.fromisoformat, False),
        Decimal: (_decimal, True),
    }
    if python_type not in decoders:
        raise TypeError(f"a read cannot carry a column of type {column_type!r} in JSON")
    return decoders[python_type]


@dataclass(frozen=True)
class _Batched:
    names: tuple[str, ...]
    decoders: tuple[Decoder, ...]
    shape: Callable[[Rows], Any]

    def value(self, json_rows: Sequence[Sequence[Any]]) -> Any:
        rows: Rows = [
            {
                name: None if value is None else decode(value)
                for name, decode, value in zip(self.names, self.decoders, values, strict=True)
            }
            for values in json_rows
        ]
        return self.shape(rows)


def _aggregated(read: Read, key: Any) -> tuple[ColumnElement[Any], _Batched]:
    """The read as one JSON column (its rows as arrays, in its order) and how to read them back."""
    query = read.query(key)
    if query._distinct:  # its row numbers would make every row distinct
        raise TypeError(f"a batched read cannot be DISTINCT (group by its columns instead): {query}")
    columns = list(query.selected_columns)
    for column in columns:  # named as a result row would name them: a column's name or a label
        if not isinstance(column, ColumnClause | Label):
            raise TypeError(f"a batched read's columns are columns or labelled: label {column} in {query}")
    coded = [_decoder_of(column.type) for column in columns]
    ordering = list(query._order_by_clauses)  # the query's own ORDER BY, kept as the row number
    numbered = query.add_columns(
        (func.row_number().over(order_by=ordering) if ordering else literal_column("0")).label("piiri_row")
    ).order_by(None)
    inner = numbered.subquery()
    values = [
        cast(inner.c[index], Text) if as_text else inner.c[index] for index, (_, as_text) in enumerate(coded)
    ]
    rows = func.json_agg(aggregate_order_by(func.json_build_array(*values), inner.c.piiri_row))
    aggregate = select(func.coalesce(rows, literal_column("'[]'::json"), type_=JSON)).select_from(inner)
    batched = _Batched(
        names=tuple(str(column.key) for column in columns),
        decoders=tuple(decode for decode, _ in coded),
        shape=read.shape,
    )
    return aggregate.scalar_subquery(), batched


class ReadBatch:
    """Named reads of one key, sent as one statement (``run``): {name: what the read gives}."""

    def __init__(self, reads: Mapping[Hashable, Read], key_type: TypeEngine[Any]) -> None:
        key = bindparam("piiri_key", type_=key_type)
        self.batched: dict[Hashable, _Batched] = {}
        columns = []
        for position, (name, read) in enumerate(reads.items()):
            aggregate, self.batched[name] = _aggregated(read, key)
            columns.append(aggregate.label(f"r{position}"))
        self.statement = select(*columns) if columns else None

    def run(self, session: Session, key: Any) -> dict[Hashable, Any]:
        if self.statement is None:
            return {}
        values = session.execute(self.statement, {"piiri_key": key}).one()
        return {
            name: batched.value(json_rows)
            for (name, batched), json_rows in zip(self.batched.items(), values, strict=True)
        }
