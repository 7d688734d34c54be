"""The bounce and unsubscribe warning on every page that lists or shows contacts (M5 "flags everywhere").

``mailing_flags_lookup`` is a template extra (gateway/areas.py): it gives every page
``mailing_flags_of(contact_ids)``, which a page calls once with the ids it shows and passes each contact's
flags to the shared macro ``mailing_flags`` (templates/_list.html). One RPC per page (the mailing
service's ``flags_of``, an audited read; the contact page's own flags come with its campaigns in one call,
contact_web.py); {} for a user without contacts.view, for no ids, or when the
mailing service does not answer within FLAGS_TIMEOUT seconds or fails: the page then renders without the
warnings, never fails because of them.
"""

import logging

from gateway.roles import VIEW
from piiri.errors import PiiriError
from services.mailing.contract import FLAGS_OF_MAX

FLAGS_TIMEOUT = 2.0  # seconds: a list page does not wait for the mailing service longer

log = logging.getLogger(__name__)


def mailing_flags_lookup(gateway, request, principal):
    """``mailing_flags_of(contact_ids)`` -> {contact id: [{kind, since, list_id}]} for the page (M5). The
    page's answers are kept: asked again, only ids not yet asked go to the mailing service."""
    found: dict = {}
    asked: set = set()

    def mailing_flags_of(contact_ids):
        ids = list(dict.fromkeys(str(value) for value in contact_ids if value))[:FLAGS_OF_MAX]
        if principal is None or not principal.can(VIEW) or not ids:
            return {}
        new = [value for value in ids if value not in asked]
        if new:
            asked.update(new)
            try:
                found.update(gateway.call("mailing", "flags_of", new, timeout=FLAGS_TIMEOUT) or {})
            except PiiriError as exc:  # not answering, not running, or failing: the page goes on without
                log.warning("mailing flags not shown: %s", exc.message)
        return {value: found[value] for value in ids if value in found}

    return {"mailing_flags_of": mailing_flags_of}
