"""Deleting billing records past the Accounting Act's retention time (B4 "GDPR and bookkeeping"), a billing
feature (BillingCore): a daily timer (one instance at a time: an advisory lock) deletes what rules.py and
storage.py say may go, in batches, each batch one transaction with its audit record naming the people
whose invoices went; ``retention_status`` tells staff what is past retention now and when the timer last
deleted (counts only)."""

import logging

from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import text

from piiri import clock
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.retention import rules, storage

log = logging.getLogger(__name__)

RETENTION_INTERVAL = 3600  # seconds between looks; the work happens once a day at most (the cutoff is a day)
LOCK = "SELECT pg_try_advisory_xact_lock(hashtext('piiri.billing.retention'))"


class RetentionRpc(BillingCore):
    def _cutoff(self):
        return rules.cutoff(clock.today(), self.settings.retention_years, self.settings.financial_year_end)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def retention_status(self):
        """{"years", "financial_year_end", "cutoff", "invoices", "unmatched_payments"}: what the retention
        rule lets go today (counts, no personal data: not audited)."""
        self.context.require(PERMISSION)
        cutoff = self._cutoff()
        counts = storage.past_retention(self.db.session, cutoff)
        self.db.session.rollback()
        month, day = self.settings.financial_year_end
        return {
            "years": self.settings.retention_years,
            "financial_year_end": f"{month:02d}-{day:02d}",
            "cutoff": cutoff.isoformat(),
            **counts,
        }

    @timer(interval=RETENTION_INTERVAL)
    def retention_timer(self):
        try:
            return self.delete_past_retention()
        except Exception:
            log.exception("billing: deleting records past retention failed; the next look tries again")
            return None

    def delete_past_retention(self):
        """Delete every record past retention, batch by batch; the totals (None if another instance holds
        the lock)."""
        self.context.act_as(SYSTEM)
        cutoff = self._cutoff()
        totals: dict[str, int] = {}
        while True:
            with self.db.transaction() as session:
                if not session.execute(text(LOCK)).scalar():
                    return None
                counts, people = storage.delete_batch(session, cutoff)
                if not counts["invoices"]:
                    counts.update(storage.delete_leftovers(session, cutoff))
                if any(counts.values()):
                    self.audit.write(
                        self.outbox,
                        session,
                        SYSTEM,
                        "invoice.retention_deleted",
                        "contact",
                        [str(key) for key in people],
                        (),
                        {"cutoff": cutoff.isoformat(), **counts},
                    )
            self.outbox.flush()
            for name, value in counts.items():
                totals[name] = totals.get(name, 0) + value
            if not counts["invoices"]:
                return totals
