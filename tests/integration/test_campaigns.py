"""M2, M1, M4 over the real broker and databases, the Campaign Monitor emulator (through the official
createsend client) and the gateway (Campaign Monitor fetches a campaign's content from its public URL):
a template refused with its line and field, then saved; a campaign for a list, previewed for a contact
(an audited read), tested (16 addresses and a bad one refused by name; Campaign Monitor failing is a clear
error and a retry works), sent once however often it is asked (the audience synced first, the ledger
frozen, in the access report, its reads audited, emptied by erasure), its report pulled on demand, its
bounces flagging by the M5 bounce policy; and a scheduled campaign unscheduled."""

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import createsend
import pytest
import requests
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.mailing import campaign_monitor
from services.mailing.service import MailingService
from services.mailing.worker import MailingWorker
from tests.events import wait_for
from tests.integration.test_data_protection import seed_purposes, seed_tracking_purpose
from tests.integration.test_mailing import (  # noqa: F401 (emulator: a fixture)
    CLIENT_ID,
    audit_actions,
    cm_settings,
    control,
    emulator,
    group_list,
    person,
    wait_run,
)

MAILER = make_actor(
    "kampanjoija",
    permissions=(*ALL_PERMISSIONS, "mail.send", "groups.manage", "gdpr.officer", "fields.manage"),
)
MJML = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hei {{ first_name }}!</mj-text>
        <mj-button href="https://example.fi/liity">Liity</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""


@pytest.fixture
def campaigns(run_services, engines, emulator, config):  # noqa: F811 (the fixture imported above)
    from gateway.service import GatewayService

    seed_purposes(engines)
    seed_tracking_purpose(engines)
    settings = cm_settings(
        emulator,
        MAILING_CAMPAIGN_RETRY_SECONDS=1,
        MAILING_REPORT_CHECK_SECONDS=0.5,  # reports pulled on the workers' schedule too (M4)
        MAILING_REPORT_SECONDS=3600,
        MAILING_CONTENT_BASE_URL=f"http://{config['WEB_SERVER_ADDRESS']}",
    )
    run_services(
        ContactsService, AuditService, MailingService, MailingWorker, GatewayService, extra_config=settings
    )
    return campaign_monitor.configure(settings)


def cm_requests(emulator, ending):  # noqa: F811
    log = requests.get(emulator.control_uri + "/requests", verify=emulator.cert_path, timeout=5).json()
    return [path for method, path in log if method == "POST" and path.endswith(ending)]


def wait_status(cluster, campaign_id, status, timeout=30):
    found = wait_for(
        lambda: (c := cluster.mailing.get_campaign(campaign_id))["status"] == status and c, timeout
    )
    assert found, cluster.mailing.get_campaign(campaign_id)
    return found


