"""The contacts service's part of the dashboard (issue 13 item 2): one RPC, ``dashboard_figures``.

Every number is derived from personal data, so each answer is an audited read like every count
(counting.py): one ``contact.counted`` record by the caller naming what was counted and the numbers. A
scoped caller (C6) gets the figures of their scope only; erasures pending only the data protection
officer (the only ones who see that list).

Counting contacts and members passes over an index of every contact and membership (storage.py), too slow
to do on every page view at 1,000,000 contacts, so the figures of each data scope are kept in the table
``dashboard_figures`` and answered from there while they are at most MAX_AGE_SECONDS old (with the time
they were counted, which the page shows); older ones are counted again when asked, and a timer counts
again those in use before they get that old, so a page view rarely waits for a count; that timer
runs in the contacts worker (DashboardRefresh), not in the processes answering staff. Erasures pending
are counted on every call (a partial index of the few pending ones)."""

import logging
import time
from datetime import date, timedelta

from nameko.rpc import rpc
from nameko.timer import timer

from piiri import clock
from piiri.context import Actor
from piiri.errors import EXPECTED_ERRORS
from services.contacts import scopes
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_derived
from services.contacts.dashboard import storage

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
SHORT_DAYS = 30
MAX_AGE_SECONDS = 300  # figures older than this are counted again when asked
REFRESH_INTERVAL = 60  # seconds between the timer's looks at the figures in use
REFRESH_AFTER_SECONDS = 240  # the timer counts again the figures in use older than this
ASKED_WITHIN_SECONDS = 24 * 3600  # figures nobody asked for in a day are dropped, not counted again
SCOPE_PREFIX = "scope:"


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


def scope_key(actor):
    """ "all" for an actor who sees everyone, else "scope:<their scope group ids, sorted>"."""
    if not actor.scoped:
        return "all"
    return SCOPE_PREFIX + ",".join(sorted(str(group_id) for group_id in actor.scope_group_ids))


def scope_of_key(key):
    """The data scope a key names, as an actor to count for (the timer counts without a caller)."""
    if not key.startswith(SCOPE_PREFIX):
        return Actor(id="dashboard", username="dashboard", kind="system")
    groups = tuple(group_id for group_id in key[len(SCOPE_PREFIX) :].split(",") if group_id)
    return Actor(id="dashboard", username="dashboard", kind="system", scoped=True, scope_group_ids=groups)


def needs_count(row, day, now):
    """Whether a scope's kept figures (a dashboard_figures row, or None) are to be counted again by the
    timer: none, another day's, or older than REFRESH_AFTER_SECONDS."""
    return (
        row is None or row["day"] != day or (now - row["computed_at"]).total_seconds() > REFRESH_AFTER_SECONDS
    )


def count_figures(session, scope_actor, day):
    """The figures of one data scope on ``day``: contacts, members, duplicates (storage.py)."""
    days = dashboard_days(day)
    scope = scopes.scope_members(session, scope_actor, day)
    members = storage.member_counts(session, day, days["short"], days["long"], scope)
    members["joined_month"], members["left_month"] = storage.joined_and_left(
        session, days["month_start"], day, scope
    )
    return {
        "days": {name: value.isoformat() for name, value in days.items()},
        "contacts": storage.contact_counts(
            session, clock.start_of_day(days["short"]), clock.start_of_day(days["long"]), scope
        ),
        "members": members,
        "duplicates_waiting": storage.duplicates_waiting(session, scope),
    }


