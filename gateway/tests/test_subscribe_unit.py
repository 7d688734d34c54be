"""M3: the public form's bot checks (a honeypot, a signed minimum fill time), its snippet, and the public
pages' answers when something goes wrong (a plain page, never a 500)."""

import time

import pytest
from werkzeug.wrappers import Request

import gateway.service  # noqa: F401  (every area registers its templates and words)
from gateway.subscribe import guard
from gateway.subscribe.links import page_url, snippet
from gateway.subscribe.public import PublicSubscribeRoutes
from piiri.errors import Conflict, NotFound, ServiceUnavailable, ValidationFailed

CONFIG = {"CONTEXT_KEYS": "test-key", "SUBSCRIBE_MIN_FILL_SECONDS": 3}
T0 = 1_800_000_000


def posted(stamp=None, **fields):
    return {"email": "a@example.fi", **({"ts": stamp} if stamp else {}), **fields}


def test_m3_a_person_who_takes_their_time_passes():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    assert guard.verdict(CONFIG, "tok", posted(stamp), now=T0 + 5) == guard.HUMAN


def test_m3_the_honeypot_filled_is_a_bot_whatever_else():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    assert guard.verdict(CONFIG, "tok", posted(stamp, website="http://spam"), now=T0 + 60) == guard.BOT
    assert guard.verdict(CONFIG, "tok", posted(None, website="x"), now=T0) == guard.BOT


def test_m3_sent_faster_than_a_person_fills_the_form_is_a_bot():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    assert guard.verdict(CONFIG, "tok", posted(stamp), now=T0 + 1) == guard.BOT
    assert (
        guard.verdict({**CONFIG, "SUBSCRIBE_MIN_FILL_SECONDS": 0}, "tok", posted(stamp), now=T0)
        == guard.HUMAN
    )


def test_m3_a_missing_forged_old_or_other_lists_stamp_asks_again():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    issued, _, signature = stamp.partition(".")
    forged = f"{int(issued) - 100}.{signature}"  # an older time with the same signature
    assert guard.verdict(CONFIG, "tok", posted(None), now=T0 + 10) == guard.STALE
    assert guard.verdict(CONFIG, "tok", posted(forged), now=T0 + 10) == guard.STALE
    assert guard.verdict(CONFIG, "other", posted(stamp), now=T0 + 10) == guard.STALE
    assert guard.verdict({"CONTEXT_KEYS": "other-key"}, "tok", posted(stamp), now=T0 + 10) == guard.STALE
    assert guard.verdict(CONFIG, "tok", posted(stamp), now=T0 + 2 * 24 * 3600) == guard.STALE
    assert guard.verdict(CONFIG, "tok", posted("garbage"), now=T0 + 10) == guard.STALE


def test_m3_the_snippet_is_a_plain_form_posting_to_the_hosted_page():
    html = snippet("https://piiri.example", "tok", "sv")
    assert html.startswith('<form method="post" action="https://piiri.example/subscribe/tok"')
    assert 'name="email"' in html and 'name="first_name"' in html and 'name="last_name"' in html
    assert f'name="{guard.HONEYPOT}"' in html and "<script" not in html and "Prenumerera" in html
    assert page_url("https://piiri.example", "tok", "en") == "https://piiri.example/subscribe/tok?lang=en"


def test_m3_a_stamp_made_before_the_context_key_was_rotated_still_verifies():
    stamp = guard.stamp(CONFIG, "tok", now=T0)
    rotated = {**CONFIG, "CONTEXT_KEYS": "new-key,test-key"}
    assert guard.verdict(rotated, "tok", posted(stamp), now=T0 + 5) == guard.HUMAN
    assert guard.stamp(rotated, "tok", now=T0) != stamp  # the new key signs from now on
    assert (
        guard.verdict({**CONFIG, "CONTEXT_KEYS": "new-key"}, "tok", posted(stamp), now=T0 + 5) == guard.STALE
    )


# --- the public pages when something goes wrong -----------------------------------------------------------


class Context:
    def act_as(self, actor):
        self.actor = actor


def routes_answering(answer):
    """The public routes with the mailing service replaced: every call returns ``answer`` (or raises it)."""
    routes = PublicSubscribeRoutes.__new__(PublicSubscribeRoutes)
    routes.context, routes.config = Context(), CONFIG

    def call(service, method, *args, **kwargs):
        if isinstance(answer, Exception):
            raise answer
        return answer

    routes.call = call
    routes.client_address = lambda request: "10.0.0.1"
    return routes


def person_post(token="tok"):
    stamp = guard.stamp(CONFIG, token, now=time.time() - 10)
    return Request.from_values(
        f"/subscribe/{token}?lang=en", method="POST", data={"email": "a@example.fi", "ts": stamp}
    )


DOWN = ServiceUnavailable("The mailing service did not answer in 10 s.")


@pytest.mark.parametrize(
    ("failure", "status", "words"),
    [
        (DOWN, 503, "Please try again later"),
        (Conflict("mailing.mail_not_configured"), 503, "Please try again later"),
        (NotFound("mailing.subscription_form_unavailable"), 404, "This subscription form is not available"),
    ],
)
def test_m3_the_hosted_page_and_its_post_answer_a_failure_with_a_plain_page(failure, status, words):
    routes = routes_answering(failure)
    shown = routes.subscribe_form(Request.from_values("/subscribe/tok?lang=en"), "tok")
    posted_form = routes.subscribe_submit(person_post(), "tok")
    for response in (shown, posted_form):
        assert response.status_code == status and words in response.get_data(as_text=True)
        assert response.mimetype == "text/html"


def test_m3_a_mistyped_address_is_shown_back_on_the_page_naming_the_field():
    routes = routes_answering(None)
    form = {"token": "tok", "list_name": "Kirje", "purpose": "", "consent_text": "Haluan.", "language": "en"}

    def call(service, method, *args, **kwargs):
        if method == "submit_subscription":
            raise ValidationFailed(
                "mailing.subscription_invalid", {"email": ["mailing.subscription_email_invalid"]}
            )
        return {**form, "consent_version": 1}

    routes.call = call
    response = routes.subscribe_submit(person_post(), "tok")
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and 'aria-invalid="true"' in text and 'value="a@example.fi"' in text


@pytest.mark.parametrize("method", ["subscribe_link", "subscribe_confirm"])
def test_m3_a_confirmation_link_answers_plainly_when_unknown_or_the_service_is_down(method):
    unknown = getattr(routes_answering({"state": "expired", "list_name": None, "form_open": False}), method)
    response = unknown(Request.from_values("/subscribe/nope/confirm/bad?lang=en"), "nope", "bad")
    assert response.status_code == 410 and 'data-state="expired"' in response.get_data(as_text=True)
    down = getattr(routes_answering(DOWN), method)
    response = down(Request.from_values("/subscribe/tok/confirm/code?lang=en"), "tok", "code")
    assert response.status_code == 503 and "Please try again later" in response.get_data(as_text=True)
