"""The contacts service's part of the dashboard (issue 13 item 2): one RPC, ``dashboard_figures``.

Every number is derived from personal data, so the answer is an audited read like every count
(counting.py): one ``contact.counted`` record by the caller naming what was counted and the numbers. A
scoped caller (C6) gets the figures of their scope only; erasures pending only for the data protection
officer (the only ones who see that list)."""

from datetime import date, timedelta

from nameko.rpc import rpc

from piiri import clock
from piiri.errors import EXPECTED_ERRORS
from services.contacts import scopes
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_derived
from services.contacts.dashboard import storage

GDPR_OFFICER = "gdpr.officer"
SHORT_DAYS = 30


def year_before(day):
    """The same day a year earlier (29 February: the 28th)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return date(day.year - 1, day.month, 28)


def dashboard_days(today):
    """{today, short (30 days ago), long (a year ago), month_start} for the figures and their links."""
    return {
        "today": today,
        "short": today - timedelta(days=SHORT_DAYS),
        "long": year_before(today),
        "month_start": today.replace(day=1),
    }


class DashboardRpc(ContactsCore):
    """The dashboard's figures of contacts, members, duplicates and erasures, in one audited read."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def dashboard_figures(self):
        """Contacts now and new in 30 days / 12 months; members (active in some group) now, 30 days and
        12 months ago; who joined and left this month; duplicate pairs waiting; erasures pending (None
        unless the caller is the data protection officer). One ``contact.counted`` record."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        days = dashboard_days(clock.today())
        scope = scopes.scope_members(session, actor, days["today"])
        contacts = storage.contact_counts(
            session, clock.start_of_day(days["short"]), clock.start_of_day(days["long"]), scope
        )
        members = storage.member_counts(session, days["today"], days["short"], days["long"], scope)
        members["joined_month"], members["left_month"] = storage.joined_and_left(
            session, days["month_start"], days["today"], scope
        )
        duplicates = storage.duplicates_waiting(session, scope)
        erasures = storage.erasures_pending(session) if actor.can(GDPR_OFFICER) else None
        session.rollback()
        figures = {
            "days": {name: day.isoformat() for name, day in days.items()},
            "contacts": contacts,
            "members": members,
            "duplicates_waiting": duplicates,
            "erasures_pending": erasures,
            "scoped": actor.scoped,
        }
        audit_derived(
            self.audit,
            actor,
            "dashboard",
            {
                "contacts": contacts,
                "members": members,
                "duplicates_waiting": duplicates,
                "erasures_pending": erasures,
                "on": days["today"].isoformat(),
            },
        )
        return figures
