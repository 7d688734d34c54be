"""M3 over the real broker and databases with the project's SMTP emulator: a list's subscription form
(off until switched on, its consent text versioned), a submission that sends the confirmation mail
through the mailing service's SMTP path, the link that records the consent (purpose, text version,
source, note) and creates the contact, who is then in the list's audience; the second click, the same
address again within the resend window (no second mail), an existing contact matched by e-mail, an
expired link and the purge after expiry, the pending subscription in the access report and erased."""

import re
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from conftest import ALL_PERMISSIONS, make_actor
from emulators.smtp.server import serve
from piiri.context import SYSTEM
from piiri.errors import NotFound, ValidationFailed
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from services.mailing.service import MailingService
from services.mailing.subscriptions import storage as subscriptions_storage
from services.mailing.worker import MailingWorker
from tests.conftest import subscribe_settings
from tests.events import wait_for

MAILER = make_actor(
    "subscription-mailer",
    permissions=(*ALL_PERMISSIONS, "mail.send", "groups.manage", "gdpr.officer", "contacts.import"),
)
LINK = re.compile(r"(https?://\S+/subscribe/([^\s/]+)/confirm/([^\s?]+)\?lang=(fi|sv|en))")
BASE = "https://piiri.example"


@pytest.fixture(scope="module")
def smtp():
    running = serve()
    yield running
    running.stop()


@pytest.fixture
def system(run_services, rpc, engines, smtp):
    settings = subscribe_settings(smtp, engines, GDPR_SERVICES="contacts,audit,mailing")
    run_services(ContactsService, AuditService, MailingService, MailingWorker, extra_config=settings)
    with rpc(MAILER) as staff, rpc(SYSTEM) as public:
        yield staff, public


def a_list(staff, name="Uutiskirje"):
    group = staff.contacts.create_group(f"{name} ryhmä")
    made = staff.mailing.create_list(
        {"name": name, "purpose": "newsletter", "source_kind": "group", "source_id": group["id"]}
    )
    return made, group


def mails_to(smtp, address, count=1, seconds=20):
    assert wait_for(lambda: len(smtp.mailbox.to(address)) >= count, seconds), smtp.mailbox.to(address)
    return smtp.mailbox.to(address)


def link_of(mail):
    found = LINK.search(mail["text"])
    assert found, mail["text"]
    return found.group(2), found.group(3)


def test_m3_submit_mail_confirm_consent_and_audience(system, smtp, engines):
    staff, public = system
    mailing_list, group = a_list(staff)
    form = staff.mailing.subscription_form(mailing_list["id"])
    assert form["enabled"] is False and form["consent_version"] == 1 and form["token"]
    with pytest.raises(NotFound):  # off: the hosted page does not exist
        public.mailing.public_subscription_form(form["token"], "fi")
    texts = {"fi": "Haluan uutiskirjeen.", "sv": "Jag vill ha nyhetsbrevet.", "en": "I want the newsletter."}
    form = staff.mailing.update_subscription_form(
        mailing_list["id"], {"enabled": True, "consent_texts": texts}
    )
    assert form["enabled"] and form["consent_version"] == 2 and form["consent_texts"] == texts
    [second, first] = form["versions"]
    assert second["version"] == 2 and second["texts"] == texts and second["created_by"] == MAILER.username
    assert first["version"] == 1 and "Uutiskirje" in first["texts"]["fi"]  # the default, kept
    same = staff.mailing.update_subscription_form(mailing_list["id"], {"consent_texts": texts})
    assert same["consent_version"] == 2  # the same texts: no new version
    shown = public.mailing.public_subscription_form(form["token"], "sv")
    assert shown["consent_text"] == texts["sv"] and shown["list_name"] == "Uutiskirje"
    assert shown["consent_version"] == 2 and shown["purpose"]

    with pytest.raises(ValidationFailed) as refused:
        public.mailing.submit_subscription(form["token"], {"email": "ei-osoite"}, "10.0.0.1", BASE)
    assert "email" in refused.value.details
    person = {"email": "Uusi.Tilaaja@example.fi", "first_name": "Uusi", "last_name": "Tilaaja"}
    answer = public.mailing.submit_subscription(form["token"], person, "10.0.0.1", BASE)
    assert answer == {"status": "accepted"}
    [mail] = mails_to(smtp, "Uusi.Tilaaja@example.fi")
    assert mail["subject"] == "Vahvista tilauksesi: Uutiskirje"
    token, code = link_of(mail)
    assert token == form["token"] and BASE in mail["text"]
    # the same address again at once: the same neutral answer, no second mail
    assert public.mailing.submit_subscription(form["token"], person, "10.0.0.2", BASE) == answer
    assert staff.mailing.subscription_form(mailing_list["id"])["counts"] == {"pending": 1, "confirmed": 0}

    assert public.mailing.subscription_link(token, code)["state"] == "pending"
    assert public.mailing.subscription_link(token, "wrong-code")["state"] == "expired"
    done = public.mailing.confirm_subscription(token, code)
    assert done == {"state": "confirmed", "list_name": "Uutiskirje", "form_open": True}
    again = public.mailing.confirm_subscription(token, code)
    assert again["state"] == "already_confirmed"
    assert len(smtp.mailbox.to("Uusi.Tilaaja@example.fi")) == 1
    assert staff.mailing.subscription_form(mailing_list["id"])["counts"] == {"pending": 0, "confirmed": 1}

    members = staff.contacts.members(group["id"])["items"]
    assert len(members) == 1
    contact_id = members[0]["contact_id"] if "contact_id" in members[0] else members[0]["id"]
    contact = staff.contacts.get_contact(contact_id)
    assert contact["first_name"] == "Uusi" and contact["email"].lower() == "uusi.tilaaja@example.fi"
    [consent] = staff.contacts.list_consents(contact_id)["current"]
    assert consent["purpose"] == "newsletter" and consent["given"] and consent["source"] == "form"
    assert consent["text_version"] == f"{mailing_list['id']}:2"
    assert consent["note"] == "subscription form Uutiskirje"
    audience = staff.mailing.audience(mailing_list["id"])
    assert [item["id"] for item in audience["items"] if item.get("excluded") is None] == [contact_id]


