"""M5 "flags everywhere": the warning mark of a bounced or unsubscribed contact (templates/_list.html
mailing_flags) and the page's one look-up of the flags (gateway/mailing/flags_web.py), which never fails a
page: a user without contacts.view, no ids, or a mailing service that does not answer gives no flags."""

import re

import pytest

from gateway.i18n import Translator
from gateway.mailing import contact_web, flags_web
from gateway.mailing.web import webhook_notice
from gateway.selection import list_sorting
from gateway.tests.test_web_unit import CONTACT, page_context
from gateway.web_helpers import environment, format_date, render_html
from piiri.errors import Conflict, ServiceUnavailable
from services.mailing.contract import errors

BOUNCED = {"kind": "bounced", "since": "2026-12-03T10:15:00+00:00", "list_id": "l1"}
UNSUBSCRIBED = {"kind": "unsubscribed", "since": "2026-11-30T23:30:00+00:00", "list_id": "l1"}


def marks(flags, language="fi"):
    template = environment().from_string(
        '{% from "_list.html" import mailing_flags with context %}{{ mailing_flags(t, flags) }}'
    )
    t = Translator(language)
    return template.render(t=t, date=lambda value: format_date(value, language), flags=flags)


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize(
    ("language", "bounced", "unsubscribed"),
    [
        ("fi", "⚠ Sähköposti palautui 3.12.2026", "⚠ Peruutti tilauksen 1.12.2026"),
        ("sv", "⚠ E-posten studsade 3.12.2026", "⚠ Avslutade prenumerationen 1.12.2026"),
        ("en", "⚠ E-mail bounced", "⚠ Unsubscribed"),
    ],
)
def test_m5_the_mark_says_the_reason_and_the_day_in_words(language, bounced, unsubscribed):
    html = marks([BOUNCED, UNSUBSCRIBED], language)
    assert text_of(html).startswith(bounced) and unsubscribed in text_of(html)
    # the symbol is hidden from screen readers (the words say it) and each mark explains itself on hover
    assert html.count('<span class="mailing-flag-symbol" aria-hidden="true">⚠</span>') == 2
    assert 'data-mailing-flag="bounced"' in html and 'data-mailing-flag="unsubscribed"' in html
    assert len(re.findall(r'class="mailing-flag" [^>]*title="[^"]{10,}"', html)) == 2


def test_m5_no_flags_no_mark():
    assert marks(None).strip() == "" and marks([]).strip() == ""


class FakeGateway:
    def __init__(self, answer=None, error=None):
        self.answer, self.error, self.calls = answer, error, []

    def call(self, service, method, *args, timeout=None):
        self.calls.append((service, method, args, timeout))
        if self.error:
            raise self.error
        return self.answer


class Principal:
    def __init__(self, allowed):
        self.allowed = allowed

    def can(self, permission):
        return permission in self.allowed


def test_m5_one_look_up_per_page_with_a_short_deadline():
    gateway = FakeGateway({"c1": [BOUNCED]})
    lookup = flags_web.mailing_flags_lookup(gateway, None, Principal({"contacts.view"}))["mailing_flags_of"]
    assert lookup(["c1", "c2", "c1", None]) == {"c1": [BOUNCED]}
    assert gateway.calls == [("mailing", "flags_of", (["c1", "c2"],), flags_web.FLAGS_TIMEOUT)]
    assert flags_web.FLAGS_TIMEOUT <= 3


def test_m5_the_page_renders_without_flags_when_mailing_does_not_answer_or_may_not_be_asked():
    down = FakeGateway(error=ServiceUnavailable("The mailing service did not answer in 2 s."))
    assert (
        flags_web.mailing_flags_lookup(down, None, Principal({"contacts.view"}))["mailing_flags_of"](["c1"])
        == {}
    )
    unasked = FakeGateway({"c1": [BOUNCED]})
    assert flags_web.mailing_flags_lookup(unasked, None, Principal(set()))["mailing_flags_of"](["c1"]) == {}
    assert flags_web.mailing_flags_lookup(unasked, None, None)["mailing_flags_of"](["c1"]) == {}
    assert (
        flags_web.mailing_flags_lookup(unasked, None, Principal({"contacts.view"}))["mailing_flags_of"]([])
        == {}
    )
    assert unasked.calls == []


