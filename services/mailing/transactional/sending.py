"""Sending the due transactional mails (B3), run by the mailing workers (worker.py's timer): claim a batch
(SKIP LOCKED: two workers never take one mail); each mail's documents rendered by the service that owns
them (by RPC, acting as whoever queued the mail); the batch's disclosure on the audit log before anything
leaves (fail-closed: no audit record, no mail), one record per batch and actor naming every recipient as a
subject (each person's access report lists it) and every mail in its details; then SMTP on one connection
per batch (kept open for the timer tick's next batch), each accepted mail's sent state and mail_sent event
committed at once by one statement (so a worker that dies leaves at most the one mail in flight unsettled).
A round claims up to MAILING_SMTP_CONNECTIONS batches at once (default 4) and sends them side by side,
each on its own green thread with its own SMTP connection and its own database session (the worker's one
session is not shared between green threads); ``act_as`` is set again right before each call that reads
the worker's context (the document's RPC, the audit record), with no switch to another green thread
between the two.

Outcomes: accepted -> sent; refused for good (5xx at RCPT or DATA) -> bounced, the contact flagged;
anything transient (server away, 4xx, a broken connection, the document's service or the audit log away)
-> queued again after a doubling wait, and after SMTP_MAX_ATTEMPTS tries -> failed. Each final outcome
publishes mail_sent / mail_bounced / mail_failed through the outbox, in the outcome's transaction.

Nothing is lost: the row is the queue. Nothing is sent twice, except in one window no SMTP client can close:
a worker that dies after the server's 250 and before its commit leaves the mail "sending"; after its lease
(MAILING_SMTP_LEASE_SECONDS) another worker sends it again, with the same Message-ID."""

import base64
import logging
from datetime import UTC, datetime

import eventlet

from piiri.context import Actor
from piiri.db import WorkerDatabase
from piiri.errors import AuditUnavailable, NotFound, PiiriError, ServiceUnavailable
from services.mailing.contract import errors
from services.mailing.transactional import outcomes, rules, smtp, storage
from services.mailing.transactional.views import event_payload

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 300
DEFAULT_CONNECTIONS = 4


class Later(Exception):
    """This mail cannot go now; try it again later (the words say why)."""


class Gone(Exception):
    """This mail can never go (its document is gone): failed with the code in args[0]."""


