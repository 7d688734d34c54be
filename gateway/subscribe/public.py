"""The public pages of subscription forms (M3), no login: /subscribe/<token> (the hosted page: the list,
its purpose and consent text in fi/sv/en by ?lang or the browser's language, with Open Graph tags for a
shared link; a post from it or from the embedded snippet), /subscribe/<token>/sent (check your mail),
/subscribe/<token>/confirm/<code> (the link in the mail: a button that confirms, or that it was already
confirmed, or that it expired with a way to subscribe again).

Every post gets the same answer whatever happened (a bot, a rate limit, an address already on the list:
never revealed), except a mistyped address. The gateway acts as the system for the mailing service."""

import functools
import logging

from gateway.core import GatewayCore
from gateway.http import http
from gateway.i18n import LANGUAGES, Translator, request_language
from gateway.subscribe import guard
from gateway.subscribe.links import page_url, public_base
from gateway.web_helpers import html_response, render_html, see_other
from piiri.context import SYSTEM
from piiri.errors import NotFound, PiiriError, ValidationFailed
from services.mailing.contract.subscriptions import CONFIRMED, EXPIRED, PENDING

log = logging.getLogger(__name__)
FIELDS = ("email", "first_name", "last_name")


def public_page(method):
    """A public page: the system acts; a service away or failing shows a plain "try again later" page in
    the reader's language (503), never the staff's error page or JSON."""

    @functools.wraps(method)
    def page(self, request, *args, **kwargs):
        self.context.act_as(SYSTEM)
        try:
            return method(self, request, *args, **kwargs)
        except PiiriError as exc:
            log.warning("subscribe: %s failed: %s", request.path[:80], exc.message)
            language = public_language(request)
            return self.subscribe_render("subscribe/unavailable.html", language, 503, down=True)

    return page


def public_language(request):
    """?lang= (or the posted lang), else the language cookie or the browser's Accept-Language."""
    chosen = request.values.get("lang")
    return chosen if chosen in LANGUAGES else request_language(request)


class PublicSubscribeRoutes(GatewayCore):
    def subscribe_render(self, template, language, status=200, **context):
        return html_response(render_html(template, language, languages=LANGUAGES, **context), status)

    def subscribe_page(self, request, token, language, status=200, values=None, errors=None, notice=None):
        try:
            form = self.call("mailing", "public_subscription_form", token, language)
        except NotFound:
            return self.subscribe_render("subscribe/unavailable.html", language, 404)
        base = public_base(self.config, request)
        return self.subscribe_render(
            "subscribe/page.html",
            language,
            status,
            form=form,
            page_url=page_url(base, token),
            values=values or {},
            errors=errors or {},
            notice=notice,
            stamp=guard.stamp(self.config, token),
            honeypot=guard.HONEYPOT,
        )

    @http("GET", "/subscribe/<token>")
    @public_page
    def subscribe_form(self, request, token):
        return self.subscribe_page(request, token, public_language(request))

    @http("POST", "/subscribe/<token>")
    @public_page
    def subscribe_submit(self, request, token):
        language = public_language(request)
        values = {name: request.form.get(name, "").strip() for name in FIELDS}
        sent = see_other(f"/subscribe/{token}/sent?lang={language}")
        judged = guard.verdict(self.config, token, request.form)
        if judged == guard.BOT:
            log.info("subscribe: a bot's post to form %s answered as sent", token[:20])
            return sent
        if judged == guard.STALE:  # the embedded snippet (or an old page): check the details and send
            return self.subscribe_page(request, token, language, values=values, notice="sub.check_and_send")
        try:
            self.call(
                "mailing",
                "submit_subscription",
                token,
                {**values, "language": language},
                self.client_address(request),
                public_base(self.config, request),
            )
        except ValidationFailed as exc:
            t = Translator(language)
            errors = {name: t(f"sub.err.{name}") for name in exc.details if name in FIELDS} or {
                "email": t("sub.err.email")
            }
            return self.subscribe_page(request, token, language, 422, values, errors)
        except NotFound:
            return self.subscribe_render("subscribe/unavailable.html", language, 404)
        return sent

    @http("GET", "/subscribe/<token>/sent")
    @public_page
    def subscribe_sent(self, request, token):
        language = public_language(request)
        return self.subscribe_render("subscribe/sent.html", language, token=token)

    @http("GET", "/subscribe/<token>/confirm/<code>")
    @public_page
    def subscribe_link(self, request, token, code):
        language = public_language(request)
        answer = self.call("mailing", "subscription_link", token, code)
        return self.subscribe_state_page(language, token, code, answer)

    @http("POST", "/subscribe/<token>/confirm/<code>")
    @public_page
    def subscribe_confirm(self, request, token, code):
        language = public_language(request)
        answer = self.call("mailing", "confirm_subscription", token, code)
        return self.subscribe_state_page(language, token, code, answer)

    def subscribe_state_page(self, language, token, code, answer):
        state = answer["state"]
        status = 410 if state == EXPIRED else 200
        return self.subscribe_render(
            "subscribe/confirm.html",
            language,
            status,
            state=state,
            pending=state == PENDING,
            confirmed=state == CONFIRMED,
            answer=answer,
            token=token,
            code=code,
        )
