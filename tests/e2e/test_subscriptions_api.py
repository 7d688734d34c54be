"""M3 end to end through the gateway: a mailer switches a list's subscription form on through the API
(its share link and snippet), a person posts the hosted form (the honeypot and a too-fast post get the
same answer and no mail; the embedded snippet's post without a stamp is shown back to be sent), the
confirmation mail arrives in the SMTP emulator, the link's page confirms once (then "already
confirmed"), and the person is a contact with the consent, in the list's audience, counted as confirmed."""

import re
import time

import pytest
import requests

from tests.conftest import ADMIN_PASSWORD, System, subscribe_settings
from tests.events import wait_for

STAMP = re.compile(r'name="ts" value="([^"]+)"')
LINK = re.compile(r"https?://[^/\s]+(/subscribe/\S+/confirm/[^\s?]+)\?lang=fi")


@pytest.fixture
def subscribe_system(run_services, config, clean_databases, smtp):
    from gateway.service import GatewayService
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService
    from services.mailing.service import MailingService
    from services.mailing.worker import MailingWorker

    settings = subscribe_settings(smtp, clean_databases, GDPR_SERVICES="contacts,audit,mailing")
    run_services(
        ContactsService, AuditService, MailingService, MailingWorker, GatewayService, extra_config=settings
    )
    system = System(
        base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=clean_databases["gateway"]
    )
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    return system, system.api(system.token("admin", ADMIN_PASSWORD))


def test_m3_subscribe_through_the_hosted_page_and_confirm_by_the_mailed_link(subscribe_system, smtp):
    system, api = subscribe_system
    base = system.base_url
    group = api.post("/api/v1/groups", json={"name": "Tilaajat"}).json()
    made = api.post(
        "/api/v1/mailing-lists",
        json={
            "name": "Kuukausikirje",
            "purpose": "newsletter",
            "source_kind": "group",
            "source_id": group["id"],
        },
    ).json()
    url = f"/api/v1/mailing-lists/{made['id']}/subscription-form"
    form = api.get(url).json()
    assert form["enabled"] is False and form["counts"] == {"pending": 0, "confirmed": 0}
    assert requests.get(form["url"]).status_code == 404  # off: no page
    refused = api.patch(url, json={"consent_texts": {"fi": "", "sv": " "}})
    assert refused.status_code == 422 and refused.json()["details"]["consent_texts"] == [
        "mailing.consent_text_required"
    ]
    form = api.patch(url, json={"enabled": True}).json()
    assert form["enabled"] and form["url"] == f"{base}/subscribe/{form['token']}"
    assert f'action="{form["url"]}"' in form["snippet"]

    page = requests.get(form["url"], params={"lang": "en"})
    assert page.status_code == 200 and "Subscribe: Kuukausikirje" in page.text
    assert '<meta property="og:title" content="Subscribe: Kuukausikirje">' in page.text
    assert requests.get(form["url"], headers={"Accept-Language": "sv"}).text.count("Prenumerera") >= 2
    stamp = STAMP.search(page.text).group(1)
    person = {"email": "tilaaja@example.fi", "first_name": "Tiina", "last_name": "Tilaaja", "ts": stamp}

    # a bot: the honeypot filled, or sent at once: the same answer as a person's, no mail
    bot = requests.post(form["url"], data={**person, "website": "spam"}, allow_redirects=False)
    fast = requests.post(form["url"], data=person, allow_redirects=False)
    assert bot.status_code == fast.status_code == 303 and bot.headers["Location"] == fast.headers["Location"]
    # the embedded snippet's post (no stamp): the hosted page shows it back to be sent from there
    snippet_post = requests.post(form["url"], data={"email": "tilaaja@example.fi", "lang": "fi"})
    assert (
        "Tarkista tiedot ja paina Tilaa." in snippet_post.text and "tilaaja@example.fi" in snippet_post.text
    )
    time.sleep(1.1)
    wrong = requests.post(form["url"], data={**person, "email": "ei-osoite"})
    assert wrong.status_code == 422 and "Kirjoita toimiva sähköpostiosoite" in wrong.text
    sent = requests.post(form["url"], data=person, allow_redirects=False)
    assert sent.status_code == 303 and sent.headers["Location"] == fast.headers["Location"]
    assert "Tarkista sähköpostisi" in requests.get(base + sent.headers["Location"]).text
    assert wait_for(lambda: smtp.mailbox.to("tilaaja@example.fi"), 20)
    requests.post(form["url"], data=person)  # again at once: no second mail
    [mail] = smtp.mailbox.to("tilaaja@example.fi")
    assert mail["subject"] == "Vahvista tilauksesi: Kuukausikirje"
    link = LINK.search(mail["text"]).group(1)

    pending = requests.get(base + link)
    assert pending.status_code == 200 and 'data-state="pending"' in pending.text
    confirmed = requests.post(base + link)
    assert 'data-state="confirmed"' in confirmed.text and "Suostumuksesi on tallennettu" in confirmed.text
    again = requests.get(base + link)
    assert 'data-state="already_confirmed"' in again.text
    assert requests.get(base + link[:-4] + "abcd").status_code == 410

    members = api.get(f"/api/v1/groups/{group['id']}/members").json()["items"]
    assert len(members) == 1
    contact_id = members[0].get("contact_id") or members[0]["id"]
    consents = api.get(f"/api/v1/contacts/{contact_id}/consents").json()["current"]
    assert [(item["purpose"], item["source"], item["text_version"]) for item in consents] == [
        ("newsletter", "form", f"{made['id']}:1")
    ]
    audience = api.get(f"/api/v1/mailing-lists/{made['id']}/audience").json()
    assert audience["total"] == 1 and not audience["reasons"].get("no_consent")
    assert api.get(url).json()["counts"] == {"pending": 0, "confirmed": 1}
