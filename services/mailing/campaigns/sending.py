"""Moving campaigns on, in a mailing worker (M1): a timer calls ``Dispatcher.tick``.

* ``syncing``: waits for the sync runs of its lists; a run that failed for good (not Campaign Monitor being
  down, which the workers retry) fails the campaign with the run's error. All done: the campaign's draft
  is made at Campaign Monitor (if a test send did not make it already), then
* ``dispatching``: for a send now, the recipient ledger is frozen (the active members of its lists as just
  synced, each address once, as Campaign Monitor sends them) in the transaction that holds the campaign's
  row lock and marks it sent, around the call that asks Campaign Monitor to send; a scheduled one is handed
  over with its SendDate and becomes ``scheduled``;
* ``scheduled`` whose time has come: the ledger is frozen then and it is ``sent``.

M4: ``refresh_reports`` (its own timer) pulls the report of each campaign sent in the last
MAILING_REPORT_DAYS days again when it is older than MAILING_REPORT_SECONDS (the page's button pulls it at
once); Campaign Monitor down: tried at the next turn. M5: the report's bounces flag their contacts by the
bounce policy (flags/bounces.py).

Campaign Monitor down, 429 or 5xx: the campaign keeps its state with the error noted and is tried again
after MAILING_CAMPAIGN_RETRY_SECONDS. A retry never sends twice: the ledger is frozen once, and Campaign
Monitor answers a second send with code 331 (already sent), which counts as done. Two workers do not
dispatch one campaign at once (the row lock, skip locked).
"""

import logging

from sqlalchemy import func

from piiri.context import Actor
from piiri.errors import PiiriError
from services.mailing import campaign_monitor
from services.mailing.campaign_monitor import CampaignMonitorDown
from services.mailing.campaigns import at_cm, storage
from services.mailing.contract import errors
from services.mailing.flags import bounces
from services.mailing.flags import rules as flag_rules
from services.mailing.lists.storage import parse_id
from services.mailing.sync import storage as sync_storage

log = logging.getLogger(__name__)

SENT_ACTION = "mailing.campaign_sent"


class Dispatcher:
    def __init__(self, worker):
        self.db = worker.db
        self.config = worker.config
        self.audit = worker.audit
        self.outbox = worker.outbox
        self.retry_seconds = int(self.config.get("MAILING_CAMPAIGN_RETRY_SECONDS", 10))
        self.max_attempts = int(self.config.get("MAILING_MAX_ATTEMPTS", 5))
        self.soft_limit = flag_rules.soft_bounce_limit(self.config)  # M5 bounce policy

    def tick(self):
        with self.db.transaction() as session:
            due = storage.due(session, self.retry_seconds)
        for campaign_id in due:
            try:
                self.advance(campaign_id)
            except CampaignMonitorDown as exc:
                log.warning("mailing: campaign %s waits for Campaign Monitor: %s", campaign_id, exc.details)
                self._note(campaign_id, exc, None)
            except PiiriError as exc:
                log.warning("mailing: campaign %s failed: %s", campaign_id, exc.message)
                self._note(campaign_id, exc, "failed")

    def refresh_reports(self):
        every = int(self.config.get("MAILING_REPORT_SECONDS", 3600))
        days = int(self.config.get("MAILING_REPORT_DAYS", 30))
        with self.db.transaction() as session:
            due = storage.reports_due(session, every, days)
        if not due:
            return
        account = campaign_monitor.configure(self.config)
        for campaign_id in due:
            with self.db.transaction() as session:
                campaign = storage.get_campaign(session, campaign_id)
            bounced, activity = [], {}
            try:
                figures, bounced, activity = at_cm.report_and_bounces(account, campaign)
                values = {"report": figures, "report_at": func.now()}
            except CampaignMonitorDown as exc:
                log.warning("mailing: the reports wait for Campaign Monitor: %s", exc.details)
                return
            except PiiriError as exc:  # e.g. the campaign deleted there: tried again after the interval
                log.warning("mailing: the report of campaign %s failed: %s", campaign_id, exc.message)
                values = {"report_at": func.now()}
            with self.db.transaction() as session:
                storage.update_campaign(session, campaign_id, values)
                storage.note_tracking(session, campaign_id, activity)  # M4, per recipient
                bounces.apply_bounces(session, self.audit, self.outbox, campaign_id, bounced, self.soft_limit)
            self.outbox.flush()

    def _note(self, campaign_id, exc, status):
        with self.db.transaction() as session:
            values = {"error": exc.message, "error_details": dict(exc.details or {})}
            if status:
                values["status"] = status
            storage.update_campaign(session, campaign_id, values)

    def advance(self, campaign_id):
        with self.db.transaction() as session:
            campaign = storage.get_campaign(session, campaign_id)
        if campaign["status"] == "syncing":
            if not self.synced(campaign):
                return
            account = campaign_monitor.configure(self.config)
            at_cm.ensure_created(self.db, account, self.config, campaign_id)
            with self.db.transaction() as session:
                storage.update_campaign(session, campaign_id, {"status": "dispatching", "error": None})
            self.dispatch(campaign_id, account)
        elif campaign["status"] == "dispatching":
            self.dispatch(campaign_id, campaign_monitor.configure(self.config))
        elif campaign["status"] == "scheduled":
            with self.db.transaction() as session:
                locked = storage.get_campaign(session, campaign_id, for_update=True, skip_locked=True)
                if locked is not None and locked["status"] == "scheduled":
                    self.freeze(session, locked)

    def synced(self, campaign):
        """True when every sync run of the campaign is done; a run failed for good fails the campaign."""
        with self.db.transaction() as session:
            runs = [sync_storage.get_run(session, parse_id(key)) for key in campaign["sync_run_ids"]]
        for run in runs:
            if run is None:
                raise PiiriError(errors.SYNC_FAILED)
            if run["status"] == "failed":
                retried = run["error"] == errors.CM_UNAVAILABLE and run["attempts"] < self.max_attempts
                if not retried:
                    raise PiiriError(run["error"] or errors.SYNC_FAILED, {"run_id": str(run["id"])})
                return False
        return all(run["status"] == "done" for run in runs)

    def dispatch(self, campaign_id, account):
        with self.db.transaction() as session:
            campaign = storage.get_campaign(session, campaign_id, for_update=True, skip_locked=True)
            if campaign is None or campaign["status"] != "dispatching":
                return  # another worker has it, or it is done
            if campaign["send_at"] is None:
                self.freeze(session, campaign)
                at_cm.send(account, campaign)
            else:
                at_cm.send(account, campaign)
                storage.update_campaign(session, campaign_id, {"status": "scheduled", "error": None})
        self.outbox.flush()

    def freeze(self, session, campaign):
        """Record the ledger and mark the campaign sent (audited: who it was sent to)."""
        count = storage.freeze_recipients(session, campaign["id"], campaign["list_ids"])
        storage.update_campaign(
            session,
            campaign["id"],
            {
                "status": "sent",
                "recipients": count,
                "sent_at": func.now(),
                "error": None,
                "error_details": None,
            },
        )
        self.audit.write(
            self.outbox,
            session,
            Actor.from_header(campaign["actor"]),
            SENT_ACTION,
            "campaign",
            [campaign["id"]],
            details={"recipients": count, "cm_campaign_id": campaign["cm_campaign_id"]},
        )
        log.info("mailing: campaign %s sent to %s recipients", campaign["id"], count)
