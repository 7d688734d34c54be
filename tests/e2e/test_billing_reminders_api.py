"""B4 reminders end to end through the gateway: as a treasurer, an overdue invoice e-invoiced through the
project's operator emulator and a printed one; the reference-rate table extended by the API; a reminder
run's preview and run (the e-invoiced invoice's reminder goes to the operator as a Finvoice INV09, the
other is ready as a PDF); the reminder on its invoice, its PDF; two more levels and the collection list
as JSON, CSV and xlsx; a hold; 403 for staff without invoices.manage; error codes for bad input."""

import io
from datetime import date, timedelta

import pypdf
import pytest
from lxml import etree

from tests.conftest import einvoice_settings, start_system
from tests.events import wait_for

PASSWORD = "muistutukset rajapinnasta 2026"
DUE = date.today() - timedelta(days=120)


@pytest.fixture
def system(run_services, config, clean_databases, einvoice_operator):
    return start_system(
        run_services, config, clean_databases, extra_config=einvoice_settings(einvoice_operator)
    )


def overdue(api, first):
    body = {
        "first_name": first,
        "last_name": "Myöhäinen",
        "street": "Tie 2",
        "postal_code": "00200",
        "city": "Espoo",
    }
    contact = api.post("/api/v1/contacts", json=body).json()["id"]
    invoice = api.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": contact,
            "invoice_date": (DUE - timedelta(days=14)).isoformat(),
            "due_date": DUE.isoformat(),
            "lines": [{"description": "Jäsenmaksu", "unit_price": "50.00"}],
        },
    )
    assert invoice.status_code == 201, invoice.text
    return invoice.json()


def run(api, days):
    started = api.post(
        "/api/v1/billing/reminder-runs", json={"reminder_date": (DUE + timedelta(days=days)).isoformat()}
    )
    assert started.status_code == 202, started.text
    done = wait_for(
        lambda: (lambda body: body if body["status"] in ("done", "failed") else None)(
            api.get(f"/api/v1/billing/reminder-runs/{started.json()['id']}").json()
        ),
        30,
    )
    assert done and done["status"] == "done", done
    return done


def test_b4_reminders_through_the_api(system, admin_api, einvoice_operator):
    system.create_user("muistuttaja", PASSWORD, role="treasurer")
    api = system.api(system.token("muistuttaja", PASSWORD))
    system.create_user("toimisto", PASSWORD, role="staff")
    staff = system.api(system.token("toimisto", PASSWORD))
    assert staff.get("/api/v1/billing/collection").status_code == 403
    assert staff.post("/api/v1/billing/reminder-runs:preview", json={}).status_code == 403

    printed, einvoiced = overdue(api, "Paperi"), overdue(api, "Verkko")
    sent = api.post(
        f"/api/v1/billing/invoices/{einvoiced['id']}/einvoice",
        json={"to_identifier": "003798765432", "to_intermediator": "003721291126"},
    )
    assert sent.status_code == 201, sent.text

    bad = api.post(
        "/api/v1/billing/reminders/reference-rates", json={"valid_from": "2027-02-01", "rate": "x"}
    )
    assert bad.status_code == 422
    assert bad.json()["details"] == {"valid_from": ["billing.reference_rate_not_half_year"]}
    known = {rate["valid_from"] for rate in api.get("/api/v1/billing/reminders/settings").json()["rates"]}
    day = date(DUE.year, 1 if DUE.month <= 6 else 7, 1)
    while day <= date.today():  # test data for half-years the built-in table lacks
        if day.isoformat() not in known:
            added = api.post(
                "/api/v1/billing/reminders/reference-rates",
                json={"valid_from": day.isoformat(), "rate": "2.50"},
            )
            assert added.status_code == 201, added.text
        day = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)

    future = api.post("/api/v1/billing/reminder-runs:preview", json={"reminder_date": "2999-01-01"})
    assert future.status_code == 422 and future.json()["details"] == {
        "reminder_date": ["billing.reminder_date_in_future"]
    }
    preview = api.post(
        "/api/v1/billing/reminder-runs:preview",
        json={"reminder_date": (DUE + timedelta(days=20)).isoformat()},
    )
    assert preview.status_code == 200 and preview.json()["count"] == 2, preview.text
    assert {item["level"] for item in preview.json()["items"]} == {1}

    first = run(api, 20)
    assert first["reminders_created"] == 2
    assert first["einvoices"] == {
        "sent": 1,
        "waiting": 0,
        "retrying": 0,
        "failed": 0,
        "next_attempt_at": None,
    }
    reminders = api.get(f"/api/v1/billing/invoices/{einvoiced['id']}/reminders").json()["items"]
    assert [(r["level"], r["delivery"], r["delivery_status"]) for r in reminders] == [(1, "einvoice", "sent")]
    to_operator = [etree.fromstring(m["xml"]) for m in einvoice_operator.mailbox.messages.values()]
    kinds = sorted(xml.findtext("InvoiceDetails/InvoiceTypeCode") for xml in to_operator)
    assert kinds == ["INV01", "INV09"]
    on_paper = api.get(f"/api/v1/billing/invoices/{printed['id']}/reminders").json()["items"]
    assert [(r["level"], r["delivery"], r["delivery_status"]) for r in on_paper] == [(1, "print", "ready")]
    pdf = api.get(f"/api/v1/billing/reminders/{on_paper[0]['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    assert "MAKSUMUISTUTUS" in pypdf.PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()

    held = api.put(f"/api/v1/billing/invoices/{printed['id']}/hold", json={"on_hold": True})
    assert held.status_code == 200 and held.json()["on_hold"] is True
    assert run(api, 34)["excluded"] == {"on_hold": 1}
    assert api.put(f"/api/v1/billing/invoices/{printed['id']}/hold", json={"on_hold": False}).ok
    run(api, 48)
    run(api, 62)
    collection = api.get("/api/v1/billing/collection").json()
    assert sorted(item["invoice_number"] for item in collection["items"]) == [
        printed["number"],
        einvoiced["number"],
    ]
    assert {item["fees_open"] for item in collection["items"]} == {"15.00"}
    csv = api.get("/api/v1/billing/collection/export", params={"format": "csv"})
    assert csv.status_code == 200 and "Verkko Myöhäinen" in csv.content.decode("utf-8-sig")
    xlsx = api.get("/api/v1/billing/collection/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    wrong = api.get("/api/v1/billing/collection/export", params={"format": "pdf"})
    assert wrong.status_code == 422 and wrong.json()["details"] == {
        "format": ["billing.export_format_unknown"]
    }
    invoice = api.get(f"/api/v1/billing/invoices/{einvoiced['id']}").json()
    assert invoice["reminder_fees"] == "15.00" and invoice["payer_kind"] == "person"
    paths = admin_api.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/billing/reminder-runs:preview" in paths and "/api/v1/billing/collection/export" in paths
