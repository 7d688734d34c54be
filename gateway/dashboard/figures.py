"""The dashboard's figures: which cards a user gets (by the permission of the list behind each) and one
RPC per card, all at once with a short deadline each; a card whose service fails or is slow says so
and the others are shown (issue 13 item 2)."""

import eventlet

from gateway.core import GatewayCore
from gateway.roles import AUDIT_VIEW, EXPORT, GDPR_OFFICER, IMPORT, VIEW
from piiri.errors import PiiriError

CARD_TIMEOUT = (
    5.0  # seconds (config DASHBOARD_CARD_TIMEOUT): a card that takes longer is shown as unavailable
)
RECENT_CHANGES = 5

# card -> (the permission of the list behind it, service, method, keyword arguments)
CARDS = {
    "contacts": (VIEW, "contacts", "dashboard_figures", {}),
    "imports": (IMPORT, "imports", "dashboard_figures", {}),
    "exports": (EXPORT, "exports", "dashboard_figures", {}),
    "changes": (AUDIT_VIEW, "audit", "my_recent_changes", {"limit": RECENT_CHANGES}),
    "birthdays": (VIEW, "contacts", "upcoming_birthdays", {}),
}


def cards_for(principal):
    """The cards this user may see: the permission of the list behind each; "my changes" not for a
    scoped user (the audit log beyond a contact's own trail is not theirs, services/audit/service.py)."""
    cards = [name for name, (permission, *_) in CARDS.items() if principal.can(permission)]
    if principal.access.scoped:
        cards = [name for name in cards if name != "changes"]
    return cards


class DashboardFigures(GatewayCore):
    def dashboard_figures(self, principal):
        """{card: its service's answer, or None when it failed or was too slow} for the user's cards."""

        timeout = float(self.config.get("DASHBOARD_CARD_TIMEOUT", CARD_TIMEOUT))

        def ask(card):
            _, service, method, kwargs = CARDS[card]
            try:
                return card, self.call(service, method, timeout=timeout, **kwargs)
            except PiiriError:
                return card, None

        return dict(eventlet.GreenPool().imap(ask, cards_for(principal)))

    @staticmethod
    def erasures_visible(principal):
        return principal.can(GDPR_OFFICER)
