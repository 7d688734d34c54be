"""B3 (issue 15) end to end through the gateway: the e-invoice address and operator as contact fields:
written and refused over /api/v1/contacts, shown on the contact page (with the operator's name) and in
the edit form (the common operators offered, any code typed), exported as an Excel column by the field's
one name, and prefilled on the invoice page's e-invoice form from the payer's contact."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.e2e.test_billing_api import PASSWORD, web_session
from tests.e2e.test_exports_api import wait

COMPANY = {"kind": "organisation", "organisation_name": "Verkkolasku Oy", "street": "Tie 2",
           "postal_code": "00200", "city": "Espoo",
           "einvoice_address": "0037 1234 5678", "einvoice_operator": "003721291126"}  # fmt: skip


@pytest.fixture
def exporting(system, run_services):
    from services.exports.service import ExportsService
    from services.exports.worker import ExportWorker

    run_services(ExportsService, ExportWorker)
    return system


def test_b3_einvoice_fields_through_the_api_pages_export_and_invoice_form(exporting, admin_api):
    bad = admin_api.post("/api/v1/contacts", json={**COMPANY, "einvoice_address": "0037 12"})
    assert bad.status_code == 422
    assert bad.json()["details"] == {"einvoice_address": ["contact.einvoice_address_invalid"]}
    made = admin_api.post("/api/v1/contacts", json=COMPANY)
    assert made.status_code == 201, made.text
    contact = made.json()
    assert (contact["einvoice_address"], contact["einvoice_operator"]) == ("003712345678", "003721291126")

    exporting.create_user("laskuttaja", PASSWORD, role="admin")
    web = web_session(exporting, "laskuttaja")
    base = exporting.base_url
    page = web.get(f"{base}/contacts/{contact['id']}")
    assert 'id="detail-einvoice_address"' in page.text and "003712345678" in page.text
    assert "Maventa (Visma Solutions Oy)" in page.text
    form = web.get(f"{base}/contacts/{contact['id']}/edit")
    assert 'list="einvoice-operators"' in form.text and '<option value="NDEAFIHH">' in form.text
    assert "Verkkolaskuoperaattori" in form.text

    started = admin_api.post(
        "/api/v1/exports",
        json={"format": "xlsx", "selection": {"kind": "ids", "ids": [contact["id"]]},
              "columns": ["display_name", "einvoice_address", "einvoice_operator"]},
    )  # fmt: skip
    assert started.status_code == 202, started.text
    job = wait(admin_api, started.json()["id"])
    assert job["status"] == "done", job
    rows = list(
        load_workbook(
            io.BytesIO(admin_api.get(f"/api/v1/exports/{job['id']}/file").content)
        ).active.iter_rows(values_only=True)
    )
    assert ("Nimi", "Verkkolaskuosoite", "Verkkolaskuoperaattori") in rows
    assert ("Verkkolasku Oy", "003712345678", "003721291126") in rows

    invoice = admin_api.post(
        "/api/v1/billing/invoices",
        json={"contact_id": contact["id"], "lines": [{"description": "Kurssi", "unit_price": "20.00"}]},
    )
    assert invoice.status_code == 201, invoice.text
    invoice_page = web.get(f"{base}/billing/invoices/{invoice.json()['id']}")
    assert 'id="einvoice-prefilled"' in invoice_page.text
    assert re.search(r'id="einvoice-address" name="to_identifier" value="003712345678"', invoice_page.text)
    assert re.search(
        r'id="einvoice-operator" name="to_intermediator" value="003721291126"', invoice_page.text
    )
