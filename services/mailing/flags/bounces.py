"""The bounce policy (M5) applied to a campaign's report: each recipient whose address bounced is noted on
the campaign's ledger once, and flagged ``bounced`` by flags/rules.py: a hard bounce at once, soft bounces
when the contact has soft bounced in MAILING_SOFT_BOUNCE_LIMIT campaigns. A new flag is a change of
personal data, audited through the outbox (as the webhook's flags are). Called in the report's
transaction by the page's "refresh report" and by the worker's scheduled report pull."""

from piiri.context import SYSTEM
from services.mailing.flags import rules, storage


def apply_bounces(session, audit, outbox, campaign_id, bounces, limit):
    """Note ``bounces`` ([(e-mail, "hard" | "soft", when)]) and flag whom the policy says; the number of
    contacts newly flagged."""
    flagged = 0
    for contact_id, list_id, email, kind, when in storage.mark_bounces(session, campaign_id, bounces):
        soft = storage.soft_bounces(session, contact_id) if kind == rules.SOFT else 0
        if not rules.bounce_flags(kind, soft, limit):
            continue
        if storage.set_flag(session, contact_id, "bounced", email, list_id, "report", when):
            audit.write(
                outbox,
                session,
                SYSTEM,
                "mailing.contact_bounced",
                "contact",
                [contact_id],
                fields=["mailing_flags"],
                details={"campaign_id": str(campaign_id), "source": "report", "bounce": kind},
            )
            flagged += 1
    return flagged
