"""I1, issue 11 item 10: an .xlsx imported end to end through the ImportWorker, its rows read by
python-calamine (xlsx_calamine.py) with openpyxl's types: a date cell becomes the birth date, a number
the postal code's digits, texts stay texts."""

from datetime import datetime

from services.imports import xlsx_calamine
from services.imports.tests import corpus
from tests.integration.test_imports import run_import, scalar, system, wait_status  # noqa: F401


def test_i1_issue11_an_xlsx_is_read_by_calamine_validated_and_committed_with_typed_cells(
    system,  # noqa: F811
    clean_databases,
    monkeypatch,
):
    proxy, _ = system
    calls = []
    real = xlsx_calamine.iter_rows
    monkeypatch.setattr(xlsx_calamine, "iter_rows", lambda *args: calls.append(args[1]) or real(*args))
    headers = ["Etunimi", "Sukunimi", "Sähköposti", "Syntymäaika", "Kaupunki"]
    rows = [
        ["Äijä", "Öhman", "aija@example.fi", datetime(1980, 2, 1), "Oulu"],
        ["Åsa", "Ström", "asa@example.se", datetime(1975, 12, 31), "Vaasa"],
    ]
    job = run_import(proxy, corpus.xlsx_bytes(rows, headers=headers), filename="jasenet.xlsx")
    assert job["status"] == "validated" and job["invalid_rows"] == 0, job
    assert job["mapping"]["Syntymäaika"] == "birth_date"
    proxy.imports.start(job["id"])
    done = wait_status(proxy, job["id"], "done", "failed")
    assert done["status"] == "done" and done["counts"]["created"] == 2, done
    assert calls and set(calls) == {"Jäsenet"}  # the worker read the rows with calamine
    born = scalar(clean_databases, "SELECT birth_date FROM contacts WHERE last_name = 'Öhman'")
    assert born.isoformat() == "1980-02-01"
    assert scalar(clean_databases, "SELECT city FROM contacts WHERE last_name = 'Ström'") == "Vaasa"