def test_m2_m1_m4_a_template_a_campaign_previewed_tested_sent_once_its_ledger_and_report(
    campaigns,
    rpc,
    engines,
    emulator,  # noqa: F811
):
    with rpc(MAILER, timeout=30) as cluster:
        contacts, mailing = cluster.contacts, cluster.mailing
        group = contacts.create_group("Uutiskirjeen tilaajat")
        anna = person(contacts, "Anna", "anna@example.fi")
        bertta = person(contacts, "Bertta", "bertta@example.fi")
        cecilia = person(contacts, "Cecilia", "cecilia@example.fi", consent=False)
        contacts.add_members(group["id"], [anna["id"], bertta["id"], cecilia["id"]])
        mailing_list = mailing.create_list(
            {"name": "Uutiskirje", "purpose": "newsletter", "source_kind": "group", "source_id": group["id"]}
        )

        # M2: a template error is shown before anything is saved or sent: its part, line and field
        with pytest.raises(ValidationFailed) as refused:
            mailing.create_template(
                {
                    "name": "Joulu",
                    "subject": "Hei",
                    "mjml": MJML.replace("first_name", "etunimi"),
                    "text": "x",
                }
            )
        assert refused.value.details["mjml"] == [
            {
                "code": "mailing.template_unknown_field",
                "params": {"part": "mjml", "line": "5", "field": "etunimi"},  # params travel as text
            }
        ]
        template = mailing.create_template(
            {
                "name": "Joulu",
                "subject": "Hyvää joulua, {{ first_name }}",
                "mjml": MJML,
                "text": "Hei {{ first_name }}",
            }
        )
        assert mailing.preview_template(template["id"])["subject"] == "Hyvää joulua, Maija"

        # M1: a campaign for the list; unknown template or list are clear errors
        details = {"from_name": "Piiri ry", "from_email": "info@example.fi", "list_ids": [mailing_list["id"]]}
        with pytest.raises(NotFound) as no_template:
            mailing.create_campaign({**details, "name": "X", "template_id": group["id"]})
        assert no_template.value.message == "mailing.template_not_found"
        with pytest.raises(NotFound) as no_list:
            mailing.create_campaign(
                {**details, "name": "X", "template_id": template["id"], "list_ids": [group["id"]]}
            )
        assert no_list.value.message == "mailing.list_not_found"
        campaign = mailing.create_campaign({**details, "name": "Joulukirje", "template_id": template["id"]})
        assert campaign["status"] == "draft" and campaign["subject"] == "Hyvää joulua, {{ first_name }}"

        # the preview for a chosen contact reads them through the contacts service: audited
        preview = mailing.preview_campaign(campaign["id"], anna["id"])
        assert preview["subject"] == "Hyvää joulua, Anna" and "Hei Anna!" in preview["html"]
        assert wait_for(lambda: "contact.viewed" in [a for a, _ in audit_actions(engines, anna["id"])], 15)

        # a test send: a list never synced is a clear error; at most 15 addresses, a bad one named
        with pytest.raises(ValidationFailed) as unsynced:
            mailing.send_test(campaign["id"], ["testi@example.fi"])
        assert unsynced.value.message == "mailing.campaign_state"
        mailing.start_sync(mailing_list["id"])
        assert wait_run(cluster, mailing_list["id"])["status"] == "done"
        with pytest.raises(ValidationFailed) as too_many:
            mailing.send_test(campaign["id"], [f"t{n}@example.fi" for n in range(16)])
        assert too_many.value.details["addresses"][0]["params"] == {"max": "15", "count": "16"}
        with pytest.raises(ValidationFailed) as bad:
            mailing.send_test(campaign["id"], "ok@example.fi, rikki@")
        assert bad.value.details["addresses"][0]["params"] == {"address": "rikki@"}
        control(emulator, "/faults", {"status": 503, "count": 1, "path": "/sendpreview.json"})
        with pytest.raises(ServiceUnavailable) as down:
            mailing.send_test(campaign["id"], ["testi@example.fi"])
        assert down.value.message == "mailing.campaign_monitor_unavailable"
        assert mailing.send_test(campaign["id"], ["testi@example.fi"]) == {"sent_to": ["testi@example.fi"]}
        cm_id = mailing.get_campaign(campaign["id"])["cm_campaign_id"]
        held_at_cm = emulator.account.campaigns[cm_id]
        assert held_at_cm.previews == [["testi@example.fi"]]
        assert (
            "Hei [firstname,fallback=]!" in held_at_cm.html and held_at_cm.text == "Hei [firstname,fallback=]"
        )
        assert held_at_cm.subject == "Hyvää joulua, [firstname,fallback=]"
        # M4: no one has consented to tracking yet: Campaign Monitor is told "No" for each
        at_cm = emulator.account.lists[mailing.get_list(mailing_list["id"])["cm_list_id"]].subscribers
        assert {email: item.consent_to_track for email, item in at_cm.items()} == {
            "anna@example.fi": "No",
            "bertta@example.fi": "No",
        }

        # M4: Anna consents to tracking (the built-in purpose email_tracking): Campaign Monitor is told so
        contacts.record_consent(
            anna["id"], {"purpose": "email_tracking", "given": True, "text_version": "v1"}
        )

        # send: Bertta withdraws her consent just before; the audience is synced again at send time
        contacts.record_consent(bertta["id"], {"purpose": "newsletter", "given": False})
        control(emulator, "/faults", {"status": 503, "count": 1, "path": "/send.json"})  # the worker retries
        first = mailing.send_campaign(campaign["id"])
        again = mailing.send_campaign(campaign["id"])  # a retried request: the same campaign on its way
        assert first["status"] == again["status"] == "syncing"
        sent = wait_status(cluster, campaign["id"], "sent")
        assert sent["recipients"] == 1
        assert mailing.send_campaign(campaign["id"])["status"] == "sent"
        assert len(cm_requests(emulator, f"/campaigns/{cm_id}/send.json")) == 2  # refused once, sent once
        assert [email for email, _ in held_at_cm.recipients] == ["anna@example.fi"]

        # who it was sent to, for ever: the ledger (reads audited), the access report, the timeline
        ledger = mailing.campaign_recipients(campaign["id"])
        assert ledger["total"] == 1
        assert [(item["contact_id"], item["email"]) for item in ledger["items"]] == [
            (anna["id"], "anna@example.fi")
        ]
        assert wait_for(
            lambda: "mailing.campaign_recipients_read" in [a for a, _ in audit_actions(engines, anna["id"])],
            15,
        )
        timeline = mailing.contact_campaigns(anna["id"])["items"]
        assert [(item["campaign_id"], item["name"]) for item in timeline] == [(campaign["id"], "Joulukirje")]
        # the contact page's one call: its flags (none yet) and the same timeline
        assert mailing.contact_mailing(anna["id"]) == {"flags": [], "campaigns": timeline}
        held = mailing.personal_data(anna["id"])["sections"]["mailing_campaigns"]
        assert [(item["name"], item["email"]) for item in held] == [("Joulukirje", "anna@example.fi")]
        assert held == timeline  # the timeline and the access report show the same rows
        assert (timeline[0]["subject"], timeline[0]["list_id"]) == (
            "Hyvää joulua, {{ first_name }}",
            mailing_list["id"],
        )
        assert timeline[0]["sent_at"].startswith(sent["sent_at"][:10])
        assert mailing.contact_campaigns(bertta["id"])["items"] == []

        # M4: the report pulled from Campaign Monitor on demand
        control(emulator, f"/campaigns/{cm_id}/opens", {"email": "anna@example.fi"})
        control(emulator, f"/campaigns/{cm_id}/opens", {"email": "anna@example.fi"})
        control(
            emulator,
            f"/campaigns/{cm_id}/clicks",
            {"email": "anna@example.fi", "extra": {"URL": "https://example.fi/liity"}},
        )
        report = mailing.refresh_campaign_report(campaign["id"])["report"]
        assert (report["recipients"], report["opened_unique"], report["opened_total"]) == (1, 1, 2)
        assert report["links"] == [{"url": "https://example.fi/liity", "clicks": 1, "unique": 1}]
        assert report["bounced_hard"] == report["spam"] == 0
        cm_list = mailing.get_list(mailing_list["id"])["cm_list_id"]
        assert emulator.account.lists[cm_list].subscribers["anna@example.fi"].consent_to_track == "Yes"

        # M4 per person: her opens and clicks on the ledger, her timeline (the contact page's card) and
        # her access report; each of those reads audited as the ledger's are
        tracked = mailing.contact_campaigns(anna["id"])["items"][0]
        assert (tracked["opens"], tracked["clicks"], tracked["links"]) == (2, 1, ["https://example.fi/liity"])
        assert tracked["last_opened_at"] and tracked["last_clicked_at"]
        row = mailing.campaign_recipients(campaign["id"])["items"][0]
        assert (row["opens"], row["clicks"], row["links"]) == (2, 1, ["https://example.fi/liity"])
        assert mailing.personal_data(anna["id"])["sections"]["mailing_campaigns"][0]["opens"] == 2
        mailing.refresh_campaign_report(campaign["id"])  # pulled again: the same totals, not added up
        assert mailing.contact_campaigns(anna["id"])["items"][0]["opens"] == 2

        # M5 bounce policy: a soft bounce is noted on the ledger but flags no one until the contact has
        # soft bounced in MAILING_SOFT_BOUNCE_LIMIT (3) campaigns; a hard bounce flags at once, audited
        bounce = {"email": "anna@example.fi", "extra": {"BounceType": "Soft"}}
        control(emulator, f"/campaigns/{cm_id}/bounces", bounce)
        assert mailing.refresh_campaign_report(campaign["id"])["report"]["bounced_soft"] == 1
        assert mailing.flags_of([anna["id"]]) == {}
        control(emulator, f"/campaigns/{cm_id}/bounces", {**bounce, "extra": {"BounceType": "Hard"}})
        mailing.refresh_campaign_report(campaign["id"])
        mailing.refresh_campaign_report(campaign["id"])  # pulled again: still one flag
        flags = mailing.flags_of([anna["id"]])
        assert [flag["kind"] for flag in flags[anna["id"]]] == ["bounced"]
        assert mailing.contact_mailing(anna["id"])["flags"] == flags[anna["id"]]
        assert wait_for(
            lambda: "mailing.contact_bounced" in [a for a, _ in audit_actions(engines, anna["id"])], 15
        )
        with engines["mailing"].connect() as conn:
            noted = conn.execute(text("SELECT bounce FROM campaign_recipients")).scalars().all()
        assert noted == ["hard"]

        # G4: erasure empties her ledger row; the campaign's count stays
        contacts.request_erasure(anna["id"], "pyyntö")
        assert wait_for(lambda: mailing.contact_campaigns(anna["id"])["items"] == [], 30)
        with engines["mailing"].connect() as conn:
            rows = conn.execute(
                text("SELECT contact_id, email, erased_at FROM campaign_recipients WHERE campaign_id = :id"),
                {"id": campaign["id"]},
            ).all()
        assert len(rows) == 1 and rows[0].contact_id is None and rows[0].email is None and rows[0].erased_at
        assert mailing.get_campaign(campaign["id"])["recipients"] == 1
        with engines["mailing"].connect() as conn:  # her opens and clicks gone with her
            tracking = conn.execute(
                text(
                    "SELECT opens, clicks, links, last_opened_at, last_clicked_at FROM campaign_recipients"
                    " WHERE campaign_id = :id"
                ),
                {"id": campaign["id"]},
            ).one()
        assert tuple(tracking) == (None, None, None, None, None)


