"""MailingWorker (M1): a separate Nameko service, ``piiri run --services mailing_worker``, scaled by count
on its own, that runs the syncs of mailing lists to Campaign Monitor one at a time per worker.

It consumes the durable run queue (sync/queue.py; prefetch 1, acknowledged when the run has finished) and
reads the audience through contacts.mailing_audience acting as the list's actor, so the actor's data scope
applies and every page is audited as theirs. A run is claimed with one conditional UPDATE (a message
delivered twice runs once); a run whose worker died (heartbeat older than MAILING_STALE_SECONDS) is queued
again by a timer and resumes from its saved position; a run that failed because Campaign Monitor was down
is tried again after MAILING_RETRY_SECONDS, at most MAILING_MAX_ATTEMPTS times.

It also sends the transactional mails (B3, transactional/sending.py): every MAIL_INTERVAL seconds it
claims the due ones, MAILING_SMTP_CONNECTIONS batches at a time sent side by side, until none is due
(several workers share the queue: each mail is claimed with SKIP LOCKED and leased); documents attached by
reference are rendered by the service that owns them (``billing.mail_document``).

And it sends campaigns (M1, campaigns/sending.py): once the syncs of a campaign's lists are done it
freezes the recipient ledger and asks Campaign Monitor to send, now or at the scheduled time; and it
pulls their reports from Campaign Monitor on a schedule (M4).
"""

import logging
import time
from datetime import timedelta

from kombu.exceptions import OperationalError as BrokerUnavailable
from nameko.dependency_providers import Config
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from piiri.audit import AuditTrail
from piiri.context import ActAs, Actor
from piiri.db import Database
from piiri.dead_letters import Unprocessable
from piiri.errors import PiiriError
from piiri.outbox import Outbox
from piiri.rpc import RpcProxy
from services.mailing import campaign_monitor, models
from services.mailing.campaigns.sending import Dispatcher
from services.mailing.contract import errors
from services.mailing.lists import storage as lists_storage
from services.mailing.sync import running, storage
from services.mailing.sync.queue import JOB_QUEUE, OUTBOX_CHANNELS, consume_jobs, queue_run
from services.mailing.transactional.sending import Sender

log = logging.getLogger(__name__)

DEFAULT_STALE_SECONDS = 120
RECOVERY_INTERVAL = 5
MAIL_INTERVAL = 1.0
CAMPAIGN_INTERVAL = 1.0
REPORT_INTERVAL = 60
MAIL_ROUNDS = 50  # batches per tick at most, so that a long queue does not hold the timer for ever


class Kit:
    """What a SyncRunner needs, gathered from the worker's dependencies and settings."""

    def __init__(self, worker, mailing_list, reconcile_since):
        config = worker.config
        self.db = worker.db
        self.account = campaign_monitor.configure(config)
        self.audit = worker.audit
        self.outbox = worker.outbox
        self.actor = Actor.from_header(mailing_list["actor"])
        self.webhook_base = config.get("MAILING_WEBHOOK_BASE_URL") or None
        self.retries = int(config.get("MAILING_CM_RETRIES", 5))
        self.backoff_first = float(config.get("MAILING_CM_BACKOFF", 0.5))
        # contacts per audience page, so at most per import call (Campaign Monitor takes 1,000)
        self.page = min(max(int(config.get("MAILING_SYNC_PAGE", running.PAGE)), 1), running.PAGE)
        self.reconcile_since = reconcile_since
        contacts = worker.contacts

        def audience(selection, purpose, fields, cursor, limit, only_ids):
            return audience_ahead(selection, purpose, fields, cursor, limit, only_ids).result()

        def audience_ahead(selection, purpose, fields, cursor, limit, only_ids):
            """The page asked for now, its answer read later (``.result()``): the next page is read while
            this one is imported."""
            return contacts.mailing_audience.call_async(
                selection, purpose, fields, cursor, limit, None, only_ids, str(mailing_list["id"])
            )

        self.audience = audience
        self.audience_ahead = audience_ahead


class ReportSchedule(DependencyProvider):
    """When this worker next looks for campaign reports that are due (M4): its container's own clock, set
    at start (a class attribute would be shared by every worker container of the process)."""

    def setup(self):
        self.next_check = 0.0  # time.monotonic()

    def get_dependency(self, worker_ctx):
        return self


