"""M1, M2, M4, M5 end to end through /api/v1: a mailing list defined, its consent-gated audience with the
reasons of the left-out, a full sync to the Campaign Monitor emulator run by a mailing worker, its counts and
refused rows, the webhook (403 for an unknown secret, 400 for a malformed body, a confirmed unsubscribe
flags the contact), the flags and their warning on the contact list, contact page, group members
and duplicates (M5), errors as codes, 403 without mail.send, and the OpenAPI description; a
template and a campaign through the API (M2, M1, M4)."""

import json
import re
import time

import pytest
import requests
from sqlalchemy import text

from tests.conftest import ADMIN_PASSWORD, System

API_KEY, CLIENT_ID = "e2e-key", "e2e-client"


@pytest.fixture
def mailing_system(run_services, config, clean_databases, tmp_path):
    from gateway.service import GatewayService
    from services.audit.service import AuditService
    from services.contacts.service import ContactsService
    from services.mailing.emulator import server
    from services.mailing.service import MailingService
    from services.mailing.worker import MailingWorker
    from tests.integration.test_data_protection import seed_purposes

    seed_purposes(clean_databases)
    emulator = server.start(API_KEY, CLIENT_ID, tmp_path / "cm", tick=0.1)
    settings = {
        "CAMPAIGN_MONITOR_BASE_URI": emulator.base_uri,
        "CAMPAIGN_MONITOR_API_KEY": API_KEY,
        "CAMPAIGN_MONITOR_CLIENT_ID": CLIENT_ID,
        "CAMPAIGN_MONITOR_CA_FILE": emulator.cert_path,
        "GDPR_SERVICES": "contacts,audit,mailing",
        "MAILING_CONTENT_BASE_URL": f"http://{config['WEB_SERVER_ADDRESS']}",  # campaigns' content
    }
    run_services(
        ContactsService, AuditService, MailingService, MailingWorker, GatewayService, extra_config=settings
    )
    system = System(
        base_url=f"http://{config['WEB_SERVER_ADDRESS']}", gateway_engine=clean_databases["gateway"]
    )
    system.create_user("admin", ADMIN_PASSWORD, role="admin")
    yield system, system.api(system.token("admin", ADMIN_PASSWORD)), emulator, clean_databases["mailing"]
    emulator.stop()


def person(api, first, email, consent):
    created = api.post(
        "/api/v1/contacts", json={"first_name": first, "last_name": "Postinen", "email": email}
    )
    assert created.status_code == 201, created.text
    contact_id = created.json()["id"]
    if consent:
        given = api.post(
            f"/api/v1/contacts/{contact_id}/consents", json={"purpose": "newsletter", "given": True}
        )
        assert given.status_code == 201, given.text
    return contact_id


def wait_sync(api, run_id):
    for _ in range(300):
        run = api.get(f"/api/v1/mailing-syncs/{run_id}").json()
        if run["status"] in ("done", "failed"):
            return run
        time.sleep(0.1)
    raise AssertionError(run)