def test_m1_m4_a_scheduled_campaign_is_handed_over_with_its_time_unscheduled_and_sent_at_its_time(
    campaigns,
    rpc,
    engines,
    emulator,  # noqa: F811
    config,
):
    """Also: an earlier try that made the draft at Campaign Monitor but lost its answer is not made twice."""
    with rpc(MAILER, timeout=30) as cluster:
        contacts, mailing = cluster.contacts, cluster.mailing
        dora = person(contacts, "Dora", "dora@example.fi")
        mailing_list = group_list(cluster, "Hallitus", "Hallitus", [dora["id"]])
        template = mailing.create_template(
            {"name": "Kutsu", "subject": "Kutsu", "mjml": MJML, "text": "Tervetuloa"}
        )
        campaign = mailing.create_campaign(
            {
                "name": "Kokouskutsu",
                "template_id": template["id"],
                "list_ids": [mailing_list["id"]],
                "from_name": "Piiri ry",
                "from_email": "info@example.fi",
            }
        )
        with pytest.raises(ValidationFailed) as past:
            mailing.send_campaign(campaign["id"], "2020-01-01T10:00:00+02:00")
        assert past.value.message == "mailing.send_at_invalid"
        with pytest.raises(Conflict):
            mailing.unschedule_campaign(campaign["id"])
        # an earlier try made the draft at Campaign Monitor but its answer was lost: the draft is taken
        with engines["mailing"].connect() as conn:
            secret = conn.execute(
                text("SELECT content_secret FROM campaigns WHERE id = :id"), {"id": campaign["id"]}
            ).scalar_one()
        mailing.start_sync(mailing_list["id"])
        assert wait_run(cluster, mailing_list["id"])["status"] == "done"
        cm_list = mailing.get_list(mailing_list["id"])["cm_list_id"]
        content = (
            f"http://{config['WEB_SERVER_ADDRESS']}/api/v1/mailing/campaign-content/{campaign['id']}/{secret}"
        )
        made_before = createsend.Campaign(campaigns.auth).create(
            CLIENT_ID, "Kutsu", f"Kokouskutsu ({campaign['id'][:8]})", "Piiri ry", "info@example.fi",
            "info@example.fi", f"{content}.html", f"{content}.txt", [cm_list], [],
        )  # fmt: skip
        when = (datetime.now(UTC) + timedelta(days=2)).replace(second=0, microsecond=0)
        control(emulator, "/faults", {"status": 500, "count": 1, "path": "/send.json"})  # tried again later
        mailing.send_campaign(campaign["id"], when.isoformat())
        scheduled = wait_status(cluster, campaign["id"], "scheduled")
        assert scheduled["cm_campaign_id"] == made_before
        assert scheduled["send_at"].startswith(when.strftime("%Y-%m-%dT%H:%M"))
        assert scheduled["recipients"] is None  # frozen when it is sent
        at_cm = emulator.account.campaigns[scheduled["cm_campaign_id"]]
        assert (at_cm.status, at_cm.send_date) == ("Scheduled", when.strftime("%Y-%m-%d %H:%M"))
        assert mailing.unschedule_campaign(campaign["id"])["status"] == "draft"
        assert at_cm.status == "Draft"

        # scheduled again; its time comes: Campaign Monitor sends it and the ledger is frozen then
        mailing.send_campaign(campaign["id"], when.isoformat())
        wait_status(cluster, campaign["id"], "scheduled")
        with engines["mailing"].begin() as conn:
            conn.execute(
                text("UPDATE campaigns SET send_at = now() - interval '1 second' WHERE id = :id"),
                {"id": campaign["id"]},
            )
        at_cm.send_date = "2000-01-01 00:00"
        sent = wait_status(cluster, campaign["id"], "sent")
        assert sent["recipients"] == 1 and [email for email, _ in at_cm.recipients] == ["dora@example.fi"]
        # M4 on the workers' schedule: the report of a sent campaign is pulled without asking
        reported = wait_for(lambda: (c := mailing.get_campaign(campaign["id"]))["report"] and c, 15)
        assert reported and reported["report"]["recipients"] == 1


