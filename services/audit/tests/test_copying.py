"""The binary text[] of the audit COPY (copying.py) is byte for byte what psycopg's own list dumper makes,
for the shapes a record's subject ids and field names take."""

import uuid

import pytest
from psycopg.adapt import PyFormat, Transformer

from services.audit.copying import TextListBinaryDumper

SHAPES = {
    "ids of one length (UUIDs: the one-join path)": [str(uuid.uuid4()) for _ in range(25)],
    "one id": [str(uuid.uuid4())],
    "texts of different lengths": ["email", "first_name", "last_name"],
    "non-ASCII of one character count but not one byte count": ["ä", "a"],
    "non-ASCII of one byte count": ["ä", "ö", "å"],
    "a missing element": ["a", None, "c"],
    "empty": [],
}


@pytest.mark.parametrize("texts", SHAPES.values(), ids=SHAPES.keys())
def test_issue12_a_text_list_is_dumped_as_psycopg_dumps_it(texts):
    reference = Transformer().get_dumper(texts, PyFormat.BINARY) if texts else None
    ours = TextListBinaryDumper(list).dump(texts)
    if reference is None:  # psycopg dumps [] without an element type; ours names text[] (COPY's type)
        assert ours == bytes.fromhex("00000000 00000000 00000019")
    else:
        assert ours == bytes(reference.dump(texts))