def test_m5_the_contact_list_and_the_contact_page_show_the_warning():
    asked = []

    def mailing_flags_of(ids):
        asked.append(list(ids))
        return {CONTACT["id"]: [BOUNCED]}

    summary = {
        key: CONTACT[key] for key in ("id", "kind", "display_name", "email", "phone", "city", "birth_date")
    }
    other = {**summary, "id": "11111111-2222-3333-4444-555555555555", "email": "toinen@example.fi"}
    listing = render_html(
        "contacts.html",
        "fi",
        **page_context(),
        mailing_flags_of=mailing_flags_of,
        query="",
        filters={},
        items=[summary, other],
        fuzzy=False,
        next_url=None,
        first_url=None,
        sort=None,
        direction="asc",
        sorting=list_sorting("/contacts", {}, None, "asc"),
        search="",
        bulk_limit=10_000,
    )
    assert asked == [[CONTACT["id"], other["id"]]]  # once for the page
    rows = re.findall(r"<tr>(.*?)</tr>", listing, re.S)[1:]
    assert "Sähköposti palautui 3.12.2026" in text_of(rows[0]) and "mailing-flag" not in rows[1]
    page = render_html(
        "contact.html",
        "fi",
        **page_context(),
        mailing_flags_of=mailing_flags_of,
        # the contact page's own flags come with its campaigns in one call (contact_web.py)
        mailing_of_contact=lambda key: {"flags": mailing_flags_of([key])[key], "campaigns": None},
        contact=CONTACT,
        trail_failed=False,
        older_url=None,
        trail=[],
    )
    # beside the e-mail, in the contact's quick links
    reach = re.search(r'<ul class="quick-links" id="contact-reach">(.*?)</ul>', page, re.S).group(1)
    flags = re.search(
        r'id="summary-email".*?<li class="quick-flags" id="contact-mailing-flags">(.*?)</li>', reach, re.S
    )
    assert flags and text_of(flags.group(1)) == "⚠ Sähköposti palautui 3.12.2026"


def test_m5_a_page_asking_again_asks_only_for_ids_not_yet_asked():
    gateway = FakeGateway({"c1": [BOUNCED]})
    lookup = flags_web.mailing_flags_lookup(gateway, None, Principal({"contacts.view"}))["mailing_flags_of"]
    assert lookup(["c1", "c2"]) == {"c1": [BOUNCED]}
    assert lookup(["c2", "c1"]) == {"c1": [BOUNCED]} and lookup(["c2"]) == {}
    gateway.answer = {}
    assert lookup(["c3", "c1"]) == {"c1": [BOUNCED]}
    assert [call[2] for call in gateway.calls] == [(["c1", "c2"],), (["c3"],)]


CAMPAIGNS = [{"campaign_id": "k1", "name": "Joulukirje", "email": "anna@example.fi"}]


def test_m4_m5_the_contact_page_asks_its_flags_and_campaigns_in_one_call():
    gateway = FakeGateway({"flags": [BOUNCED], "campaigns": CAMPAIGNS})
    principal = Principal({"contacts.view", "mail.send"})
    lookup = contact_web.mailing_contact_lookup(gateway, None, principal)["mailing_of_contact"]
    assert lookup("c1") == {"flags": [BOUNCED], "campaigns": CAMPAIGNS}
    assert lookup("c1")["campaigns"] == CAMPAIGNS  # the card asks again: the page's answer is kept
    assert gateway.calls == [("mailing", "contact_mailing", ("c1",), flags_web.FLAGS_TIMEOUT)]


def test_m4_m5_the_contact_page_renders_without_its_mailing_when_not_answered_or_not_allowed():
    down = FakeGateway(error=ServiceUnavailable("The mailing service did not answer in 2 s."))
    principal = Principal({"contacts.view", "mail.send"})
    assert contact_web.mailing_contact_lookup(down, None, principal)["mailing_of_contact"]("c1") == {
        "flags": [],
        "campaigns": None,
    }
    answer = {"flags": [BOUNCED], "campaigns": None}  # the service gives no campaigns without mail.send
    viewer = FakeGateway(answer)
    only_view = contact_web.mailing_contact_lookup(viewer, None, Principal({"contacts.view"}))
    assert only_view["mailing_of_contact"]("c1") == {"flags": [BOUNCED], "campaigns": None}
    sender = FakeGateway({"flags": [BOUNCED], "campaigns": CAMPAIGNS})
    only_send = contact_web.mailing_contact_lookup(sender, None, Principal({"mail.send"}))
    assert only_send["mailing_of_contact"]("c1") == {"flags": [], "campaigns": CAMPAIGNS}
    nobody = FakeGateway(answer)
    assert contact_web.mailing_contact_lookup(nobody, None, Principal(set()))["mailing_of_contact"]("c1") == {
        "flags": [],
        "campaigns": None,
    }
    assert contact_web.mailing_contact_lookup(nobody, None, None)["mailing_of_contact"]("c1")["flags"] == []
    assert nobody.calls == []


