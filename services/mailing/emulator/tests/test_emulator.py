"""The Campaign Monitor emulator driven by the official ``createsend`` client (M1): the answers parse as the
real ones do (same keys as ../shared/data/createsend/), the limits and error codes hold, webhooks arrive in
Campaign Monitor's format, and the fault switches make the client fail as the real service would."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import createsend
import pytest
import requests

from piiri.errors import ServiceUnavailable, ValidationFailed
from services.mailing import campaign_monitor
from services.mailing.emulator import server

REAL_BODIES = Path(__file__).with_name("real_bodies")  # copied from ../shared/data/createsend/
API_KEY, CLIENT_ID = "test-api-key", "test-client-id"


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    running = server.start(API_KEY, CLIENT_ID, tmp_path_factory.mktemp("cm"), tick=0.1, deactivate_after=2)
    yield running
    running.stop()


@pytest.fixture
def account(emulator):
    return campaign_monitor.configure(
        {
            "CAMPAIGN_MONITOR_BASE_URI": emulator.base_uri,
            "CAMPAIGN_MONITOR_API_KEY": API_KEY,
            "CAMPAIGN_MONITOR_CLIENT_ID": CLIENT_ID,
            "CAMPAIGN_MONITOR_CA_FILE": emulator.cert_path,
            "CAMPAIGN_MONITOR_TIMEOUT": 5,
        }
    )


def control(emulator, method, path, body=None):
    answer = requests.request(
        method, emulator.control_uri + path, json=body, verify=emulator.cert_path, timeout=5
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def real_keys(name):
    body = json.loads((REAL_BODIES / name).read_text())
    if isinstance(body, list):
        return set(body[0])
    return set(body["Results"][0]) if "Results" in body else set(body)


def new_list(account, title):
    return createsend.List(account.auth).create(CLIENT_ID, title, "", False, "")


def test_m1_lists_and_custom_fields_answer_as_campaign_monitor(account):
    list_id = new_list(account, "Jäsenet")
    lists = createsend.List(account.auth, list_id)
    assert set(vars(lists.details())) >= real_keys("list_details.json")
    assert lists.create_custom_field("member number", "Text") == "[membernumber]"
    assert lists.create_custom_field("joined", "Date") == "[joined]"
    fields = lists.custom_fields()
    assert [field.Key for field in fields] == ["[membernumber]", "[joined]"]
    assert {key for key in vars(fields[0]) if not key.startswith("_")} >= real_keys("custom_fields.json")
    with pytest.raises(createsend.BadRequest) as taken:
        lists.create_custom_field("member number", "Text")
    assert taken.value.data.Code == 255
    stats = lists.stats()
    assert {key for key in vars(stats) if not key.startswith("_")} == real_keys("list_stats.json")
    assert [item.ListID for item in createsend.Client(account.auth, CLIENT_ID).lists()].count(list_id) == 1


def test_m1_bulk_import_limits_and_partial_success_code_210(account):
    list_id = new_list(account, "Import")
    createsend.List(account.auth, list_id).create_custom_field("city", "Text")
    subscriber = createsend.Subscriber(account.auth)
    rows = [
        {
            "EmailAddress": f"m{n}@example.fi",
            "Name": f"M {n}",
            "CustomFields": [{"Key": "city", "Value": "Oulu"}],
        }
        for n in range(3)
    ]
    result = subscriber.import_subscribers(list_id, rows, True)
    assert (result.TotalNewSubscribers, result.TotalExistingSubscribers, result.FailureDetails) == (3, 0, [])
    assert set(vars(result)) >= real_keys("import_subscribers.json")
    bad = [
        *rows[:2],
        {"EmailAddress": "not-an-address", "Name": "X", "CustomFields": []},
        {
            "EmailAddress": "long@example.fi",
            "Name": "L",
            "CustomFields": [{"Key": "city", "Value": "x" * 251}],
        },
        rows[0],
    ]
    partial = subscriber.import_subscribers(list_id, bad, True)  # createsend returns ResultData on code 210
    assert partial.TotalExistingSubscribers == 2 and partial.TotalNewSubscribers == 0
    assert [(item.EmailAddress, item.Code) for item in partial.FailureDetails] == [
        ("not-an-address", 1),
        ("long@example.fi", 1),
    ]
    assert partial.DuplicateEmailsInSubmission == ["m0@example.fi"]
    with pytest.raises(createsend.BadRequest) as too_many:
        subscriber.import_subscribers(
            list_id, [{"EmailAddress": f"a{n}@example.fi"} for n in range(1001)], True
        )
    assert too_many.value.data.Code == 209
    page = createsend.List(account.auth, list_id).active()
    assert page.TotalNumberOfRecords == 3 and page.Results[0].CustomFields[0].Value == "Oulu"
    assert {key for key in vars(page.Results[0]) if not key.startswith("_")} >= real_keys(
        "active_subscribers.json"
    )


def test_m1_unsubscribe_delete_and_states(account):
    list_id = new_list(account, "Tilat")
    createsend.Subscriber(account.auth).add(list_id, "u@example.fi", "U", [], True, "Yes")
    createsend.Subscriber(account.auth).add(list_id, "d@example.fi", "D", [], True, "No")
    createsend.Subscriber(account.auth, list_id, "u@example.fi").unsubscribe()
    createsend.Subscriber(account.auth, list_id, "d@example.fi").delete()
    lists = createsend.List(account.auth, list_id)
    assert [item.EmailAddress for item in lists.unsubscribed().Results] == ["u@example.fi"]
    assert [item.EmailAddress for item in lists.deleted().Results] == ["d@example.fi"]
    details = createsend.Subscriber(account.auth).get(list_id, "d@example.fi")
    assert details.State == "Deleted" and set(vars(details)) >= real_keys("subscriber_details.json")
    with pytest.raises(createsend.BadRequest) as gone:
        createsend.Subscriber(account.auth, list_id, "d@example.fi").delete()
    assert gone.value.data.Code == 203
    result = createsend.Subscriber(account.auth).import_subscribers(
        list_id, [{"EmailAddress": "d@example.fi"}], True
    )
    assert result.TotalExistingSubscribers == 1
    assert createsend.Subscriber(account.auth).get(list_id, "d@example.fi").State == "Active"


def test_m1_auth_unknown_list_and_errors_become_piiri_codes(account, emulator):
    with pytest.raises(createsend.Unauthorized) as wrong:
        createsend.List({"api_key": "wrong"}, "x").details()
    assert wrong.value.data.Code == 100
    with pytest.raises(ValidationFailed) as unknown:
        account.call(account.lists("no-such-list").details)
    assert (
        unknown.value.message == "mailing.campaign_monitor_rejected"
        and unknown.value.details["cm_code"] == 101
    )
    control(emulator, "POST", "/faults", {"status": 500, "count": 1, "path": "/lists/"})
    with pytest.raises(ServiceUnavailable) as down:
        account.call(account.lists("no-such-list").details)
    assert down.value.message == "mailing.campaign_monitor_unavailable"
    control(emulator, "POST", "/faults", {"status": 429, "count": 1, "path": "/lists/"})
    with pytest.raises(campaign_monitor.CampaignMonitorDown):
        account.call(account.lists("no-such-list").details)
    not_configured = campaign_monitor.Account({"api_key": ""}, "")
    with pytest.raises(ServiceUnavailable) as missing:
        not_configured.call(lambda: None)
    assert missing.value.message == "mailing.campaign_monitor_not_configured"


class Catcher(BaseHTTPRequestHandler):
    received = []
    fail = False

    def do_GET(self):  # noqa: N802 (http.server's name): a campaign's content
        if self.path != "/c.html":
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"<p>Hei [firstname,fallback=]</p>")

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Catcher.fail:
            self.send_response(500)
        else:
            Catcher.received.append(json.loads(body))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_m5_webhooks_deactivate_events_in_the_real_format_and_switched_off_after_errors(account, emulator):
    http = HTTPServer(("127.0.0.1", 0), Catcher)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        list_id = new_list(account, "Webhooks")
        lists = createsend.List(account.auth, list_id)
        hook = lists.create_webhook(["Deactivate"], f"http://127.0.0.1:{http.server_port}/hook", "json")
        assert [item.WebhookID for item in lists.webhooks()] == [hook]
        createsend.Subscriber(account.auth).add(list_id, "b@example.fi", "B", [], True, "Yes")
        control(
            emulator, "POST", f"/lists/{list_id}/deactivate", {"email": "b@example.fi", "state": "Bounced"}
        )
        control(emulator, "POST", "/webhooks/deliver")
        events = [event for body in Catcher.received for event in body["Events"]]
        assert Catcher.received[-1]["ListID"] == list_id
        assert [(event["Type"], event["State"], event["EmailAddress"]) for event in events] == [
            ("Deactivate", "Bounced", "b@example.fi")
        ]
        assert {"Type", "Date", "EmailAddress", "Name", "CustomFields", "State"} <= set(events[0])
        Catcher.fail = True
        createsend.Subscriber(account.auth).add(list_id, "c@example.fi", "C", [], True, "Yes")
        createsend.Subscriber(account.auth, list_id, "c@example.fi").unsubscribe()
        control(emulator, "POST", "/webhooks/deliver")
        control(emulator, "POST", "/webhooks/deliver")
        assert [item.Status for item in lists.webhooks()] == ["Unactive"]
    finally:
        Catcher.fail = False
        http.shutdown()


@pytest.fixture
def content_server():
    http = HTTPServer(("127.0.0.1", 0), Catcher)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()


def test_m1_campaign_create_send_summary_and_preview_limit(account, emulator, content_server):
    """M1: the content is fetched from HtmlUrl when the campaign is made (a URL that cannot be: code 309)."""
    list_id = new_list(account, "Kampanja")
    createsend.Subscriber(account.auth).import_subscribers(
        list_id,
        [{"EmailAddress": f"r{n}@example.fi", "ConsentToTrack": "Yes" if n == 1 else "No"} for n in range(3)],
        True,
    )
    details = (CLIENT_ID, "Hei", "Uutiskirje 1", "Piiri", "piiri@example.fi", "piiri@example.fi")
    with pytest.raises(createsend.BadRequest) as unavailable:
        createsend.Campaign(account.auth).create(*details, f"{content_server}/gone.html", None, [list_id], [])
    assert unavailable.value.data.Code == 309
    campaign_id = createsend.Campaign(account.auth).create(
        *details, f"{content_server}/c.html", None, [list_id], []
    )
    assert emulator.account.campaigns[campaign_id].html == "<p>Hei [firstname,fallback=]</p>"
    drafts = createsend.Client(account.auth, CLIENT_ID).drafts()
    assert set(vars(drafts[0])) >= real_keys("drafts.json")
    assert [(item.CampaignID, item.Name) for item in drafts] == [(campaign_id, "Uutiskirje 1")]
    campaign = createsend.Campaign(account.auth, campaign_id)
    with pytest.raises(createsend.BadRequest):
        campaign.send_preview([f"p{n}@example.fi" for n in range(16)])
    campaign.send_preview(["p@example.fi"])
    campaign.send("piiri@example.fi")
    # M4: opens and clicks are tracked only for a subscriber who consented to tracking (r1, not r0)
    assert control(emulator, "POST", f"/campaigns/{campaign_id}/opens", {"email": "r1@example.fi"}) == {
        "recorded": "opens"
    }
    assert control(emulator, "POST", f"/campaigns/{campaign_id}/opens", {"email": "r0@example.fi"}) == {
        "recorded": None
    }
    click = {"email": "r1@example.fi", "extra": {"URL": "https://example.fi/a"}}
    control(emulator, "POST", f"/campaigns/{campaign_id}/clicks", click)
    control(emulator, "POST", f"/campaigns/{campaign_id}/clicks", {**click, "email": "r0@example.fi"})
    opens, clicks = campaign.opens(), campaign.clicks()
    assert [row.EmailAddress for row in opens.Results] == ["r1@example.fi"]
    assert set(vars(opens.Results[0])) >= real_keys("campaign_opens.json")
    assert [(row.EmailAddress, row.URL) for row in clicks.Results] == [
        ("r1@example.fi", "https://example.fi/a")
    ]
    assert set(vars(clicks.Results[0])) >= real_keys("campaign_clicks.json")
    assert list(json.loads((REAL_BODIES / "campaign_clicks.json").read_text())["Results"][0]) == list(
        requests.get(
            f"{emulator.base_uri}/campaigns/{campaign_id}/clicks.json", auth=(API_KEY, "x"),
            verify=emulator.cert_path, timeout=5,
        ).json()["Results"][0]
    )  # fmt: skip
    control(
        emulator,
        "POST",
        f"/campaigns/{campaign_id}/bounces",
        {"email": "r2@example.fi", "extra": {"BounceType": "Hard"}},
    )
    summary = campaign.summary()
    assert set(vars(summary)) >= real_keys("campaign_summary.json")
    assert (summary.Recipients, summary.UniqueOpened, summary.Bounced) == (3, 1, 1)
    assert createsend.Client(account.auth, CLIENT_ID).drafts() == []  # sent: no longer a draft
    assert campaign.recipients().TotalNumberOfRecords == 3
    assert createsend.Subscriber(account.auth).get(list_id, "r2@example.fi").State == "Bounced"


def test_m1_a_sent_campaign_is_delivered_personalised_to_the_smtp_server(account, emulator, content_server):
    """Each active subscriber gets their own mail over SMTP (merge tags with their values, custom fields
    too, the HTML escaped); an address the server refuses is the campaign's hard bounce; a server away for
    a while gets every mail once when it is back."""
    from email import message_from_bytes, policy

    from emulators.smtp.server import serve, wait_until

    catcher = serve()
    emulator.deliver_to(catcher.host, catcher.smtp_port)
    try:
        list_id = new_list(account, "Toimitus")
        lists = createsend.List(account.auth, list_id)
        lists.create_custom_field("Jasennumero", "Text")
        subscribers = createsend.Subscriber(account.auth)
        subscribers.import_subscribers(
            list_id,
            [
                {"EmailAddress": "aino@example.fi", "Name": "Aino <Aalto>",
                 "CustomFields": [{"Key": "Jasennumero", "Value": "A-1"}]},
                {"EmailAddress": "bo@example.fi", "Name": ""},
                {"EmailAddress": "pois@bounce.example", "Name": "Pois"},
                {"EmailAddress": "lahtenyt@example.fi", "Name": "Lähtenyt"},
            ],
            True,
        )  # fmt: skip
        createsend.Subscriber(account.auth, list_id, "lahtenyt@example.fi").unsubscribe()
        emulator.account.campaigns.clear()
        details = (CLIENT_ID, "Hei [firstname,fallback=ystävä]", "Toimitus 1", "Piiri ry", "piiri@example.fi")
        campaign_id = createsend.Campaign(account.auth).create(
            *details, "vastaus@example.fi", f"{content_server}/c.html", None, [list_id], []
        )
        emulator.account.campaigns[campaign_id].text = "Numerosi [Jasennumero,fallback=-] [tuntematon]"
        catcher.mailbox.clear()
        createsend.Campaign(account.auth, campaign_id).send("piiri@example.fi")
        assert wait_until(lambda: control(emulator, "GET", f"/campaigns/{campaign_id}/delivery")["sent"] == 2)
        mails = {
            item["recipients"][0]: message_from_bytes(item["raw"], policy=policy.default)
            for item in list(catcher.mailbox.messages)
        }
        assert sorted(mails) == ["aino@example.fi", "bo@example.fi"]  # not the refused, not the one gone
        aino = mails["aino@example.fi"]
        assert aino["Subject"] == "Hei Aino" and aino["From"] == "Piiri ry <piiri@example.fi>"
        assert aino["Reply-To"] == "vastaus@example.fi"
        assert aino.get_body(("plain",)).get_content().strip() == "Numerosi A-1 [tuntematon]"
        assert "<p>Hei Aino</p>" in aino.get_body(("html",)).get_content()
        assert mails["bo@example.fi"]["Subject"] == "Hei ystävä"
        assert control(emulator, "GET", f"/campaigns/{campaign_id}/delivery") == {
            "sent": 2, "bounced": 1, "failed": 0, "error": None,
        }  # fmt: skip
        assert subscribers.get(list_id, "pois@bounce.example").State == "Bounced"
        bounces = createsend.Campaign(account.auth, campaign_id).bounces()
        assert [(row.EmailAddress, row.BounceType) for row in bounces.Results] == [
            ("pois@bounce.example", "Hard")
        ]

        # the server away (421) for a while: the mails wait and each arrives once when it is back
        catcher.mailbox.clear()
        emulator.account.mailer.backoff = 0.1
        catcher.mailbox.unavailable = 3  # the next three MAIL commands: 421
        second = createsend.Campaign(account.auth).create(
            CLIENT_ID, "Toinen", "Toimitus 2", "Piiri ry", "piiri@example.fi", "piiri@example.fi",
            f"{content_server}/c.html", None, [list_id], [],
        )  # fmt: skip
        createsend.Campaign(account.auth, second).send("piiri@example.fi")
        assert wait_until(lambda: control(emulator, "GET", f"/campaigns/{second}/delivery")["sent"] == 2, 20)
        assert catcher.mailbox.unavailable == 0
        assert sorted(item["recipients"][0] for item in catcher.mailbox.listed()) == [
            "aino@example.fi", "bo@example.fi",
        ]  # fmt: skip
    finally:
        emulator.deliver_to(None)
        catcher.stop()


def test_m1_the_emulator_s_smtp_target_is_host_and_port():
    assert server.smtp_target("") is None
    assert server.smtp_target("127.0.0.1:1025") == ("127.0.0.1", 1025)
    for bad in ("localhost", ":25", "host:x", "host:70000"):
        with pytest.raises(ValueError, match="HOST:PORT"):
            server.smtp_target(bad)