class DashboardRpc(ContactsCore):
    """The dashboard's figures of contacts, members, duplicates and erasures, in one audited read."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def dashboard_figures(self):
        """Contacts now and new in 30 days / 12 months; members (active in some group) now, 30 days and
        12 months ago; who joined and left this month; duplicate pairs waiting: as counted at
        ``counted_at`` (at most MAX_AGE_SECONDS ago); erasures pending (None unless the caller is the data
        protection officer), now. One ``contact.counted`` record naming the numbers."""
        actor = self.context.require("contacts.view")
        day = clock.today()
        key = scope_key(actor)
        session = self.db.session
        row = storage.cached(session, key)
        session.rollback()
        fresh = (
            row is not None
            and row["day"] == day
            and (clock.now() - row["computed_at"]).total_seconds() <= MAX_AGE_SECONDS
        )
        if fresh:
            figures, counted_at = row["figures"], row["computed_at"]
            if (clock.now() - row["asked_at"]).total_seconds() > 3600:
                with self.db.transaction() as session:
                    storage.mark_asked(session, key)
        else:
            figures, counted_at = self._count_and_keep(key, day, actor)
        erasures = storage.erasures_pending(self.db.session) if actor.can(GDPR_OFFICER) else None
        self.db.session.rollback()
        answer = {
            **figures,
            "erasures_pending": erasures,
            "scoped": actor.scoped,
            "counted_at": counted_at.isoformat(),
        }
        audit_derived(
            self.audit,
            actor,
            "dashboard",
            {
                "contacts": figures["contacts"],
                "members": figures["members"],
                "duplicates_waiting": figures["duplicates_waiting"],
                "erasures_pending": erasures,
                "on": day.isoformat(),
                "counted_at": answer["counted_at"],
            },
        )
        return answer

    def _count_and_keep(self, key, day, scope_actor):
        """Count a scope's figures now and keep them: (figures, when counted). Another instance counting
        the same scope right now holds its lock: its last figures of the day are taken if there are any,
        else they are counted here too (and not kept)."""
        with self.db.transaction() as session:
            locked = storage.try_lock(session, key)
            if not locked:
                row = storage.cached(session, key)
                if row is not None and row["day"] == day:
                    return row["figures"], row["computed_at"]
            started, counted_at = time.perf_counter(), clock.now()
            figures = count_figures(session, scope_actor, day)
            if locked:
                elapsed = round((time.perf_counter() - started) * 1000)
                counted_at = storage.store(session, key, day, figures, elapsed)
        return figures, counted_at


class DashboardRefresh(ContactsCore):
    """Counting again in the background, run by the contacts worker (services/contacts/worker.py): the
    figures people look at are counted before they get MAX_AGE_SECONDS old, away from the processes
    that answer staff. A scope's advisory lock (storage.try_lock) lets one instance count it at a time."""

    @timer(interval=REFRESH_INTERVAL)
    def dashboard_refresh_timer(self):
        """Count again, in the background, the figures people look at before they are MAX_AGE old."""
        try:
            return self.refresh_dashboard_figures()
        except Exception:
            log.exception("counting the dashboard's figures failed; the next tick tries again")
            return 0

    def refresh_dashboard_figures(self):
        """Count again the figures asked for within a day that are older than REFRESH_AFTER_SECONDS; drop
        those nobody asked for. Returns how many scopes were counted."""
        session = self.db.session
        keys = storage.stale_keys(session, REFRESH_AFTER_SECONDS, ASKED_WITHIN_SECONDS)
        session.rollback()
        day = clock.today()
        counted = sum(1 for key in keys if self._refresh(key, day))
        with self.db.transaction() as session:
            storage.forget_unasked(session, ASKED_WITHIN_SECONDS)
        return counted

    def _refresh(self, key, day):
        """Count a scope's figures again unless another instance is counting them now or has counted them
        since this one listed the stale keys (every contacts worker runs the timer: each scope is
        counted once a round, not once per instance). Whether it counted."""
        with self.db.transaction() as session:
            if not storage.try_lock(session, key) or not needs_count(
                storage.cached(session, key), day, clock.now()
            ):
                return False
            started = time.perf_counter()
            figures = count_figures(session, scope_of_key(key), day)
            storage.store(session, key, day, figures, round((time.perf_counter() - started) * 1000))
        return True
