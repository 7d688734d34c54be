"""B1-B4 end to end through the gateway: /api/v1/billing as a treasurer (fee type, single invoice, PDF,
Finvoice, a run for a group with its preview, the real camt.054 sample uploaded and matched, the unmatched
queue, manual matching, a credit note), 403 for staff, error codes for bad input, the OpenAPI description,
and the billing web pages in a browser session (fee type form, run preview and start, bank file upload)."""

import io
import re
from pathlib import Path

import pypdf
import pytest
import requests
from sqlalchemy import text

from tests.events import wait_for

PASSWORD = "laskutus salasana 2026"
FIXTURES = Path(__file__).resolve().parents[2] / "services" / "billing" / "tests" / "fixtures"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# What a Finnish reader must not meet: an ISO date or timestamp, or an amount with a decimal point.
UNFORMATTED = re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b\d+\.\d{2}\s*€")


def shown_text(page):
    """A page's text without its markup (ids and dates in attributes are not shown)."""
    return re.sub(r"<[^>]+>", " ", page.split("<body", 1)[-1])


@pytest.fixture
def treasurer(system, admin_api):
    system.create_user("rahastonhoitaja", PASSWORD, role="treasurer")
    return system.api(system.token("rahastonhoitaja", PASSWORD))


def person(api, first, **values):
    body = {"first_name": first, "last_name": "Maksaja", "street": "Tie 2", "postal_code": "00200",
            "city": "Espoo", **values}  # fmt: skip
    response = api.post("/api/v1/contacts", json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_b1_b2_b3_b4_invoicing_through_the_api(system, admin_api, treasurer, clean_databases):
    anna, bertil = person(admin_api, "Anna"), person(admin_api, "Bertil", email="bertil@example.fi")
    group = admin_api.post("/api/v1/groups", json={"name": "Jäsenet 2027"}).json()["id"]
    assert admin_api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [anna, bertil]}).ok

    fee = treasurer.post("/api/v1/billing/fee-types", json={"name": "Jäsenmaksu 2027", "amount": "742.45"})
    assert fee.status_code == 201, fee.text
    bad = treasurer.post("/api/v1/billing/fee-types", json={"name": "X", "amount": "1,005"})
    assert bad.status_code == 422 and bad.json()["details"] == {"amount": ["billing.amount_precision"]}
    rates = treasurer.get("/api/v1/billing/vat-rates").json()["items"]
    retention = treasurer.get("/api/v1/billing/retention").json()  # B4: what the Accounting Act lets go
    assert (
        retention["years"] == 6 and retention["financial_year_end"] == "12-31" and retention["invoices"] == 0
    )
    assert {"vat_class": "general", "rate": "25.50", "valid_from": "2024-09-01"} in rates

    with clean_databases["billing"].begin() as conn:  # so the first number's reference is the camt sample's
        conn.execute(text("INSERT INTO number_counters VALUES ('invoice', 954420)"))
    body = {"fee_type_id": fee.json()["id"], "selection": {"kind": "group", "id": group}}
    preview = treasurer.post("/api/v1/billing/runs:preview", json=body)
    assert (
        preview.status_code == 200 and preview.json()["count"] == 2 and preview.json()["total"] == "1484.90"
    )
    run = treasurer.post("/api/v1/billing/runs", json=body)
    assert run.status_code == 202, run.text
    done = wait_for(
        lambda: (r := treasurer.get(run.headers["Location"]).json())["status"] == "done" and r, 30
    )
    assert done and done["invoices_created"] == 2
    invoices = treasurer.get("/api/v1/billing/invoices", params={"run_id": run.json()["id"]}).json()["items"]
    first = next(item for item in invoices if item["number"] == 954420)
    assert first["reference"] == "9544208"

    pdf = treasurer.get(f"/api/v1/billing/invoices/{first['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert "9544208" in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    xml = treasurer.get(f"/api/v1/billing/invoices/{first['id']}/finvoice")
    assert xml.status_code == 200 and b"<EpiRemittanceInfoIdentifier" in xml.content

    upload = treasurer.post(
        "/api/v1/billing/bank-files",
        params={"filename": "camt054.xml"},
        data=(FIXTURES / "camt054_fi_example_jbank.xml").read_bytes(),
    )
    assert upload.status_code == 422  # the sample's account is not ours (BILLING_ACCOUNTS)
    assert upload.json()["code"] == "billing.bank_file_unknown_account"
    single = treasurer.post(
        "/api/v1/billing/invoices",
        json={"contact_id": anna, "lines": [{"description": "Kurssi", "unit_price": "5"}]},
    )
    assert single.status_code == 201 and single.json()["total"] == "5.00"
    credit = treasurer.post(f"/api/v1/billing/invoices/{single.json()['id']}/credit")
    assert credit.status_code == 201 and credit.json()["kind"] == "credit_note"
    assert treasurer.get(f"/api/v1/billing/invoices/{single.json()['id']}").json()["status"] == "credited"
    page = treasurer.get(f"/api/v1/billing/invoices/{single.json()['id']}/page")  # B3: never sent now
    assert page.status_code == 200 and page.json()["sending_refused"] == "billing.einvoice_credited"
    assert page.json()["credit_notes"][0]["id"] == credit.json()["id"]
    refused = treasurer.post(
        f"/api/v1/billing/invoices/{single.json()['id']}/einvoice",
        json={"to_identifier": "003798765432", "to_intermediator": "003721291126"},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "billing.einvoice_credited"


def test_b1_staff_without_invoices_manage_is_refused(system, admin_api):
    system.create_user("toimisto", PASSWORD, role="staff")
    staff = system.api(system.token("toimisto", PASSWORD))
    assert staff.get("/api/v1/billing/invoices").status_code == 403
    assert staff.post("/api/v1/billing/fee-types", json={"name": "x", "amount": "1"}).status_code == 403


def test_b1_the_openapi_document_describes_billing(system):
    document = requests.get(f"{system.base_url}/api/v1/openapi.json").json()
    assert "/api/v1/billing/runs:preview" in document["paths"]
    assert "/api/v1/billing/bank-files" in document["paths"]


def web_session(system, username):
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    login = {"username": username, "password": PASSWORD, "csrf_token": CSRF.search(form.text).group(1)}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    return web


def test_b1_b4_the_billing_pages(system, admin_api):
    system.create_user("kassa", PASSWORD, role="treasurer")
    anna = person(admin_api, "Anna")
    group = admin_api.post("/api/v1/groups", json={"name": "Hallitus"}).json()["id"]
    admin_api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": [anna]})
    web = web_session(system, "kassa")
    base = system.base_url
    page = web.get(base + "/billing")
    assert page.status_code == 200 and 'id="fee-type-form"' in page.text
    csrf = CSRF.search(page.text).group(1)
    fee = {"csrf_token": csrf, "name": "Jäsenmaksu", "amount": "20", "vat_class": "none", "account": ""}
    bad = web.post(base + "/billing/fee-types", data={**fee, "amount": "1.001"})
    assert bad.status_code == 422 and "enintään kaksi desimaalia" in bad.text
    nameless = web.post(base + "/billing/fee-types", data={**fee, "name": ""})
    assert nameless.status_code == 422 and "Anna nimi." in nameless.text  # empty: required (issue 13 item 9)
    assert "Length must be" not in nameless.text  # the schema's English message is a code now
    made = web.post(base + "/billing/fee-types", data=fee, allow_redirects=False)
    assert made.status_code == 303
    fee_id = re.search(r'data-fee-type-id="([^"]+)"', web.get(base + "/billing").text).group(1)
    form = {
        "csrf_token": csrf,
        "fee_type_id": fee_id,
        "kind": "group",
        "selection_id": group,
        "delivery": "print",
    }
    preview = web.post(base + "/billing/runs", data={**form, "action": "preview"})
    assert (
        preview.status_code == 200 and 'id="preview-count"' in preview.text and "Anna Maksaja" in preview.text
    )
    started = web.post(base + "/billing/runs", data={**form, "action": "start"}, allow_redirects=False)
    assert started.status_code == 303
    run_page = lambda: web.get(base + started.headers["Location"]).text  # noqa: E731
    assert wait_for(lambda: 'data-status="done"' in run_page(), 30)
    invoices = web.get(base + "/billing/invoices")
    assert "Anna Maksaja" in invoices.text
    invoice_id = re.search(r'data-invoice-id="([^"]+)"', invoices.text).group(1)
    detail = web.get(base + f"/billing/invoices/{invoice_id}")
    assert detail.status_code == 200 and 'id="invoice-reference"' in detail.text
    for page in (invoices.text, detail.text, run_page(), web.get(base + "/billing").text):
        assert "20,00\xa0€" in shown_text(page)  # amounts and dates as Finnish readers write them
        assert not UNFORMATTED.findall(shown_text(page)), UNFORMATTED.findall(shown_text(page))
    assert web.get(base + f"/billing/invoices/{invoice_id}/pdf").content.startswith(b"%PDF")
    assert 'id="invoice-finvoice"' in detail.text  # B3: the e-invoice file for an operator, from the page
    finvoice = web.get(base + f"/billing/invoices/{invoice_id}/finvoice")
    assert finvoice.status_code == 200 and b"<Finvoice" in finvoice.content
    assert "attachment" in finvoice.headers["Content-Disposition"]
    upload = web.post(
        base + "/billing/bank-files",
        data={"csrf_token": csrf},
        files={"file": ("tiliote.pdf", b"%PDF-1.4 not a bank file")},
    )
    assert upload.status_code == 422 and "viitesiirtoaineisto" in upload.text
    errors = re.search(r'id="form-errors"[^>]*>(.*?)</div>', upload.text, re.S).group(1)
    assert "(tiedosto tiliote.pdf)" in errors and "file:" not in errors  # where, in words, said once
    assert errors.count("viitesiirtoaineisto") == 1
    assert web.get(base + "/billing/payments").status_code == 200
