"""B3 end to end through the gateway: a run's invoices sent by e-mail (preview with who is left out and
why, send, each mail followed to sent or bounced: a 550 at RCPT and a DSN that the SMTP emulator posts
to the bounce webhook), sending again leaves out the sent and the bounced, a single invoice by the API
(202, 409 for a bounced address), the bounce webhook's refusals, and the invoice page's button. B4: the
reminders of e-mailed invoices go by e-mail, their status (sent, bounced) in the reminder API and on the
invoice page."""

import re
from datetime import date, timedelta

import pytest
import requests

from emulators.smtp.server import serve
from services.mailing.worker import MailingWorker
from tests.conftest import start_system
from tests.events import wait_for

PASSWORD = "sähköpostilasku 2026"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SECRET = "e2e-bounce-secret"


@pytest.fixture
def smtp(config):
    running = serve(
        dsn_url=f"http://{config['WEB_SERVER_ADDRESS']}/api/v1/mailing/bounces/{SECRET}", dsn_delay=0.2
    )
    yield running
    running.stop()


@pytest.fixture
def system(run_services, config, clean_databases, smtp):
    settings = {
        "SMTP_HOST": smtp.host,
        "SMTP_PORT": smtp.smtp_port,
        "SMTP_FROM": "laskutus@piiri.example",
        "SMTP_BACKOFF_SECONDS": 0.3,
        "MAILING_DSN_SECRET": SECRET,
        "BILLING_PAYEE_NAME": "Testiyhdistys ry",
    }
    started = start_system(run_services, config, clean_databases, extra_config=settings)
    run_services(MailingWorker, extra_config=settings)
    return started


@pytest.fixture
def treasurer(system, admin_api):
    system.create_user("sahkokassa", PASSWORD, role="treasurer")
    return system.api(system.token("sahkokassa", PASSWORD))


def a_contact(admin_api, first, email, language="fi"):
    body = {"first_name": first, "last_name": "Postinen", "email": email, "language": language}
    made = admin_api.post("/api/v1/contacts", json=body)
    assert made.status_code == 201, made.text
    return made.json()["id"]