def test_m5_the_invoicing_audience_shows_the_payers_and_left_out_contacts_flags():
    """The invoice run's preview (who the run will invoice, who it leaves out): one look-up for both."""
    asked = []
    payer, left_out = CONTACT["id"], "11111111-2222-3333-4444-555555555555"

    def mailing_flags_of(ids):
        asked.append(list(ids))
        return {payer: [BOUNCED], left_out: [UNSUBSCRIBED]}

    preview = {
        "count": 2,
        "total": "40.00",
        "payers": [
            {"id": payer, "name": "Anna Aalto", "delivery": "email"},
            {"id": "22222222-2222-3333-4444-555555555555", "name": "Bo Berg", "delivery": "email"},
        ],
        "deliveries": {},
        "excluded": {"no_address": 1},
        "excluded_contacts": [{"id": left_out, "name": "Cia Ek", "reason": "no_address"}],
    }
    page = render_html(
        "billing/run_new.html",
        "fi",
        **page_context(),
        mailing_flags_of=mailing_flags_of,
        fee_types=[],
        deliveries=("print", "email"),
        groups=[],
        saved_searches=[],
        form={"kind": "group", "delivery": "email"},
        errors=[],
        preview=preview,
    )
    assert asked == [[payer, "22222222-2222-3333-4444-555555555555", left_out]]  # once for the page
    payers = re.findall(r"<li [^>]*data-contact-id=\"([^\"]+)\">(.*?)</li>", page, re.S)
    shown = {key: text_of(body) for key, body in payers}
    assert shown[payer] == "Anna Aalto ⚠ Sähköposti palautui 3.12.2026"
    assert shown["22222222-2222-3333-4444-555555555555"] == "Bo Berg"
    assert shown[left_out].endswith("⚠ Peruutti tilauksen 1.12.2026")


def test_m4_the_contact_page_card_shows_the_person_s_opens_and_clicks():
    tracked = {
        "campaign_id": "k1",
        "name": "Joulukirje",
        "email": "anna@example.fi",
        "sent_at": "2026-12-01T08:00:00+00:00",
        "opens": 2,
        "clicks": 1,
        "links": ["https://example.fi/liity"],
        "last_opened_at": "2026-12-02T09:30:00+00:00",
        "last_clicked_at": "2026-12-02T09:31:00+00:00",
    }
    untracked = {**tracked, "campaign_id": "k2", "opens": None, "clicks": None, "links": None}
    clicked_only = {**tracked, "campaign_id": "k3", "opens": None}
    opened_once = {**tracked, "campaign_id": "k4", "opens": 1, "clicks": 3}
    page = render_html(
        "contact.html",
        "fi",
        **page_context(),
        mailing_of_contact=lambda key: {
            "flags": [],
            "campaigns": [tracked, untracked, clicked_only, opened_once],
        },
        contact=CONTACT,
        trail_failed=False,
        older_url=None,
        trail=[],
    )
    items = re.findall(r'<li data-campaign-id="(k\d)">(.*?)</li>', page, re.S)
    shown = {key: text_of(body) for key, body in items}
    assert "Avasi 2 kertaa, viimeksi 2.12.2026" in shown["k1"]
    assert "klikkasi kerran: https://example.fi/liity" in shown["k1"]  # "1 kertaa" is not Finnish
    assert "Avasi" not in shown["k2"] and "klikkasi" not in shown["k2"]
    assert "Avasi" not in shown["k3"] and "klikkasi kerran: https://example.fi/liity" in shown["k3"]
    assert "Avasi kerran, viimeksi 2.12.2026" in shown["k4"] and "klikkasi 3 kertaa" in shown["k4"]


def test_m5_switching_a_webhook_on_again_says_why_it_could_not():
    """The list page's notice names the cause: no webhook made yet (sync first), or Campaign Monitor deleted
    it and there is no public address to make a new one (MAILING_WEBHOOK_BASE_URL)."""
    assert webhook_notice(Conflict(errors.WEBHOOK_NONE)) == "no_webhook"
    assert webhook_notice(Conflict(errors.WEBHOOK_NO_ADDRESS)) == "no_address"
    template = (environment().loader.get_source(environment(), "mailing/list.html"))[0]
    for notice, code in (("no_webhook", errors.WEBHOOK_NONE), ("no_address", errors.WEBHOOK_NO_ADDRESS)):
        assert (
            f'notice == "{notice}" %}}<div class="alert alert-error" role="alert" id="ml-notice">'
            f'{{{{ t("{code}") }}}}' in template
        )
    assert (
        Translator("fi")
        .service_message(errors.WEBHOOK_NO_ADDRESS)
        .startswith("Campaign Monitor on poistanut")
    )