def test_m1_a_campaign_sent_through_piiri_arrives_in_the_smtp_catcher_personalised(
    campaigns,
    rpc,
    emulator,  # noqa: F811
    smtp,
):
    """The emulator delivers what Campaign Monitor would: each consent-gated recipient's own mail (their
    first name and a list custom field merged by Campaign Monitor's tags), to the SMTP catcher that `make
    run` starts. M2: a custom field that a list of the campaign lacks is a named error."""
    emulator.deliver_to(smtp.host, smtp.smtp_port)
    try:
        with rpc(MAILER, timeout=30) as cluster:
            contacts, mailing = cluster.contacts, cluster.mailing
            contacts.create_custom_field(
                {"key": "jasennumero", "label_fi": "Jäsennumero", "field_type": "text"}
            )
            group = contacts.create_group("Postitus")
            eino = person(contacts, "Eino", "eino@example.fi", custom={"jasennumero": "J-101"})
            fanni = person(contacts, "Fanni", "fanni@example.fi")
            gerda = person(contacts, "Gerda", "gerda@example.fi", consent=False)
            contacts.add_members(group["id"], [eino["id"], fanni["id"], gerda["id"]])
            source = {"purpose": "newsletter", "source_kind": "group", "source_id": group["id"]}
            mailing_list = mailing.create_list(
                {"name": "Postitus", **source, "fields": ["custom.jasennumero"]}
            )
            bare_list = mailing.create_list({"name": "Ilman kenttiä", **source})
            template = mailing.create_template(
                {
                    "name": "Tervehdys",
                    "subject": "Tervehdys, {{ first_name }}",
                    "mjml": MJML,
                    "text": "Hei {{ first_name }} ({{ email }})\nJäsennumerosi {{ custom.jasennumero }}",
                }
            )
            details = {
                "template_id": template["id"],
                "from_name": "Piiri ry",
                "from_email": "info@example.fi",
            }
            # M2: a list custom field the template merges must be on every list of the campaign: named
            with pytest.raises(ValidationFailed) as lacking:
                mailing.create_campaign({**details, "name": "X", "list_ids": [bare_list["id"]]})
            assert lacking.value.details["text"] == [
                {
                    "code": "mailing.template_field_not_on_list",
                    "params": {
                        "part": "text",
                        "line": "2",
                        "field": "custom.jasennumero",
                        "list": "Ilman kenttiä",
                    },
                }
            ]
            campaign = mailing.create_campaign(
                {**details, "name": "Tervehdys", "list_ids": [mailing_list["id"]]}
            )
            preview = mailing.preview_campaign(campaign["id"], eino["id"])
            assert preview["text"].endswith("Jäsennumerosi J-101")
            mailing.send_campaign(campaign["id"])
            assert wait_status(cluster, campaign["id"], "sent")["recipients"] == 2
            assert wait_for(lambda: len(smtp.mailbox.listed()) == 2, 20), smtp.mailbox.listed()
            mails = {item["recipients"][0]: item for item in smtp.mailbox.listed()}
            assert sorted(mails) == ["eino@example.fi", "fanni@example.fi"]  # not Gerda: no consent
            assert mails["eino@example.fi"]["subject"] == "Tervehdys, Eino"
            assert mails["eino@example.fi"]["from"] == "Piiri ry <info@example.fi>"
            assert mails["fanni@example.fi"]["text"].strip().splitlines() == [
                "Hei Fanni (fanni@example.fi)",
                "Jäsennumerosi",  # no value: the tag's empty fallback
            ]
            assert mails["eino@example.fi"]["text"].strip().endswith("Jäsennumerosi J-101")  # from the list
            raw = smtp.mailbox.find(mails["fanni@example.fi"]["id"])["raw"]
            html_part = message_from_bytes(raw, policy=policy.default).get_body(("html",)).get_content()
            assert "Hei Fanni!" in html_part  # the HTML part (MJML compiled by Piiri), merged
    finally:
        emulator.deliver_to(None)
