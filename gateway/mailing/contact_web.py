"""The contact page's mailing in one round trip (M4, M5): the bounce and unsubscribe warning beside the
e-mail (contacts/templates/contact.html) and the Postitukset card of the campaigns sent to the person
(mailing/_contact_section.html) both come from ``mailing_of_contact(contact_id)``, a template extra
(gateway/areas.py) that asks the mailing service's ``contact_mailing`` once per page (both reads audited
there, as flags_of and contact_campaigns audit them). The flags are for a user with contacts.view, the
campaigns for one with mail.send (None otherwise: no card). When the mailing service does not answer within
FLAGS_TIMEOUT seconds or fails, the page renders without either, never fails because of them."""

import logging

from gateway.mailing.flags_web import FLAGS_TIMEOUT
from gateway.roles import MAIL_SEND, VIEW
from piiri.errors import PiiriError

NOTHING = {"flags": [], "campaigns": None}

log = logging.getLogger(__name__)


def mailing_contact_lookup(gateway, request, principal):
    """``mailing_of_contact(contact_id)`` -> {"flags": [{kind, since, list_id}], "campaigns": [...] or None}
    (each contact asked once per page)."""
    asked = {}

    def mailing_of_contact(contact_id):
        key = str(contact_id)
        if key not in asked:
            asked[key] = ask(key)
        return asked[key]

    def ask(contact_id):
        sees_flags = principal is not None and principal.can(VIEW)
        if not contact_id or not (sees_flags or (principal is not None and principal.can(MAIL_SEND))):
            return NOTHING
        try:
            found = gateway.call("mailing", "contact_mailing", contact_id, timeout=FLAGS_TIMEOUT)
        except PiiriError as exc:  # not answering, not running, or failing: the page goes on without
            log.warning("the contact's mailing not shown: %s", exc.message)
            return NOTHING
        return {"flags": found["flags"] if sees_flags else [], "campaigns": found["campaigns"]}

    return {"mailing_of_contact": mailing_of_contact}