def test_b3_a_runs_invoices_by_e_mail_through_the_api(system, admin_api, treasurer, smtp):
    people = {
        "anna": a_contact(admin_api, "Anna", "anna.postinen@example.fi", "en"),
        "bert": a_contact(admin_api, "Bert", "bert@bounce.example"),
        "cecilia": a_contact(admin_api, "Cecilia", "cecilia@dsn.example", "sv"),
    }
    group = admin_api.post("/api/v1/groups", json={"name": "Sähköpostimaksajat"}).json()["id"]
    admin_api.post(f"/api/v1/groups/{group}/members", json={"contact_ids": list(people.values())})
    fee = treasurer.post("/api/v1/billing/fee-types", json={"name": "Jäsenmaksu 2027", "amount": "30.00"})
    run = treasurer.post(
        "/api/v1/billing/runs",
        json={
            "fee_type_id": fee.json()["id"],
            "selection": {"kind": "group", "id": group},
            "delivery": "email",
        },
    ).json()
    url = f"/api/v1/billing/runs/{run['id']}"
    assert wait_for(lambda: treasurer.get(url).json()["status"] == "done", 30)

    preview = treasurer.get(f"{url}/email-preview").json()
    assert preview["to_send"] == 3 and preview["excluded"] == {}
    queued = treasurer.post(f"{url}/email")
    assert queued.status_code == 202 and queued.json() == {"queued": 3, "excluded": {}}

    def counts():
        return treasurer.get(f"{url}/emails").json()["counts"]

    assert wait_for(lambda: counts() == {"sent": 1, "bounced": 2}, 40), counts()
    assert smtp.mailbox.to("anna.postinen@example.fi")[0]["subject"].startswith("Invoice ")
    assert smtp.mailbox.to("cecilia@dsn.example")[0]["subject"].startswith("Faktura ")
    assert [dsn["posted"] for dsn in smtp.mailbox.dsns] == [200]  # through the gateway's bounce webhook

    again = treasurer.get(f"{url}/email-preview").json()
    assert again["to_send"] == 0 and again["excluded"] == {"already_sent": 1, "bounced": 2}
    assert treasurer.post(f"{url}/email").json() == {
        "queued": 0,
        "excluded": {"already_sent": 1, "bounced": 2},
    }

    items = {item["number"]: item for item in treasurer.get(f"{url}/emails").json()["items"]}
    invoices = treasurer.get("/api/v1/billing/invoices", params={"run_id": run["id"]}).json()["items"]
    by_payer = {item["contact_id"]: item for item in invoices}
    bert_invoice = by_payer[people["bert"]]
    assert items[bert_invoice["number"]]["email"]["code"] == "mailing.mail_rejected_by_server"
    refused = treasurer.post(f"/api/v1/billing/invoices/{bert_invoice['id']}/email")
    assert refused.status_code == 409 and refused.json()["code"] == "billing.email_bounced"
    anna_invoice = by_payer[people["anna"]]["id"]
    resent = treasurer.post(f"/api/v1/billing/invoices/{anna_invoice}/email")
    assert resent.status_code == 202 and resent.json()["status"] == "queued"
    mailed = lambda: treasurer.get(f"/api/v1/billing/invoices/{anna_invoice}/emails").json()["items"]  # noqa: E731
    assert wait_for(lambda: [item["status"] for item in mailed()] == ["sent", "sent"], 20)
    log = admin_api.get("/api/v1/mailing/mails", params={"contact_id": people["anna"]}).json()["items"]
    assert [item["to"] for item in log] == ["anna.postinen@example.fi"] * 2


def test_b3_the_bounce_webhook_refuses_a_wrong_secret_and_what_is_not_a_dsn(system):
    hook = f"{system.base_url}/api/v1/mailing/bounces"
    assert (
        requests.post(f"{hook}/wrong", data=b"x", headers={"Content-Type": "message/rfc822"}).status_code
        == 403
    )
    bad = requests.post(
        f"{hook}/{SECRET}", data=b"Subject: hi\r\n\r\nhello", headers={"Content-Type": "message/rfc822"}
    )
    assert bad.status_code == 422 and bad.json()["code"] == "mailing.dsn_invalid"


def test_b3_the_invoice_page_sends_by_e_mail_and_shows_the_status(system, admin_api, treasurer, smtp):
    contact = a_contact(admin_api, "Sivu", "sivu.postinen@example.fi")
    made = treasurer.post(
        "/api/v1/billing/invoices",
        json={
            "contact_id": contact,
            "delivery": "email",
            "lines": [{"description": "Kurssi", "unit_price": "80.00"}],
        },
    ).json()
    web = requests.Session()
    form = web.get(system.base_url + "/login")
    login = {"username": "sahkokassa", "password": PASSWORD, "csrf_token": CSRF.search(form.text).group(1)}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    page_url = f"{system.base_url}/billing/invoices/{made['id']}"
    page = web.get(page_url)
    assert 'id="email-form"' in page.text and "Laskua ei ole lähetetty sähköpostilla." in page.text
    sent = web.post(
        f"{page_url}/email", data={"csrf_token": CSRF.search(page.text).group(1)}, allow_redirects=False
    )
    assert sent.status_code == 303
    assert wait_for(lambda: 'data-status="sent"' in web.get(page_url).text, 20)
    assert "lähetetty" in web.get(page_url).text and smtp.mailbox.to("sivu.postinen@example.fi")


