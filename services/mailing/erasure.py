"""The mailing service's part of G3 and G4, mixed into MailingService.

What it holds about a person: their memberships of mailing lists at Campaign Monitor (the address pushed,
the state), their bounce and unsubscribe flags, the rows of theirs that a sync refused, their id in
queued incremental runs, the transactional mails sent to them (the message log: address, subject), and
their subscriptions through a list's form (M3): confirmed ones by contact id, pending ones (not yet a
contact) by their address compared with the person's digests (piiri/erasure_keys.py), and
the campaigns sent to them (the recipient ledger, M1). Erasure empties their ledger rows (contact id,
address and list; the row stays so that a campaign's count stays true).
Erasure empties those mails (address, subject, body; the id, status and times stay) and a mail not yet
sent is not sent (mail_failed, mailing.mail_recipient_erased).

G4: ``on_erasure_requested`` (durable queue ``piiri.erasure.mailing``) deletes the person's address from
every Campaign Monitor list they are on (Campaign Monitor down: the request is retried, never reported done
before the address is gone), records that in the audit log (``mailing.erased_at_campaign_monitor``, one
record per list: the proof), removes every row naming them here (and the outbox's sent records naming
them, once those are sent), counts them in the lists' ``erased_count``
and reports ``contact_erasure_completed``. Idempotent.

G3: ``personal_data`` lists all of it (audited).
"""

import logging
import time

import eventlet
from nameko.messaging import consume
from nameko.rpc import rpc

from piiri import erasure as protocol
from piiri import erasure_keys
from piiri.context import SYSTEM
from piiri.errors import EXPECTED_ERRORS, NotFound
from services.mailing import campaign_monitor
from services.mailing import storage as personal
from services.mailing.core import MailingCore
from services.mailing.lists import storage as lists_storage
from services.mailing.subscriptions import storage as subscriptions_storage
from services.mailing.transactional import storage as mail_storage
from services.mailing.transactional.views import event_payload

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
NOT_IN_LIST = 203
OUTBOX_WAIT_SECONDS = 10


class MailingErasure(MailingCore):
    erasure_reporter = protocol.ErasureReporter()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """Everything the mailing service holds about the person (audited)."""
        actor = self.context.require(GDPR_OFFICER)
        key = lists_storage.parse_id(contact_id)
        sections = (
            personal.held(self.db.session, key)
            if key
            else {
                "mailing_lists": [],
                "mailing_campaigns": [],
                "mailing_mails": [],
                "mailing_flags": [],
                "mailing_sync_failures": [],
            }
        )
        self.db.session.rollback()
        sections["mailing_subscriptions"] = self._subscriptions_of(key) if key else []
        self.audit.read(
            actor,
            "mailing.personal_data_read",
            "contact",
            [str(contact_id)],
            details={name: len(items) for name, items in sections.items()},
        )
        return {"service": "mailing", "contact_id": str(contact_id), "sections": sections}

    def _pending_of(self, session, match_keys):
        """The ids of the pending subscriptions whose address is one of the person's (by digest)."""
        matcher = erasure_keys.Matcher(match_keys or {}, self.config)
        if not matcher:
            return []
        return [
            row["id"] for row in subscriptions_storage.pending_all(session) if matcher.matches(row["email"])
        ]

    def _subscriptions_of(self, contact_id):
        try:
            keys = self.contacts.match_keys_of(str(contact_id))
        except NotFound:  # no contact (erased): only what names the id
            keys = {}
        session = self.db.session
        rows = subscriptions_storage.of_person(session, contact_id, self._pending_of(session, keys))
        session.rollback()
        return [personal.plain(row) for row in rows]

    @consume(protocol.request_queue("mailing"), requeue_on_error=True)
    def on_erasure_requested(self, body):
        """Delete the person at Campaign Monitor, then here, then report."""
        request = protocol.load_request(body)
        self.context.act_as(SYSTEM)
        key = lists_storage.parse_id(request["contact_id"])
        if key is None:
            summary = {"lists": 0}
        else:
            self._delete_at_campaign_monitor(key)
            self._wait_sent(key)
            with self.db.transaction() as session:
                summary = personal.erase(session, key)
                pending = self._pending_of(session, request.get("match_keys"))
                summary.update(subscriptions_storage.erase(session, key, pending))
                for row in mail_storage.of_ids(session, summary["mails_not_sent"]):
                    self.outbox.event(session, "mail_failed", event_payload(row))
                summary["mails_not_sent"] = len(summary["mails_not_sent"])
            self.outbox.flush()
        self.erasure_reporter.publish(
            protocol.report(request["erasure_id"], request["contact_id"], "mailing", summary),
            routing_key=protocol.COMPLETED,
        )
        log.info("mailing: erasure %s: %s", request["erasure_id"], summary)

    def _wait_sent(self, contact_id):
        """Wait (at most OUTBOX_WAIT_SECONDS) until the outbox has sent the records naming the person
        (the erasure's own audit records among them), so that the erasure can delete them after."""
        deadline = time.monotonic() + OUTBOX_WAIT_SECONDS
        while time.monotonic() < deadline:
            waiting = personal.unpublished_naming(self.db.session, contact_id)
            self.db.session.rollback()
            if not waiting:
                return
            self.outbox.flush()
            eventlet.sleep(0.1)

    def _delete_at_campaign_monitor(self, contact_id):
        session = self.db.session
        memberships = personal.memberships_at_cm(session, contact_id)
        session.rollback()
        if not memberships:
            return
        account = campaign_monitor.configure(self.config)
        for member in memberships:
            subscriber = account.subscribers(member["cm_list_id"], member["email"])
            try:
                account.call(subscriber.delete)
            except campaign_monitor.CampaignMonitorDown:
                raise  # retried by the container's dead-letter policy: the address must go first
            except Exception as exc:
                if getattr(exc, "details", {}).get("cm_code") != NOT_IN_LIST:
                    raise
            with self.db.transaction() as session:
                self.audit.write(
                    self.outbox,
                    session,
                    SYSTEM,
                    "mailing.erased_at_campaign_monitor",
                    "contact",
                    [contact_id],
                    fields=["email"],
                    details={
                        "list_id": str(member["list_id"]),
                        "cm_list_id": member["cm_list_id"],
                        "recipient": "Campaign Monitor",
                    },
                )
        self.outbox.flush()
