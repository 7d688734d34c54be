"""The public addresses of a list's form (M3): the hosted page (also the share link for social media)
and the embeddable snippet, a plain HTML form that posts to the hosted page (no script needed).

The base is ``PUBLIC_URL`` (the address people reach Piiri at, e.g. https://piiri.example.org);
without it, the address of the request (good for development; set PUBLIC_URL behind a proxy, so that a
forged Host header can never put another site into a confirmation mail)."""

from markupsafe import escape

from gateway.subscribe.guard import HONEYPOT
from gateway.web_helpers import language_of


def public_base(config, request):
    configured = str(config.get("PUBLIC_URL") or "").strip()
    return (configured or request.host_url).rstrip("/")


def with_addresses(config, request, form):
    """A list's form as staff get it (the API and the card on the list's page): the mailing service's
    SubscriptionForm with its hosted page's ``url`` (the share link) and the ``snippet`` to embed."""
    base = public_base(config, request)
    return {
        **form,
        "url": page_url(base, form["token"]),
        "snippet": snippet(base, form["token"], language_of(request)),
    }


def page_url(base, token, language=None):
    return f"{base}/subscribe/{token}" + (f"?lang={language}" if language else "")


SNIPPET_WORDS = {
    "fi": ("Sähköposti", "Etunimi", "Sukunimi", "Tilaa"),
    "sv": ("E-post", "Förnamn", "Efternamn", "Prenumerera"),
    "en": ("E-mail", "First name", "Last name", "Subscribe"),
}


def snippet(base, token, language="fi"):
    """The HTML to paste into a web page: the form's fields, the honeypot hidden from people (inline
    style: the host page has no Piiri stylesheet), posting to the hosted page, which checks it."""
    email, first, last, send = SNIPPET_WORDS.get(language, SNIPPET_WORDS["fi"])
    action = escape(page_url(base, token))
    return (
        f'<form method="post" action="{action}" accept-charset="utf-8">\n'
        f'  <input type="hidden" name="lang" value="{language}">\n'
        f"  <p><label>{email} *<br>"
        '<input type="email" name="email" required autocomplete="email"></label></p>\n'
        f"  <p><label>{first}<br>"
        '<input type="text" name="first_name" autocomplete="given-name"></label></p>\n'
        f'  <p><label>{last}<br><input type="text" name="last_name" autocomplete="family-name"></label></p>\n'
        f'  <p style="position:absolute;left:-10000px" aria-hidden="true"><label>Website '
        f'<input type="text" name="{HONEYPOT}" tabindex="-1" autocomplete="off"></label></p>\n'
        f'  <p><button type="submit">{send}</button></p>\n'
        "</form>"
    )
