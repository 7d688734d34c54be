"""JSON exports (I2): NDJSON (one row per line) and a JSON array, both written row by row."""

import json

from services.exports.formats import export_format


def dumps(row):
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"), default=str)


def ndjson_chunks(rows):
    for row in rows:
        yield (dumps(row) + "\n").encode("utf-8")


def json_chunks(rows):
    yield b"["
    first = True
    for row in rows:
        yield (("" if first else ",") + "\n" + dumps(row)).encode("utf-8")
        first = False
    yield b"\n]\n"


@export_format("ndjson")
def write_ndjson(rows, options, out, language):
    for chunk in ndjson_chunks(rows):
        out.write(chunk)


@export_format("json")
def write_json(rows, options, out, language):
    for chunk in json_chunks(rows):
        out.write(chunk)
