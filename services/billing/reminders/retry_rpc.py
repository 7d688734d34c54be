"""Reminder e-invoices tried again (B4), a billing feature (BillingCore): every RETRY_INTERVAL seconds the
tries that are due (retrying.py: the operator was away when the reminder run delivered it; the wait
doubles from try to try), and the same on demand (``retry_reminder_einvoices``, staff or tests). Each try
discloses the payer's data to the operator again: audited (``reminder.einvoice_sent``) before the message
leaves, as the system for the timer's tries, as the user for theirs."""

import logging

from nameko.rpc import rpc
from nameko.timer import timer

from piiri import clock
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS
from services.billing.contract import PERMISSION
from services.billing.core import BillingCore
from services.billing.einvoice import client
from services.billing.reminders import delivery, retrying, running

log = logging.getLogger(__name__)

RETRY_INTERVAL = 30  # seconds between looks for reminder e-invoices due for another try


class ReminderRetriesRpc(BillingCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def retry_reminder_einvoices(self):
        """Try now every reminder e-invoice whose next try is due: {"sent", "failed", "given_up"}."""
        actor = self.context.require(PERMISSION)
        return self._retry(actor)

    @timer(interval=RETRY_INTERVAL)
    def retry_reminder_einvoices_due(self):
        if client.OperatorClient.from_config(self.config) is None:
            return
        self.context.act_as(SYSTEM)
        counts = self._retry(SYSTEM)
        if any(counts.values()):
            log.info("billing: reminder e-invoices tried again: %s", counts)

    def _retry(self, actor):
        settings, config, audit = self.settings, self.config, self.audit

        disclosed = running.einvoice_disclosure(audit, actor, retry=True)

        def attempt(session, reminder, invoice):
            return delivery.deliver(  # the disclosure audited before the data leaves (einvoice_channel)
                running.made(
                    reminder, invoice, settings, {"config": config, "einvoice_disclosed": disclosed}
                ),
                running.payer_of(reminder, invoice),
                {"config": config, "session": session, "actor": actor},
            )

        return retrying.retry_due(self.db, settings.reminders, clock.now(), attempt)