def test_m1_m5_a_mailing_list_through_the_api(mailing_system):
    system, api, emulator, mailing_db = mailing_system
    group = api.post("/api/v1/groups", json={"name": "Jäsenet"}).json()
    yes = person(api, "Kyllä", "kylla@example.fi", consent=True)
    no = person(api, "Ei", "ei@example.fi", consent=False)
    added = api.post(f"/api/v1/groups/{group['id']}/members", json={"contact_ids": [yes, no]})
    assert added.status_code in (200, 201), added.text

    refused = api.post(
        "/api/v1/mailing-lists", json={"name": "", "purpose": "newsletter", "source_kind": "x"}
    )
    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "mailing.list_invalid" and body["message"] == "The mailing list is not valid."
    assert body["details"]["source_kind"] == ["mailing.source_kind_invalid"]
    created = api.post(
        "/api/v1/mailing-lists",
        json={
            "name": "Uutiskirje",
            "purpose": "newsletter",
            "source_kind": "group",
            "source_id": group["id"],
            "fields": ["first_name"],
        },
    )
    assert created.status_code == 201, created.text
    list_id = created.json()["id"]
    assert created.headers["Location"] == f"/api/v1/mailing-lists/{list_id}"
    assert [item["id"] for item in api.get("/api/v1/mailing-lists").json()["items"]] == [list_id]

    audience = api.get(f"/api/v1/mailing-lists/{list_id}/audience").json()
    assert audience["total"] == 2 and audience["reasons"]["no_consent"] == 1
    excluded = api.get(f"/api/v1/mailing-lists/{list_id}/audience", params={"reason": "no_consent"}).json()
    assert [item["id"] for item in excluded["items"]] == [no]
    assert api.get(f"/api/v1/mailing-lists/{list_id}/audience", params={"reason": "x"}).status_code == 422

    started = api.post(f"/api/v1/mailing-lists/{list_id}/syncs")
    assert started.status_code == 202, started.text
    run = wait_sync(api, started.json()["id"])
    assert run["status"] == "done" and run["counts"]["pushed"] == 1 and run["failures"] == [], run
    assert [item["id"] for item in api.get(f"/api/v1/mailing-lists/{list_id}/syncs").json()["items"]] == [
        run["id"]
    ]
    mailing_list = api.get(f"/api/v1/mailing-lists/{list_id}").json()
    assert mailing_list["members"] == {"active": 1} and mailing_list["cm_list_id"]

    # the webhook: public, authenticated by the list's secret only
    hook = f"{system.base_url}/api/v1/mailing/webhooks/{list_id}"
    assert requests.post(f"{hook}/wrong-secret", data="{}").status_code == 403
    with mailing_db.connect() as conn:
        secret = conn.execute(text("SELECT webhook_secret FROM mailing_lists")).scalar_one()
    assert requests.post(f"{hook}/{secret}", data="{oops").status_code == 400
    emulator.account.deactivate(mailing_list["cm_list_id"], "kylla@example.fi", "Unsubscribed")
    event = {
        "Type": "Deactivate",
        "State": "Unsubscribed",
        "EmailAddress": "kylla@example.fi",
        "Date": "2026-12-01 10:00:00",
    }
    answer = requests.post(f"{hook}/{secret}", data=json.dumps({"Events": [event], "ListID": "x"}))
    assert answer.status_code == 200 and answer.json() == {"flagged": 1, "ignored": 0}, answer.text
    flags = api.get("/api/v1/mailing-flags", params={"ids": f"{yes},{no}"}).json()
    assert list(flags) == [yes] and flags[yes][0]["kind"] == "unsubscribed"
    # M5 flags everywhere: the warning with its reason and day beside the flagged contact (and no one else)
    # on the contact list, the contact page and the group's member list, one look-up per page
    web, _ = web_login(system, "admin", ADMIN_PASSWORD)
    for path in ("/contacts", f"/contacts/{yes}", f"/groups/{group['id']}", "/contacts?q=kylla"):
        page = web.get(system.base_url + path)
        assert page.status_code == 200, path
        assert page.text.count('data-mailing-flag="unsubscribed"') == 1, path
        assert "Peruutti tilauksen 1.12.2026" in page.text, path
    assert "data-mailing-flag" not in web.get(f"{system.base_url}/contacts/{no}").text
    twin = person(api, "Kyllä", "kylla@example.fi", consent=False)  # a duplicate of the flagged one
    assert api.post("/api/v1/duplicates/scan").status_code == 200
    duplicates = web.get(system.base_url + "/duplicates").text
    assert twin in duplicates and duplicates.count('data-mailing-flag="unsubscribed"') == 1
    compared = web.get(f"{system.base_url}/compare", params={"ids": f"{yes},{twin}"}).text
    assert compared.count('data-mailing-flag="unsubscribed"') == 1

    # mail.send is needed; the read-only role does not have it
    system.create_user("lukija", ADMIN_PASSWORD, role="read_only")
    reader = system.api(system.token("lukija", ADMIN_PASSWORD))
    assert reader.get("/api/v1/mailing-lists").status_code == 403

    document = api.get("/api/v1/openapi.json").json()
    for path in (
        "/api/v1/mailing-lists",
        "/api/v1/mailing-lists/{list_id}",
        "/api/v1/mailing-lists/{list_id}/audience",
        "/api/v1/mailing-lists/{list_id}/syncs",
        "/api/v1/mailing-syncs/{run_id}",
        "/api/v1/mailing/webhooks/{list_id}/{secret}",
    ):
        assert path in document["paths"], path


