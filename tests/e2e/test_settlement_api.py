"""B1 federation split end to end through the gateway: settlement parties and a fee type with components
over /api/v1/billing (a clear error when the components do not sum to the fee or name a party twice, also
when they are edited), an invoice run for a
group, a bank file paying one invoice in full and one in part, and the settlement report's figures as
JSON, as an Excel workbook and CSV, and on the web pages (parties form, fee type form, settlement page)."""

import io

import openpyxl

from piiri import clock
from tests.e2e.test_billing_api import CSRF, PASSWORD, UNFORMATTED, person, shown_text, web_session
from tests.events import wait_for
from tests.ktl_files import ktl_file


def test_b1_fee_with_components_run_payment_settlement_report(system, admin_api, clean_databases):
    system.create_user("liittokassa", PASSWORD, role="treasurer")
    api = system.api(system.token("liittokassa", PASSWORD))
    liitto = api.post("/api/v1/billing/parties", json={"name": "Liitto ry", "business_id": "0201256-6"})
    assert liitto.status_code == 201, liitto.text
    bad = api.post("/api/v1/billing/parties", json={"name": "X", "business_id": "0201256-7"})
    assert bad.status_code == 422 and bad.json()["details"] == {
        "business_id": ["billing.business_id_invalid"]
    }
    yhdistys = api.post(
        "/api/v1/billing/parties",
        json={"name": "Paikallisyhdistys ry", "business_id": "1572860-0", "iban": "FI4947300010416310"},
    ).json()
    components = [
        {"party_id": liitto.json()["id"], "amount": "22.50"},
        {"party_id": yhdistys["id"], "amount": "12.50"},
    ]
    wrong = api.post(
        "/api/v1/billing/fee-types", json={"name": "Jäsenmaksu", "amount": "36.00", "components": components}
    )
    assert wrong.status_code == 422
    assert wrong.json()["details"]["components"][0] == {
        "code": "billing.components_sum",
        "params": {"sum": "35.00", "amount": "36.00"},
    }
    fee = api.post(
        "/api/v1/billing/fee-types", json={"name": "Jäsenmaksu", "amount": "35.00", "components": components}
    )
    assert fee.status_code == 201 and len(fee.json()["components"]) == 2
    fee_components = f"/api/v1/billing/fee-types/{fee.json()['id']}/components"
    bad_edit = api.put(
        fee_components, json={"components": [{"party_id": yhdistys["id"], "amount": "35"}] * 2}
    )
    assert bad_edit.status_code == 422
    assert bad_edit.json()["details"] == {"components.1.party_id": ["billing.party_twice"]}
    assert api.put(fee_components, json={"components": components}).status_code == 200  # the same again

    members = [person(admin_api, name) for name in ("Aada", "Eero")]
    group = admin_api.post("/api/v1/groups", json={"name": "Jäsenet"}).json()["id"]
    assert admin_api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": members}).ok
    run = api.post(
        "/api/v1/billing/runs",
        json={"fee_type_id": fee.json()["id"], "selection": {"kind": "group", "id": group}},
    )
    assert run.status_code == 202, run.text
    assert wait_for(lambda: api.get(run.headers["Location"]).json()["status"] == "done", 30)
    first, second = sorted(
        api.get("/api/v1/billing/invoices", params={"run_id": run.json()["id"]}).json()["items"],
        key=lambda invoice: invoice["number"],
    )
    today = clock.today()
    upload = api.post(
        "/api/v1/billing/bank-files",
        params={"filename": "viitemaksut.txt"},
        data=ktl_file(
            [(first["reference"], 3500, "AADA", today), (second["reference"], 1000, "EERO", today)], "E"
        ),
    )
    assert upload.status_code == 201 and upload.json()["matched"] == 2, upload.text

    period = f"{today.year}-{today.month:02d}"
    report = api.get("/api/v1/billing/settlement", params={"period": period})
    assert report.status_code == 200, report.text
    rows = {row["name"]: row for row in report.json()["parties"]}
    # 35.00 in full (22.50 + 12.50), and 10.00 of 35.00 shared 22.50 : 12.50 = 6.43 + 3.57 (cents exact)
    assert (rows["Liitto ry"]["invoiced"], rows["Liitto ry"]["paid"], rows["Liitto ry"]["owed"]) == (
        "45.00",
        "28.93",
        "28.93",
    )
    assert (rows["Paikallisyhdistys ry"]["paid"], report.json()["totals"]["paid"]) == ("16.07", "45.00")
    assert api.get("/api/v1/billing/settlement", params={"period": "2026-Q5"}).status_code == 422
    workbook = api.get(
        "/api/v1/billing/settlement/file", params={"period": period, "format": "xlsx", "language": "sv"}
    )
    assert workbook.status_code == 200 and "attachment" in workbook.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    assert ("Liitto ry", "0201256-6", None, 45, 0, 28.93, 28.93) in list(sheet.iter_rows(values_only=True))
    csv_file = api.get("/api/v1/billing/settlement/file", params={"period": period, "format": "csv"})
    assert (
        "Paikallisyhdistys ry;1572860-0;FI4947300010416310;25,00;0,00;16,07;16,07"
        in csv_file.content.decode("utf-8-sig")
    )

    web = web_session(system, "liittokassa")
    base = system.base_url
    parties = web.get(base + "/billing/parties")
    assert parties.status_code == 200 and "Liitto ry" in parties.text
    csrf = CSRF.search(parties.text).group(1)
    refused = web.post(
        base + "/billing/parties", data={"csrf_token": csrf, "name": "Uusi", "business_id": "123"}
    )
    assert refused.status_code == 422 and "Y-tunnus ei ole kelvollinen" in refused.text
    overview = web.get(base + "/billing")
    assert 'id="fee-components"' in overview.text and "Liitto ry 22,50\xa0€" in shown_text(overview.text)
    form = {"csrf_token": csrf, "name": "Opiskelija", "amount": "20", "vat_class": "none",
            "component_party_0": liitto.json()["id"], "component_amount_0": "15"}  # fmt: skip
    sums = web.post(base + "/billing/fee-types", data=form)
    assert (
        sums.status_code == 422
        and 'id="component-amount-0" name="component_amount_0" inputmode="decimal" value="15"' in sums.text
    )
    words = shown_text(sums.text).replace("\xa0", " ")
    assert "Osuuksien summa 15,00 € ei ole maksun summa 20,00 €." in words
    page = web.get(base + "/billing/settlement", params={"period": period})
    assert page.status_code == 200 and 'id="settlement"' in page.text
    assert "28,93\xa0€" in shown_text(page.text) and "45,00\xa0€" in shown_text(page.text)
    assert not UNFORMATTED.findall(shown_text(page.text)), UNFORMATTED.findall(shown_text(page.text))
    download = web.get(base + "/billing/settlement/download", params={"period": period, "format": "csv"})
    assert download.status_code == 200 and "Tilitettävä" in download.content.decode("utf-8-sig")
    assert web.get(base + "/billing/settlement", params={"period": "kesäkuu"}).status_code == 422
