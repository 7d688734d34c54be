"""BillingWorker (B1, B4): a separate Nameko service that runs invoice runs and reminder runs, one of each
at a time per worker.

It consumes the durable run queue (runs/queue.py; prefetch 1, acknowledged when the run has finished) and
pages the selection through contacts.payer_page acting as the run's actor (their data scope applies and
every page is audited as theirs). Each page's invoices are committed with the run's cursor, so a run
whose worker died (running, heartbeat older than BILLING_RUN_STALE_SECONDS) is queued again by a timer
and resumed where it stopped. An e-invoice run then sends its e-invoices through the operator
(einvoice/sending.py; a resumed run sends those not sent yet). Operations scale runs by running more
`piiri run --services billing_worker`.

B2: each page of a run queues its invoices' PDFs and a message on the PDF queue; every worker consumes
that queue (one message at a time, beside its run) and makes the run's pending PDFs in batches
(invoice_pdfs/making.py), so two workers share one run's PDFs. A timer queues again the runs whose PDFs
have waited longer than BILLING_RUN_STALE_SECONDS (a lost message, or PDFs emptied by erasure).
"""

import logging

import eventlet
from kombu.exceptions import OperationalError as BrokerUnavailable
from nameko.dependency_providers import Config
from nameko.timer import timer

from piiri.audit import AuditTrail
from piiri.context import ActAs, Actor
from piiri.db import Database
from piiri.dead_letters import Unprocessable
from piiri.errors import PiiriError, ServiceUnavailable
from piiri.outbox import Outbox
from piiri.rpc import RpcProxy
from services.billing import models
from services.billing.core import Settings
from services.billing.einvoice import sending
from services.billing.fee_types import storage as fee_storage
from services.billing.invoice_pdfs import making
from services.billing.invoice_pdfs import storage as pdf_storage
from services.billing.invoices.rules import BadInvoice
from services.billing.invoices.storage import parse_id
from services.billing.invoices.views import PERSONAL_FIELDS
from services.billing.reminders import rules as reminder_rules
from services.billing.reminders import running as reminder_running
from services.billing.reminders import storage as reminder_storage
from services.billing.reminders import views as reminder_views
from services.billing.runs import running, storage
from services.billing.runs.queue import (
    OUTBOX_CHANNELS,
    REMINDER_RUN_QUEUE,
    RUN_PDF_QUEUE,
    RUN_QUEUE,
    consume_runs,
    queue_reminder_run,
    queue_run,
    queue_run_pdfs,
)

log = logging.getLogger(__name__)
RECOVERY_INTERVAL = 10
PDF_RECOVERY_INTERVAL = 60


class MailingAway(Exception):
    """The mailing service did not answer whether a payer's address bounced (B4): the run waits."""


