"""End to end through /api/v1 (I2): address labels, name cards and a PDF list as export jobs, read back with
pypdf; label options refused with a 422 naming the option (nothing queued); every format's options in the
OpenAPI document."""

import io

from pypdf import PdfReader

from tests.e2e.test_exports_api import exporting, wait  # noqa: F401  (fixture)
from tests.events import wait_for
from tests.mailing_flags import flag_contact

LAST = "Pdfvienti"


def _people(api, count):
    for index in range(count):
        body = {
            "first_name": f"Henkilö{index:02d}",
            "last_name": LAST,
            "title": "Rahastonhoitaja",
            "email": f"pdf{index}@example.org",
            "street": f"Testikatu {index}",
            "postal_code": "00100",
            "city": "Helsinki",
        }
        assert api.post("/api/v1/contacts", json=body).status_code == 201


def _pdf(api, body):
    started = api.post("/api/v1/exports", json={"selection": {"kind": "search", "query": LAST}, **body})
    assert started.status_code == 202, started.text
    job = wait(api, started.json()["id"])
    assert job["status"] == "done", job
    file = api.get(f"/api/v1/exports/{job['id']}/file")
    assert file.status_code == 200 and file.headers["Content-Type"] == "application/pdf"
    return job, PdfReader(io.BytesIO(file.content))


def test_i2_labels_name_cards_and_pdf_list_through_the_api(exporting, admin_api):  # noqa: F811
    _people(admin_api, 31)
    job, labels = _pdf(admin_api, {"format": "labels", "options": {"sheet": "3x10", "skip": 2}})
    assert job["rows_written"] == 31 and len(labels.pages) == 2  # 2 used + 31 labels on 30-label sheets
    assert "Henkilö00 Pdfvienti\nTestikatu 0\n00100 HELSINKI" in labels.pages[0].extract_text()

    job, cards = _pdf(admin_api, {"format": "name_cards", "options": {"sheet": "2x5", "qr": True}})
    assert job["rows_written"] == 31 and len(cards.pages) == 4 and len(cards.pages[0].images) == 10
    assert "Rahastonhoitaja" in cards.pages[3].extract_text()

    job, listed = _pdf(
        admin_api,
        {
            "format": "pdf_list",
            "columns": ["display_name", "email", "city"],
            "options": {"title": "Hallituksen jäsenet"},
            "language": "en",
        },
    )
    first = listed.pages[0].extract_text()
    assert "Hallituksen jäsenet" in first and "E-mail" in first and "pdf30@example.org" in first
    assert f"page 1/{len(listed.pages)}" in first.replace("\n", "")


def test_i2_bad_label_options_are_refused_and_nothing_is_queued(exporting, admin_api):  # noqa: F811
    selection = {"kind": "search", "query": LAST}
    for options, field in (
        ({"sheet": "5x13"}, "sheet"),
        ({"sheet": "3x8", "skip": 24}, "skip"),
        ({"sheet": "2x7", "top_mm": 3}, "top_mm"),
        ({"font_size": "iso"}, "font_size"),
    ):
        response = admin_api.post(
            "/api/v1/exports", json={"format": "labels", "selection": selection, "options": options}
        )
        assert response.status_code == 422, response.text
        assert field in response.json()["details"], response.json()
    assert admin_api.get("/api/v1/exports").json()["items"] == []


def test_i2_openapi_documents_the_pdf_format_options(exporting, admin_api):  # noqa: F811
    schemas = admin_api.get("/api/v1/openapi.json").json()["components"]["schemas"]
    labels = schemas["LabelsExportOptions"]["properties"]
    assert set(labels) >= {"sheet", "top_mm", "left_mm", "skip", "font_size", "one_per_couple"}
    assert "3x8" in labels["sheet"]["enum"]
    assert "qr" in schemas["NameCardsExportOptions"]["properties"]
    assert "orientation" in schemas["PdfListExportOptions"]["properties"]