class MailingWorker:
    name = "mailing_worker"
    report_schedule = ReportSchedule()

    db = Database("mailing")
    config = Config()
    audit = AuditTrail("mailing")
    contacts = RpcProxy("contacts", timeout_key="MAILING_RPC_TIMEOUT", default=120)
    billing = RpcProxy("billing")  # documents of transactional mails (mail_document), within RPC_TIMEOUT
    act_as = ActAs()
    outbox = Outbox("mailing", models.outbox, channels=OUTBOX_CHANNELS)

    def _stale_seconds(self):
        return int(self.config.get("MAILING_STALE_SECONDS", DEFAULT_STALE_SECONDS))

    @consume_jobs(JOB_QUEUE)
    def run_sync(self, body):
        """Run the sync named by the message, unless another worker has it or it is finished or gone."""
        run_id = lists_storage.parse_id((body or {}).get("run_id") if isinstance(body, dict) else None)
        if run_id is None:
            raise Unprocessable(f"a mailing sync message without a run id: {body!r}"[:500])
        with self.db.transaction() as session:
            run = storage.claim(session, run_id, self._stale_seconds())
            mailing_list = lists_storage.get_list(session, run["list_id"]) if run else None
            last = storage.runs_of(session, run["list_id"], 5) if run else []
        if run is None:
            return
        if mailing_list is None or mailing_list["archived_at"] is not None:
            self._fail(run_id, errors.LIST_ARCHIVED, {})
            return
        self.act_as(mailing_list["actor"], f"mailing-sync-{run_id}")
        try:
            runner = running.SyncRunner(self._kit(mailing_list, last, run), mailing_list, run)
            runner.incremental() if run["kind"] == "incremental" else runner.full()
            with self.db.transaction() as session:
                storage.finish(session, run_id, runner.counts)
        except running.RunGone:
            log.info("mailing: the list of sync %s was archived while it ran", run_id)
        except PiiriError as exc:
            self._fail(
                run_id, exc.message, dict(exc.details), getattr(locals().get("runner"), "counts", None)
            )
        except BrokerUnavailable:
            log.warning("mailing: sync %s lost the broker; it runs again once its heartbeat is stale", run_id)
        except Exception:
            log.exception("mailing: sync %s failed", run_id)
            self._fail(run_id, errors.SYNC_FAILED, {}, getattr(locals().get("runner"), "counts", None))

    def _kit(self, mailing_list, last_runs, run):
        done = [
            item
            for item in last_runs
            if item["status"] == "done" and item["kind"] == "full" and item["id"] != run["id"]
        ]
        since = (done[0]["started_at"] - timedelta(days=1)).strftime("%Y-%m-%d") if done else ""
        return Kit(self, mailing_list, since)

    @timer(interval=RECOVERY_INTERVAL)
    def recover_runs(self):
        """Queue again the running runs whose worker stopped beating, and the runs that failed because
        Campaign Monitor was down (after MAILING_RETRY_SECONDS, at most MAILING_MAX_ATTEMPTS tries)."""
        wait = int(self.config.get("MAILING_RETRY_SECONDS", 60))
        attempts = int(self.config.get("MAILING_MAX_ATTEMPTS", 5))
        with self.db.transaction() as session:
            again = storage.stale_runs(session, self._stale_seconds())
            again += storage.retryable_failed_runs(session, errors.CM_UNAVAILABLE, attempts, wait)
            for run_id in again:
                log.warning("mailing: sync %s is queued again", run_id)
                storage.requeue(session, run_id)
                queue_run(self.outbox, session, run_id)
        if again:
            self.outbox.flush()

    @timer(interval=MAIL_INTERVAL)
    def send_mails(self):
        """Send the transactional mails that are due (B3)."""
        sender = Sender(self)
        try:
            for _ in range(MAIL_ROUNDS):
                if not sender.round():
                    return
        finally:
            sender.close()

    @timer(interval=CAMPAIGN_INTERVAL)
    def advance_campaigns(self):
        """Move campaigns on: synced -> sent through Campaign Monitor, scheduled -> sent (M1); every
        MAILING_REPORT_CHECK_SECONDS, pull the reports that are due (M4)."""
        dispatcher = Dispatcher(self)
        dispatcher.tick()
        now = time.monotonic()
        if now >= self.report_schedule.next_check:
            self.report_schedule.next_check = now + float(
                self.config.get("MAILING_REPORT_CHECK_SECONDS", REPORT_INTERVAL)
            )
            dispatcher.refresh_reports()

    def _fail(self, run_id, code, details, counts=None):
        with self.db.transaction() as session:
            if storage.get_run(session, run_id) is not None:
                storage.fail(session, run_id, code, details, counts)