def cover_rates(api, since):
    """Test data (2.50 %) for the half-years since ``since`` that the built-in rate table lacks."""
    known = {rate["valid_from"] for rate in api.get("/api/v1/billing/reminders/settings").json()["rates"]}
    day = date(since.year, 1 if since.month <= 6 else 7, 1)
    while day <= date.today():
        if day.isoformat() not in known:
            added = api.post(
                "/api/v1/billing/reminders/reference-rates",
                json={"valid_from": day.isoformat(), "rate": "2.50"},
            )
            assert added.status_code == 201, added.text
        day = date(day.year, 7, 1) if day.month == 1 else date(day.year + 1, 1, 1)


def test_b4_reminders_of_e_mailed_invoices_show_their_e_mail_status_in_the_api_and_page(
    system, admin_api, treasurer, smtp
):
    due = date.today() - timedelta(days=60)
    cover_rates(treasurer, due)
    invoices = {}
    for first, email in (("Muisto", "muisto.postinen@example.fi"), ("Kimpoava", "kimpoava@bounce.example")):
        made = treasurer.post(
            "/api/v1/billing/invoices",
            json={
                "contact_id": a_contact(admin_api, first, email),
                "delivery": "email",
                "invoice_date": (due - timedelta(days=14)).isoformat(),
                "due_date": due.isoformat(),
                "lines": [{"description": "Jäsenmaksu", "unit_price": "40.00"}],
            },
        )
        assert made.status_code == 201, made.text
        invoices[first] = made.json()

    def remind(days):
        started = treasurer.post(
            "/api/v1/billing/reminder-runs", json={"reminder_date": (due + timedelta(days=days)).isoformat()}
        )
        assert started.status_code == 202, started.text
        run_url = f"/api/v1/billing/reminder-runs/{started.json()['id']}"
        assert wait_for(lambda: treasurer.get(run_url).json()["status"] == "done", 30)

    remind(21)

    def email_of(first, wanted):
        url = f"/api/v1/billing/invoices/{invoices[first]['id']}/reminders"
        found = {}

        def reached():
            found["items"] = treasurer.get(url).json()["items"]
            return (found["items"][0].get("email") or {}).get("status") == wanted

        assert wait_for(reached, 30), found
        return found["items"][0]

    sent = email_of("Muisto", "sent")
    assert (sent["delivery"], sent["delivery_status"]) == ("email", "sent") and sent["email"]["at"]
    bounced = email_of("Kimpoava", "bounced")
    assert bounced["email"]["code"] == "mailing.mail_rejected_by_server"
    [mail] = smtp.mailbox.to("muisto.postinen@example.fi")
    assert mail["subject"].startswith(f"Maksumuistutus – lasku {invoices['Muisto']['number']}")
    assert mail["attachments"][0]["file_name"] == f"reminder-{invoices['Muisto']['number']}-1.pdf"
    # the invoice's own e-mailings are not the reminder's
    assert treasurer.get(f"/api/v1/billing/invoices/{invoices['Muisto']['id']}/emails").json()["items"] == []

    web = requests.Session()
    form = web.get(system.base_url + "/login")
    login = {"username": "sahkokassa", "password": PASSWORD, "csrf_token": CSRF.search(form.text).group(1)}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    page = web.get(f"{system.base_url}/billing/invoices/{invoices['Muisto']['id']}").text
    assert 'class="reminder-email-status" data-status="sent"' in page and "Sähköposti:" in page

    remind(35)  # the second level: the bounced address is flagged now, so that reminder goes on paper
    second = treasurer.get(f"/api/v1/billing/invoices/{invoices['Kimpoava']['id']}/reminders").json()["items"]
    assert [(r["level"], r["delivery"], r["delivery_detail"], r["email"]) for r in second[1:]] == [
        (2, "print", "billing.email_bounced", None)
    ]
    page = web.get(f"{system.base_url}/billing/invoices/{invoices['Kimpoava']['id']}").text
    assert "sähköpostiosoite on palauttanut postia, joten muistutus tulostetaan" in page
    assert 'data-status="bounced"' in page  # the first level's mail