class Sender:
    """One round of sending, with the worker's dependencies (db, outbox, audit, billing, act_as, config)."""

    def __init__(self, worker):
        self.worker = worker
        self.db = worker.db
        self.lease = int(worker.config.get("MAILING_SMTP_LEASE_SECONDS") or DEFAULT_LEASE_SECONDS)
        self.connections = max(int(worker.config.get("MAILING_SMTP_CONNECTIONS") or DEFAULT_CONNECTIONS), 1)
        self.idle = []  # open SMTP connections between batches of one tick

    def round(self):
        """Send what is due: the number of mails handled (0: nothing was due)."""
        try:
            settings = rules.settings_from(self.worker.config)
        except rules.NotConfigured:
            return 0
        with self.db.transaction() as session:
            batch = storage.claim_due(session, self.lease, storage.CLAIM_BATCH * self.connections)
        if not batch:
            return 0
        shares = [batch[start :: self.connections] for start in range(self.connections)]
        shares = [share for share in shares if share]
        try:
            if len(shares) == 1:
                self._send_batch(settings, shares[0], self.db)
            else:
                pool = eventlet.GreenPool(len(shares))
                threads = [pool.spawn(self._send_share, settings, share) for share in shares]
                for thread in threads:
                    thread.wait()
        finally:
            self.worker.outbox.flush()
        return len(batch)

    def _send_share(self, settings, share):
        """One share of a round on its own connection and database session (a green thread)."""
        db = WorkerDatabase(self.db.engine)
        try:
            self._send_batch(settings, share, db)
        except Exception:  # its mails stay "sending" and go again after their lease
            log.exception("mailing: a share of %s mails stopped", len(share))
        finally:
            db.close()

    def _send_batch(self, settings, batch, db):
        ready = self._disclosed(settings, batch, db)
        connection = self.idle.pop() if self.idle else None
        healthy = True
        committer = None  # an autocommit connection: each sent mail's state and event in one round trip
        try:
            for position, (mail, attachments) in enumerate(ready):
                try:
                    raw, envelope_from = smtp.prepare(mail, settings, attachments, datetime.now(UTC))
                    if connection is None:
                        connection = smtp.Connection(settings).__enter__()
                    connection.send(raw, envelope_from, mail["recipient"])
                except Exception as exc:
                    try:
                        kind, words = rules.classify(exc)
                    except Exception:  # not an SMTP or network failure: tried again, failed at the end
                        log.exception("mailing: mail %s could not be sent", mail["id"])
                        kind, words = rules.TRANSIENT, type(exc).__name__
                    if kind == rules.HARD:
                        self._settle(db, mail, "bounced", errors.MAIL_HARD_BOUNCE, words, source="smtp")
                        if connection is not None:
                            connection.reset()
                        continue
                    log.warning("mailing: mail %s not sent now: %s", mail["id"], words)
                    healthy = False
                    self._later(db, mail, settings, words)
                    self._release(db, [item for item, _ in ready[position + 1 :]])  # the rest untried
                    return
                if committer is None:
                    committer = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
                self._sent(committer, mail)
        except BaseException:
            healthy = False
            raise
        finally:
            if committer is not None:
                committer.close()
            if connection is not None:
                if healthy:
                    self.idle.append(connection)  # for the next batch of this tick
                else:
                    connection.__exit__(None, None, None)

    def close(self):
        """QUIT the connections kept for the next batch (at the end of a timer tick)."""
        while self.idle:
            self.idle.pop().__exit__(None, None, None)

    def _disclosed(self, settings, batch, db):
        """[(mail, attachments)] of the batch's mails that may go: their documents fetched, and their
        disclosure to the SMTP server on the audit log before anything leaves (fail-closed). One record per
        batch and actor names every recipient (subject_ids: each person's access report finds it) and
        each mail in its details; a mail whose document cannot be had now is queued again or failed."""
        ready = []
        for mail in batch:
            try:
                ready.append((mail, [self._document(mail, item) for item in mail["attachments"]]))
            except Later as later:
                self._later(db, mail, settings, str(later))
            except Gone as gone:
                self._settle(db, mail, "failed", gone.args[0], None)
        groups = {}
        for mail, _ in ready:
            groups.setdefault((mail["actor"], tuple(mail["disclosed_fields"])), []).append(mail)
        refused = set()
        for (actor_header, fields), mails in groups.items():
            try:
                self.worker.act_as(actor_header, f"mail-{mails[0]['id']}")  # no thread switch before read
                self.worker.audit.read(
                    Actor.from_header(actor_header),
                    "mailing.mail_disclosed",
                    "contact",
                    list(dict.fromkeys(mail["contact_id"] for mail in mails if mail["contact_id"])),
                    fields=["email", *fields],
                    details={"recipient": f"smtp:{settings.host}", "mails": [_disclosed(m) for m in mails]},
                )
            except AuditUnavailable:
                for mail in mails:
                    refused.add(mail["id"])
                    self._later(db, mail, settings, "audit log unavailable")
        return [(mail, attachments) for mail, attachments in ready if mail["id"] not in refused]

    def _document(self, mail, item):
        if item.get("data"):
            return item["file_name"], item["content_type"], base64.b64decode(item["data"])
        source = item["source"]
        try:
            self.worker.act_as(mail["actor"], f"mail-{mail['id']}")
            made = self.worker.billing.mail_document(source["document"], source["id"])
        except ServiceUnavailable:
            raise Later(f"{source['service']} unavailable") from None
        except NotFound:
            raise Gone(errors.MAIL_DOCUMENT_GONE) from None
        except PiiriError as exc:
            log.warning("mailing: %s refused document %s: %s", source["service"], source, exc.message)
            raise Gone(errors.MAIL_DOCUMENT_UNAVAILABLE) from None
        return made["file_name"] or item["file_name"], made["content_type"], base64.b64decode(made["data"])

    def _sent(self, committer, mail):
        """The mail was accepted: status sent and its mail_sent event, committed at once (one statement)."""
        at = datetime.now(UTC)
        self.worker.act_as(mail["actor"], f"mail-{mail['id']}")  # the event carries whoever queued it
        event = self.worker.outbox.event_row(
            "mail_sent", event_payload({**mail, "status": "sent", "sent_at": at, "code": None})
        )
        storage.settle_sent(committer, mail["id"], at, event)

    def _settle(self, db, mail, status, code, detail, source=None):
        with db.transaction() as session:
            row = storage.settle(session, mail["id"], status, code, detail)
            if row is not None:
                outcomes.announce(self.worker.outbox, self.worker.audit, session, row, source=source)

    def _later(self, db, mail, settings, words):
        if mail["attempts"] >= settings.max_attempts:
            self._settle(db, mail, "failed", errors.MAIL_GAVE_UP, words[:500])
            return
        with db.transaction() as session:
            storage.retry_later(session, mail["id"], rules.next_wait(mail["attempts"], settings), words[:500])

    def _release(self, db, rest):
        with db.transaction() as session:
            storage.release(session, [mail["id"] for mail in rest])


def _disclosed(mail):
    """What a batch's disclosure record says of one mail."""
    return {
        "mail_id": str(mail["id"]),
        "contact_id": str(mail["contact_id"]) if mail["contact_id"] else None,
        "reference": {"kind": mail["reference_kind"], "id": mail["reference_id"]},
    }