def test_i2_c14_a_widow_is_addressed_alone_and_a_couple_once(exporting, admin_api):  # noqa: F811
    home = {"street": "Kotitie 5", "postal_code": "33100", "city": "Tampere"}
    made = {}
    for first in ("Liisa", "Pekka", "Anna", "Matti"):
        body = {"first_name": first, "last_name": LAST, **home}
        made[first] = admin_api.post("/api/v1/contacts", json=body).json()["id"]
    assert admin_api.post("/api/v1/contacts", json={"first_name": "Osoitteeton", "last_name": LAST}).ok
    for pair in (("Liisa", "Pekka"), ("Anna", "Matti")):
        linked = admin_api.post("/api/v1/couples", json={"contact_ids": [made[name] for name in pair]})
        assert linked.status_code == 201, linked.text
    assert admin_api.post(f"/api/v1/contacts/{made['Pekka']}/deceased", json={"deceased_on": "2025-03-01"}).ok
    job, labels = _pdf(admin_api, {"format": "labels"})
    text = labels.pages[0].extract_text()
    assert job["rows_written"] == 2 and f"Liisa {LAST}\nKotitie 5" in text and "Pekka" not in text
    # what was left out, and why, is on the job (the deceased are not selected at all)
    assert job["notes"] == {"skipped_no_address": 1, "skipped_couple_partner": 1}
    assert "Osoitteeton" not in text
    assert (
        text.count(f"Anna ja Matti {LAST}") + text.count(f"Matti ja Anna {LAST}") == 1
    )  # members in id order


def test_i2_m5_the_label_preview_is_the_pdf_s_first_sheet_with_flags_and_an_audit_record(
    exporting,  # noqa: F811
    admin_api,
    engines,
):
    """POST /api/v1/exports:preview with the body of an export: the first sheet's labels in the order
    the PDF prints them (couples once, no-address rows left out, the counts as the job's), each flagged
    contact's bounce or unsubscribe flag beside its label (never in the PDF), and one audit record naming
    the contacts on the labels."""
    from sqlalchemy import text

    _people(admin_api, 25)
    assert admin_api.post("/api/v1/contacts", json={"first_name": "Osoitteeton", "last_name": LAST}).ok
    found = admin_api.get("/api/v1/contacts", params={"q": LAST, "limit": 100}).json()["items"]
    ids = {item["display_name"]: item["id"] for item in found}
    flagged = ids[f"Henkilö03 {LAST}"]
    flag_contact(engines["mailing"], flagged, email="pdf3@example.org")
    body = {
        "format": "labels",
        "selection": {"kind": "search", "query": LAST},
        "options": {"sheet": "3x7", "skip": 1},
    }
    answer = admin_api.post("/api/v1/exports:preview", json=body)
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert admin_api.get("/api/v1/exports").json()["items"] == []  # nothing queued
    labels = preview["labels"]
    assert [label["slot"] for label in labels] == list(range(1, 21))
    assert preview["counts"] == {
        "labels": 25,
        "pages": 2,
        "skipped_no_address": 1,
        "skipped_couple_partner": 0,
    }
    by_id = {label["contact_id"]: label for label in labels}
    assert [flag["kind"] for flag in by_id[flagged]["mailing_flags"]] == ["bounced"]
    assert all(label["mailing_flags"] == [] for label in labels if label["contact_id"] != flagged)

    job, pdf = _pdf(admin_api, body)
    assert job["rows_written"] == preview["counts"]["labels"] and len(pdf.pages) == preview["counts"]["pages"]
    first = pdf.pages[0].extract_text()
    names = [label["lines"][0] for label in labels]
    positions = [first.find(name + "\n") for name in names]
    assert -1 not in positions and positions == sorted(positions), (names, first)  # same people, same order
    assert all(name not in pdf.pages[1].extract_text() for name in names)
    assert "⚠" not in first and "palautui" not in first.lower() and "bounced" not in first.lower()

    query = text(
        "SELECT actor_username, subject_ids, details FROM audit_events"
        " WHERE request_id = :rid AND action = 'export.labels_previewed'"
    )

    def recorded():
        with engines["audit"].connect() as conn:
            return conn.execute(query, {"rid": answer.headers["X-Request-Id"]}).all()

    records = wait_for(recorded, 3)
    assert len(records) == 1, records
    assert sorted(str(value) for value in records[0].subject_ids) == sorted(by_id)  # no couples here
    assert records[0].details["labels"] == 25 and records[0].details["sheet"] == "3x7"


def test_i2_only_labels_are_previewed(exporting, admin_api):  # noqa: F811
    body = {"format": "csv", "selection": {"kind": "search", "query": LAST}}
    answer = admin_api.post("/api/v1/exports:preview", json=body)
    assert answer.status_code == 422 and "format" in answer.json()["details"], answer.text