class BillingWorker:
    name = "billing_worker"

    db = Database("billing")
    config = Config()
    settings = Settings()
    contacts = RpcProxy("contacts", timeout_key="BILLING_RPC_TIMEOUT", default=120)
    mailing = RpcProxy("mailing")  # B4: bounce flags of the payers a reminder would be e-mailed to
    act_as = ActAs()
    audit = AuditTrail("billing")
    outbox = Outbox("billing", models.outbox, channels=OUTBOX_CHANNELS)

    @consume_runs(RUN_QUEUE)
    def run_invoices(self, body):
        run_id = parse_id((body or {}).get("run_id") if isinstance(body, dict) else None)
        if run_id is None:
            raise Unprocessable(f"an invoice run message without a run id: {body!r}"[:500])
        with self.db.transaction() as session:
            run = storage.claim(session, run_id, self.settings.stale_seconds)
        if run is None:
            return  # done, failed, or running in a live worker
        self.act_as(run["actor"], f"billing-run-{run_id}")
        fee_type = fee_storage.get(self.db.session, run["fee_type_id"])
        self.db.session.rollback()
        try:
            running.run(
                self.db,
                self.settings,
                run,
                fee_type,
                self._fetch(run),
                beat=self.outbox.flush,
                on_page=lambda session: queue_run_pdfs(self.outbox, session, run_id),
            )
            if run["delivery"] == "einvoice":  # B3: the e-invoices go to the operator once made
                actor = Actor.from_header(run["actor"])
                sending.send_run(self.db, self.audit, actor, self.settings, self.config, run_id)
        except BadInvoice as exc:
            self._fail(run_id, exc.code)
        except PiiriError as exc:  # e.g. the group was removed: the contacts service's message
            self._fail(run_id, exc.message)
        except BrokerUnavailable:
            log.warning("billing: run %s lost the broker; it resumes once its heartbeat is stale", run_id)
        except Exception:
            log.exception("billing: run %s failed", run_id)
            self._fail(run_id, "billing.run_failed_unexpectedly")

    @consume_runs(RUN_PDF_QUEUE)
    def make_run_pdfs(self, body):
        """B2: make the run's pending PDFs, batch by batch, until none is left. With more than a batch
        pending it first queues the run's message again, so an idle worker joins in (each message does
        this at most once, so the chain ends when a batch or less is left)."""
        run_id = parse_id((body or {}).get("run_id") if isinstance(body, dict) else None)
        if run_id is None:
            raise Unprocessable(f"a run PDF message without a run id: {body!r}"[:500])
        with self.db.transaction() as session:  # more than a batch to make: call another worker in
            if pdf_storage.more_pending_than(session, run_id, making.BATCH):
                queue_run_pdfs(self.outbox, session, run_id)
        self.outbox.flush()
        try:
            count = making.make_run(self.db, self.settings, run_id, pause=lambda: eventlet.sleep(0))
        except Exception:  # the rows stay pending: the recovery timer queues the run again
            log.exception("billing: the PDFs of run %s stopped", run_id)
            return
        if count:
            log.info("billing: run %s: %d PDFs made", run_id, count)

    @timer(interval=PDF_RECOVERY_INTERVAL)
    def requeue_pending_pdfs(self):
        """Queue again the runs whose PDFs have been pending longer than the stale time."""
        with self.db.transaction() as session:
            stale = pdf_storage.stale_runs(session, self.settings.stale_seconds)
            for run_id in stale:
                queue_run_pdfs(self.outbox, session, run_id)
        if stale:
            self.outbox.flush()
            log.info("billing: re-queued the PDFs of %d invoice runs", len(stale))

    def _fetch(self, run):
        def fetch(cursor):
            return self.contacts.payer_page(run["selection"], cursor, running.PAGE)

        return fetch

    def _fail(self, run_id, code):
        with self.db.transaction() as session:
            storage.finish(session, run_id, "failed", code)

    @consume_runs(REMINDER_RUN_QUEUE)
    def run_reminders(self, body):
        """B4: a reminder run, resumed after its cursor when a worker died (reminders/running.py)."""
        run_id = parse_id((body or {}).get("run_id") if isinstance(body, dict) else None)
        if run_id is None:
            raise Unprocessable(f"a reminder run message without a run id: {body!r}"[:500])
        with self.db.transaction() as session:
            run = reminder_storage.claim(session, run_id, self.settings.stale_seconds)
        if run is None:
            return
        self.act_as(run["actor"], f"billing-reminder-run-{run_id}")
        try:
            context = {
                "config": self.config,
                "actor": Actor.from_header(run["actor"]),
                "bounced": self._bounced,
                "email_queued": self._email_queued(Actor.from_header(run["actor"])),
                # B4: a reminder e-invoice discloses the payer's data to the operator: audited first
                "einvoice_disclosed": reminder_running.einvoice_disclosure(
                    self.audit, Actor.from_header(run["actor"])
                ),
            }
            reminder_running.run(self.db, self.settings, run, self._fetch_payers, context, self._beat(run_id))
        except reminder_rules.MissingRate:
            self._fail_reminders(run_id, "billing.reminder_run_rate_missing")
        except MailingAway:  # its reminders stay pending: the resumed run delivers them
            log.warning(
                "billing: reminder run %s waits for the mailing service; it resumes once stale", run_id
            )
        except PiiriError as exc:
            self._fail_reminders(run_id, exc.message)
        except BrokerUnavailable:
            log.warning("billing: reminder run %s lost the broker; it resumes once stale", run_id)
        except Exception:
            log.exception("billing: reminder run %s failed", run_id)
            self._fail_reminders(run_id, "billing.run_failed_unexpectedly")

    def _fetch_payers(self, ids):
        page = self.contacts.payer_page({"kind": "ids", "ids": ids}, None, 1000)
        return {row["id"]: row for row in page["items"]}

    def _bounced(self, ids):
        """B4: the contacts among ``ids`` whose address bounced (the mailing service's flag, M5)."""
        try:
            found = self.mailing.flags_of(ids)
        except ServiceUnavailable:
            raise MailingAway() from None
        return {key for key, flags in found.items() if any(flag["kind"] == "bounced" for flag in flags)}

    def _email_queued(self, actor):
        def queued(session, invoice):
            self.audit.write(
                self.outbox,
                session,
                actor,
                "reminder.email_queued",
                "contact",
                reminder_views.subjects([invoice]),
                PERSONAL_FIELDS,
                {"number": invoice["number"]},
            )

        return queued

    def _beat(self, run_id):
        def beat():
            with self.db.transaction() as session:
                reminder_storage.beat(session, run_id)

        return beat

    def _fail_reminders(self, run_id, code):
        with self.db.transaction() as session:
            reminder_storage.finish(session, run_id, "failed", code)

    @timer(interval=RECOVERY_INTERVAL)
    def requeue_stale_reminder_runs(self):
        with self.db.transaction() as session:
            stale = reminder_storage.stale_runs(session, self.settings.stale_seconds)
            for run_id in stale:
                queue_reminder_run(self.outbox, session, run_id)
        if stale:
            self.outbox.flush()
            log.info("billing: re-queued %d stale reminder runs", len(stale))

    @timer(interval=RECOVERY_INTERVAL)
    def requeue_stale_runs(self):
        """Queue again the runs whose worker stopped beating; the next worker resumes them."""
        with self.db.transaction() as session:
            stale = storage.stale_runs(session, self.settings.stale_seconds)
            for run_id in stale:
                queue_run(self.outbox, session, run_id)
        if stale:
            self.outbox.flush()
            log.info("billing: re-queued %d stale invoice runs", len(stale))