def web_login(system, username, password):
    import re

    web = requests.Session()
    form = web.get(system.base_url + "/login")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    login = {"username": username, "password": password, "csrf_token": csrf}
    assert web.post(system.base_url + "/login", data=login, allow_redirects=False).status_code in (302, 303)
    page = web.get(system.base_url + "/mailing")
    return web, re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def test_m1_the_mailing_pages_define_a_list_show_who_is_left_out_and_start_a_sync(mailing_system):
    system, api, _, _ = mailing_system
    group = api.post("/api/v1/groups", json={"name": "Kuoro"}).json()
    singer = person(api, "Laulaja", "laulaja@example.fi", consent=True)
    silent = person(api, "Hiljainen", "hiljainen@example.fi", consent=False)
    api.post(f"/api/v1/groups/{group['id']}/members", json={"contact_ids": [singer, silent]})
    web, csrf = web_login(system, "admin", ADMIN_PASSWORD)
    base = system.base_url

    page = web.get(f"{base}/mailing")
    assert page.status_code == 200 and 'id="ml-new"' in page.text and "Kuoro" in page.text
    form = {
        "csrf_token": csrf,
        "name": "",
        "purpose": "newsletter",
        "source_kind": "group",
        "group_id": group["id"],
    }
    refused = web.post(f"{base}/mailing", data=form)
    assert refused.status_code == 422 and "Anna listalle nimi." in refused.text  # Finnish by default
    created = web.post(
        f"{base}/mailing",
        data={"csrf_token": csrf, "name": "Kuoroposti", "purpose": "newsletter", "source_kind": "group",
              "group_id": group["id"], "include_subgroups": "on", "fields": "first_name"},
        allow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 303, created.text
    list_page = web.get(base + created.headers["Location"])
    assert list_page.status_code == 200
    assert (
        'data-reason="no_consent"><th scope="row">Ei suostumusta tai muuta perustetta</th>'
        '<td class="numeric">1</td>' in list_page.text
    )
    summary = re.search(r'<p class="muted" id="ml-summary"[^>]*>(.*?)</p>', list_page.text, re.S).group(1)
    assert "Käyttötarkoitus: Uutiskirje" in summary and "newsletter" not in summary  # a name, not a code
    list_id = created.headers["Location"].rsplit("/", 1)[1]
    excluded = web.get(f"{base}/mailing/{list_id}/excluded", params={"reason": "no_consent"})
    assert excluded.status_code == 200 and "Hiljainen" in excluded.text and "Laulaja" not in excluded.text
    nobody = web.get(f"{base}/mailing/{list_id}/excluded", params={"reason": "bounced"})
    assert 'id="ml-excluded-none"' in nobody.text  # an empty reason says so instead of a blank page
    started = web.post(f"{base}/mailing/{list_id}/sync", data={"csrf_token": csrf}, allow_redirects=False)
    assert started.status_code == 303 and started.headers["Location"].endswith("notice=started")
    runs = api.get(f"/api/v1/mailing-lists/{list_id}/syncs").json()["items"]
    assert wait_sync(api, runs[0]["id"])["counts"]["pushed"] == 1
    synced = web.get(f"{base}/mailing/{list_id}").text
    assert "valmis" in synced
    assert "lista on Campaign Monitorissa" in synced  # the Campaign Monitor list's id is not shown
    cm_list_id = api.get(f"/api/v1/mailing-lists/{list_id}").json()["cm_list_id"]
    assert cm_list_id and cm_list_id not in re.sub(r"<[^>]+>", " ", synced)
    lists = web.get(f"{base}/mailing").text
    assert '<td data-label="Käyttötarkoitus">Uutiskirje</td>' in lists
    # the fields to sync are named checkboxes, no codes to type
    assert '<input type="checkbox" name="fields" value="first_name"> Etunimi</label>' in lists


MJML = (
    "<mjml><mj-body><mj-section><mj-column>\n<mj-text>Hei {{ first_name }}</mj-text>\n"
    "</mj-column></mj-section></mj-body></mjml>"
)


def test_m2_m1_m4_a_template_and_a_campaign_through_the_api(mailing_system):
    """M2: a template refused with its problems, then made; M1: a campaign for a synced list, its preview
    for a contact, a test send (a 16th address refused), sent (202) and sent only once, its content at the
    public URL only with its secret, who it went to; M4: its report; 403 without mail.send."""
    system, api, emulator, mailing_db = mailing_system
    group = api.post("/api/v1/groups", json={"name": "Kirjeen saajat"}).json()
    reader = person(api, "Lukija", "lukija@example.fi", consent=True)
    api.post(f"/api/v1/groups/{group['id']}/members", json={"contact_ids": [reader]})
    body = {"name": "Kirje", "purpose": "newsletter", "source_kind": "group", "source_id": group["id"]}
    list_id = api.post("/api/v1/mailing-lists", json=body).json()["id"]
    wait_sync(api, api.post(f"/api/v1/mailing-lists/{list_id}/syncs").json()["id"])

    template = {"name": "Kirjepohja", "subject": "Hei {{ first_name }}", "mjml": MJML, "text": "{{ nimi }}"}
    refused = api.post("/api/v1/mail-templates", json=template)
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["text"][0]["code"] == "mailing.template_unknown_field"
    checked = api.post("/api/v1/mail-templates:check", json={**template, "text": "Hei {{ first_name }}"})
    assert checked.status_code == 200 and checked.json()["text"] == "Hei Maija"
    made = api.post("/api/v1/mail-templates", json={**template, "text": "Hei {{ first_name }}"})
    assert made.status_code == 201, made.text
    assert api.get("/api/v1/mail-templates").json()["merge_fields"][:2] == ["first_name", "last_name"]

    body = {"name": "Kirje 1", "template_id": made.json()["id"], "list_ids": [list_id],
            "from_name": "Piiri", "from_email": "info@example.fi"}  # fmt: skip
    created = api.post("/api/v1/campaigns", json=body)
    assert created.status_code == 201, created.text
    campaign = created.json()["id"]
    preview = api.get(f"/api/v1/campaigns/{campaign}/preview", params={"contact_id": reader})
    assert preview.status_code == 200 and preview.json()["subject"] == "Hei Lukija"
    sixteen = {"addresses": [f"t{n}@example.fi" for n in range(16)]}
    assert api.post(f"/api/v1/campaigns/{campaign}/tests", json=sixteen).status_code == 422
    tested = api.post(f"/api/v1/campaigns/{campaign}/tests", json={"addresses": ["t@example.fi"]})
    assert tested.status_code == 200 and tested.json() == {"sent_to": ["t@example.fi"]}, tested.text

    # the content Campaign Monitor fetched: public, but only with the campaign's secret
    with mailing_db.connect() as conn:
        secret = conn.execute(text("SELECT content_secret FROM campaigns")).scalar_one()
    content = f"{system.base_url}/api/v1/mailing/campaign-content/{campaign}"
    assert requests.get(f"{content}/wrong.html").status_code == 404
    html = requests.get(f"{content}/{secret}.html")
    assert html.status_code == 200 and "Hei [firstname,fallback=]" in html.text
    assert requests.get(f"{content}/{secret}.txt").text == "Hei [firstname,fallback=]"

    assert api.post(f"/api/v1/campaigns/{campaign}:send").status_code == 202
    for _ in range(300):
        if (state := api.get(f"/api/v1/campaigns/{campaign}").json())["status"] == "sent":
            break
        time.sleep(0.1)
    assert state["status"] == "sent" and state["recipients"] == 1, state
    assert api.post(f"/api/v1/campaigns/{campaign}:send").json()["status"] == "sent"  # not sent again
    assert api.post(f"/api/v1/campaigns/{campaign}:unschedule").status_code == 409
    ledger = api.get(f"/api/v1/campaigns/{campaign}/recipients").json()
    assert [item["contact_id"] for item in ledger["items"]] == [reader]
    timeline = api.get(f"/api/v1/mailing/contacts/{reader}/campaigns").json()["items"]
    assert [item["name"] for item in timeline] == ["Kirje 1"]
    report = api.post(f"/api/v1/campaigns/{campaign}/report")
    assert report.status_code == 200 and report.json()["report"]["recipients"] == 1, report.text

    system.create_user("katsoja", ADMIN_PASSWORD, role="read_only")
    viewer = system.api(system.token("katsoja", ADMIN_PASSWORD))
    assert viewer.get("/api/v1/campaigns").status_code == 403
    assert viewer.get(f"/api/v1/campaigns/{campaign}/recipients").status_code == 403
