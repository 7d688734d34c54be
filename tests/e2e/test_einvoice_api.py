"""B3 end to end through the gateway: an invoice sent as a Finvoice e-invoice through the project's
operator emulator, by the API (201, the sendings brought up to date, 409 once sent, 422 for a bad address)
and by the invoice page's form (its Finnish words, the sendings table, a refusal shown on the page)."""

import re

import pytest
import requests

from tests.conftest import einvoice_settings, start_system

PASSWORD = "verkkolasku salasana 2026"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TO_COMPANY = {"to_identifier": "003798765432", "to_intermediator": "003721291126"}


@pytest.fixture
def operator(einvoice_operator):
    return einvoice_operator


@pytest.fixture
def system(run_services, config, clean_databases, operator):
    settings = einvoice_settings(operator)
    return start_system(run_services, config, clean_databases, extra_config=settings)


@pytest.fixture
def invoice(system, admin_api):
    system.create_user("verkkokassa", PASSWORD, role="treasurer")
    body = {
        "first_name": "Asiakas",
        "last_name": "Oy",
        "street": "Tie 2",
        "postal_code": "00200",
        "city": "Espoo",
    }
    contact = admin_api.post("/api/v1/contacts", json=body).json()["id"]
    treasurer = system.api(system.token("verkkokassa", PASSWORD))
    made = treasurer.post(
        "/api/v1/billing/invoices",
        json={"contact_id": contact, "lines": [{"description": "Kurssi", "unit_price": "80.00"}]},
    )
    assert made.status_code == 201, made.text
    return treasurer, made.json()


def test_b3_an_e_invoice_through_the_api(invoice, operator):
    treasurer, made = invoice
    url = f"/api/v1/billing/invoices/{made['id']}"
    bad = treasurer.post(f"{url}/einvoice", json={"to_identifier": "123", "to_intermediator": "NDEAFIHH"})
    assert bad.status_code == 422 and bad.json()["details"] == {
        "to_identifier": ["billing.einvoice_address_invalid"]
    }
    sent = treasurer.post(f"{url}/einvoice", json=TO_COMPANY)
    assert sent.status_code == 201 and sent.json()["status"] == "accepted", sent.text
    assert operator.mailbox.messages[sent.json()["message_id"]]["receiver"] == "003798765432"
    listed = treasurer.get(f"{url}/einvoices").json()["items"]
    assert [item["status"] for item in listed] == ["delivered"]
    again = treasurer.post(f"{url}/einvoice", json=TO_COMPANY)
    assert again.status_code == 409 and again.json()["code"] == "billing.einvoice_already_sent"
    assert "Invoice" in again.json()["message"] and str(made["number"]) in again.json()["message"]


def test_b3_the_invoice_page_sends_and_shows_the_e_invoice(system, invoice):
    _, made = invoice
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    login = {"username": "verkkokassa", "password": PASSWORD, "csrf_token": CSRF.search(form.text).group(1)}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    page_url = f"{system.base_url}/billing/invoices/{made['id']}"
    page = web.get(page_url)
    assert 'id="einvoice-form"' in page.text and "Laskua ei ole lähetetty verkkolaskuna." in page.text
    csrf = CSRF.search(page.text).group(1)
    refused = web.post(
        f"{page_url}/einvoice", data={"csrf_token": csrf, "to_identifier": "x", "to_intermediator": ""}
    )
    assert (
        refused.status_code == 422
        and "Anna OVT-tunnus" in refused.text
        and 'id="einvoice-form"' in refused.text
    )
    sent = web.post(f"{page_url}/einvoice", data={"csrf_token": csrf, **TO_COMPANY}, allow_redirects=False)
    assert sent.status_code == 303
    shown = web.get(page_url).text
    assert 'id="einvoice-sendings"' in shown and "toimitettu" in shown and "003798765432" in shown
    assert 'id="einvoice-form"' not in shown  # delivered: not sent twice