def test_m3_an_existing_contact_is_matched_expired_links_and_personal_data(system, smtp, engines):
    staff, public = system
    mailing_list, group = a_list(staff, "Tiedote")
    token = staff.mailing.update_subscription_form(mailing_list["id"], {"enabled": True})["token"]
    known = staff.contacts.create_contact(
        {"first_name": "Olli", "last_name": "Olemassa", "email": "olli@example.fi"}
    )
    public.mailing.submit_subscription(
        token, {"email": "OLLI@example.fi", "language": "en"}, "10.0.0.3", BASE
    )
    [mail] = mails_to(smtp, "OLLI@example.fi")
    assert mail["subject"] == "Confirm your subscription: Tiedote"
    assert LINK.search(mail["text"]).group(4) == "en"  # its pages in the subscriber's language
    assert public.mailing.confirm_subscription(*link_of(mail))["state"] == "confirmed"
    members = staff.contacts.members(group["id"])["items"]
    ids = [item.get("contact_id") or item.get("id") for item in members]
    assert ids == [known["id"]]  # matched by e-mail, no new contact
    assert staff.contacts.get_contact(known["id"])["first_name"] == "Olli"

    # a pending subscription is in the person's access report (matched by address)
    other = staff.contacts.create_contact(
        {"first_name": "Pia", "last_name": "Pending", "email": "pia@example.fi"}
    )
    public.mailing.submit_subscription(
        token, {"email": "pia@example.fi", "first_name": "Pia"}, "10.0.0.4", BASE
    )
    [pia_mail] = mails_to(smtp, "pia@example.fi")
    held = staff.mailing.personal_data(other["id"])["sections"]["mailing_subscriptions"]
    assert [(item["status"], item["email"], item["list_name"]) for item in held] == [
        ("pending", "pia@example.fi", "Tiedote")
    ]

    def read_audited():  # the read of the pending subscription is audited, counted in its part
        with engines["audit"].connect() as conn:
            return conn.execute(
                text(
                    "SELECT details->>'mailing_subscriptions' FROM audit_events"
                    " WHERE action = 'mailing.personal_data_read' AND :id = ANY(subject_ids)"
                ),
                {"id": other["id"]},
            ).scalars().all() == ["1"]

    assert wait_for(read_audited, 20)
    confirmed_held = staff.mailing.personal_data(known["id"])["sections"]["mailing_subscriptions"]
    assert [item["status"] for item in confirmed_held] == ["confirmed"]

    # expired: a clear state, the consent not recorded; the purge deletes it and empties its mail
    with engines["mailing"].begin() as conn:
        conn.execute(
            text("UPDATE subscriptions SET expires_at = now() - interval '1 second' WHERE status = 'pending'")
        )
    link = link_of(pia_mail)
    assert public.mailing.subscription_link(*link)["state"] == "expired"
    assert public.mailing.confirm_subscription(*link)["state"] == "expired"
    assert staff.contacts.list_consents(other["id"])["current"] == []
    with Session(engines["mailing"]) as session, session.begin():
        gone, _ = subscriptions_storage.purge(session)
    assert gone == 1
    with engines["mailing"].connect() as conn:
        left = conn.execute(text("SELECT count(*) FROM subscriptions WHERE status = 'pending'")).scalar_one()
        recipients = (
            conn.execute(text("SELECT recipient FROM mail_messages WHERE reference_kind = 'subscription'"))
            .scalars()
            .all()
        )
    assert left == 0 and None in recipients and "pia@example.fi" not in recipients
    assert staff.mailing.personal_data(other["id"])["sections"]["mailing_subscriptions"] == []
    assert public.mailing.subscription_link(*link)["state"] == "expired"
    assert uuid.UUID(known["id"])


