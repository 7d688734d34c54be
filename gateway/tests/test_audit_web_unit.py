"""G2: the audit log's CSV (safe against spreadsheet formula injection) and the audit pages' helpers."""

import csv
import io

import pytest

from gateway.audit.audit_csv import COLUMNS, events_csv, safe_cell
from gateway.audit.web import event_rows, page_links
from gateway.i18n import Translator

EVENT = {
    "event_id": "6f1c0c1e-1111-4444-8888-000000000001",
    "occurred_at": "2026-03-05T12:00:00+00:00",
    "chain_seq": 7,
    "service": "contacts",
    "action": "contact.viewed",
    "actor": {"id": "u-1", "username": '=HYPERLINK("http://evil")', "kind": "user"},
    "request_id": "-1+2",
    "subject_type": "contact",
    "subject_ids": ["c-1", "c-2"],
    "fields": ["email", "first_name"],
    "details": {"query": "@SUM(A1)"},
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+358401234567", "'+358401234567"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("anna", "anna"),
        ("a=b", "a=b"),
        (None, ""),
        (7, "7"),
    ],
)
def test_g2_csv_cells_that_a_spreadsheet_would_run_are_escaped(value, expected):
    assert safe_cell(value) == expected


def test_g2_the_csv_has_a_header_and_one_escaped_row_per_event():
    text = events_csv([[EVENT], [dict(EVENT, chain_seq=6, actor={"id": "u-2", "username": "ben"})]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COLUMNS)
    first = dict(zip(COLUMNS, rows[1], strict=True))
    assert first["actor_username"] == '\'=HYPERLINK("http://evil")'
    assert first["request_id"] == "'-1+2"
    assert first["subject_ids"] == "c-1 c-2" and first["fields"] == "email first_name"
    assert first["details"] == '{"query": "@SUM(A1)"}'  # JSON starts with {: harmless
    assert first["chain_seq"] == "7" and first["action"] == "contact.viewed"
    assert rows[2][3] == "ben" and len(rows) == 3


def test_g2_rows_translate_actions_and_field_names():
    [row] = event_rows([EVENT], Translator("fi"))
    assert row["action"] == "katseli" and row["action_code"] == "contact.viewed"
    assert row["actor_id"] == "u-1" and row["subject_ids"] == ["c-1", "c-2"] and row["seq"] == 7
    assert row["fields"] == "Sähköposti, Etunimi"


def test_g2_page_links_keep_the_filters():
    page = {"items": [], "next_cursor": "41"}
    older, newest = page_links("/audit", {"actor": "anna", "action": ""}, page, cursor="90")
    assert older == "/audit?actor=anna&cursor=41"
    assert newest == "/audit?actor=anna"
    assert page_links("/audit", {}, {"next_cursor": None}, None) == (None, None)


def test_g2_rows_read_for_a_label_preview_are_not_called_a_file_in_the_trail():
    # contact.exported is the contacts service handing rows to the exports service: for a file and for a
    # label preview alike (seen in the review: a preview showed as "exported to a file" on the contact page)
    words = {language: Translator(language).action("contact.exported") for language in ("fi", "sv", "en")}
    assert words == {
        "fi": "luki vientiä varten (tiedosto tai esikatselu)",
        "sv": "läste för en export (fil eller förhandsgranskning)",
        "en": "read for an export (a file or a preview)",
    }