def test_m3_erasure_deletes_confirmed_and_pending_subscriptions_and_empties_their_mails(
    system, smtp, engines
):
    staff, public = system
    first, _ = a_list(staff, "Kevätkirje")
    second, _ = a_list(staff, "Syyskirje")
    tokens = [
        staff.mailing.update_subscription_form(item["id"], {"enabled": True})["token"]
        for item in (first, second)
    ]
    eero = {"email": "eero@example.fi", "first_name": "Eero", "last_name": "Erase"}
    public.mailing.submit_subscription(tokens[0], eero, "10.0.0.5", BASE)
    [mail] = mails_to(smtp, "eero@example.fi")
    assert public.mailing.confirm_subscription(*link_of(mail))["state"] == "confirmed"
    public.mailing.submit_subscription(tokens[1], eero, "10.0.0.5", BASE)  # left pending
    mails_to(smtp, "eero@example.fi", count=2)
    contact_id = staff.contacts.match_import_rows(
        [{"row": 1, "values": {"email": "eero@example.fi", "last_name": "x"}}], {"match_on": ["email"]}
    )["rows"][0]["contact_id"]
    held = staff.mailing.personal_data(contact_id)["sections"]["mailing_subscriptions"]
    assert sorted((item["list_name"], item["status"]) for item in held) == [
        ("Kevätkirje", "confirmed"),
        ("Syyskirje", "pending"),
    ]

    staff.contacts.request_erasure(contact_id, "pyyntö")

    def erased():
        with engines["mailing"].connect() as conn:
            left = conn.execute(
                text(
                    "SELECT count(*) FROM subscriptions"
                    " WHERE contact_id = :id OR lower(email) = 'eero@example.fi'"
                ),
                {"id": contact_id},
            ).scalar_one()
            addressed = conn.execute(
                text("SELECT count(*) FROM mail_messages WHERE recipient = 'eero@example.fi'")
            ).scalar_one()
        return left == 0 and addressed == 0

    assert wait_for(erased, 30)


@pytest.fixture
def strict_limits(run_services, rpc, engines, smtp):
    settings = subscribe_settings(smtp, engines, SUBSCRIBE_IP_PER_HOUR=2, SUBSCRIBE_EMAIL_PER_HOUR=2)
    run_services(ContactsService, AuditService, MailingService, MailingWorker, extra_config=settings)
    with rpc(MAILER) as staff, rpc(SYSTEM) as public:
        yield staff, public


def test_m3_rate_limits_per_client_and_per_address_answer_the_same_and_send_nothing(strict_limits, smtp):
    staff, public = strict_limits
    first, _ = a_list(staff, "Rajattu")
    second, _ = a_list(staff, "Toinen")
    one, two = (
        staff.mailing.update_subscription_form(item["id"], {"enabled": True})["token"]
        for item in (first, second)
    )
    accepted = {"status": "accepted"}
    # one client address: the third post within the hour does nothing
    for number in range(3):
        assert (
            public.mailing.submit_subscription(one, {"email": f"r{number}@example.fi"}, "10.9.9.9", BASE)
            == accepted
        )
    mails_to(smtp, "r1@example.fi")
    # one e-mail address from many clients, over two lists: the third post does nothing
    assert public.mailing.submit_subscription(one, {"email": "sama@example.fi"}, "10.1.1.1", BASE) == accepted
    assert public.mailing.submit_subscription(two, {"email": "sama@example.fi"}, "10.1.1.2", BASE) == accepted
    mails_to(smtp, "sama@example.fi", count=2)
    assert public.mailing.submit_subscription(two, {"email": "sama@example.fi"}, "10.1.1.3", BASE) == accepted
    assert not wait_for(
        lambda: smtp.mailbox.to("r2@example.fi") or len(smtp.mailbox.to("sama@example.fi")) > 2, 3
    )
    assert staff.mailing.subscription_form(first["id"])["counts"]["pending"] == 3  # r0, r1, sama
