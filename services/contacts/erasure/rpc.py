"""RPC methods, consumer and timer of G3 and G4, a feature of ContactsService.

G3: ``personal_data`` answers for everything the contacts service holds about one person.
G4: ``request_erasure`` erases the person here and records the request in one transaction, and
publishes ``contact_erasure_requested`` for every other service (piiri/erasure.py); their
``contact_erasure_completed`` reports arrive on ``piiri.erasure.reports`` and mark them done; the last
one completes the erasure and publishes ``contact_erased``. ``retry_erasure`` and a timer re-send the
request to services still pending. All of it needs the permission ``gdpr.officer``. The timers (ErasureUpkeep)
run in the contacts worker (services/contacts/worker.py), not in the processes that answer staff.
"""

import logging
import uuid
from datetime import UTC, datetime, timedelta

from marshmallow import ValidationError
from nameko.extensions import DependencyProvider
from nameko.messaging import consume
from nameko.rpc import rpc
from nameko.timer import timer

from piiri import erasure as protocol
from piiri import erasure_keys
from piiri.context import SYSTEM
from piiri.dead_letters import Unprocessable
from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed
from services.contacts import storage as contact_storage
from services.contacts.core import ContactsCore
from services.contacts.erasure import rules, storage
from services.contacts.erasure.contract import Erasure, ErasureCompletedEvent, ErasureInput
from services.contacts.registries import CONTACT_DETAILS
from services.contacts.search import clamp_limit

log = logging.getLogger(__name__)

GDPR_OFFICER = "gdpr.officer"
RETRY_INTERVAL = 300  # seconds between the timer's looks for stalled erasures
HEAL_INTERVAL = 300  # seconds between the search vocabulary's repairs (heal_search_words)
HEAL_MINUTES = 15  # contacts written this recently have their words added back if missing
DEFAULT_RETRY_MINUTES = 10  # an erasure pending longer than this is re-sent to the pending services
ERASURE, COMPLETED = Erasure(), ErasureCompletedEvent()


def erasure_view(row):
    return ERASURE.dump({**row, "pending": rules.pending(row["services"]), "status": rules.status(row)})


class ErasureSettings(DependencyProvider):
    """The services that must report an erasure (``GDPR_SERVICES``) and the retry age
    (``ERASURE_RETRY_MINUTES``); declares every service's request queue when the service starts."""

    def setup(self):
        config = self.container.config
        self.config = config
        self.services = protocol.configured_services(config)
        minutes = config.get("ERASURE_RETRY_MINUTES")
        self.retry_minutes = float(DEFAULT_RETRY_MINUTES if minutes in (None, "") else minutes)

    def start(self):
        try:
            others = [service for service in self.services if service != "contacts"]  # contacts erases inline
            protocol.declare_queues(self.container.config["AMQP_URI"], others)
        except Exception:  # the broker is down: the relay retries publishing; queues come with consumers
            log.exception("erasure: could not declare the request queues")

    def get_dependency(self, worker_ctx):
        return self


class ErasureWork(ContactsCore):
    """G4's part shared by the service and its worker: the settings and sending a request to the services
    still pending (no entrypoints of its own)."""

    erasure_settings = ErasureSettings()

    def _publish_request(self, session, row):
        self.outbox.event(
            session,
            protocol.REQUESTED,
            {
                "erasure_id": str(row["id"]),
                "contact_id": str(row["contact_id"]),
                "services": rules.pending(row["services"]),
                "import_ids": [str(import_id) for import_id in row.get("import_ids") or ()],
                "related_ids": [str(related) for related in row.get("related_ids") or ()],
                "match_keys": row.get("match_keys") or {},
            },
        )


class ErasureUpkeep(ErasureWork):
    """G4's background upkeep, run by the contacts worker (services/contacts/worker.py): stalled erasures
    sent again, and the search vocabulary's repair."""

    @timer(interval=RETRY_INTERVAL)
    def resend_stalled_erasures(self):
        """Re-send erasures pending longer than ERASURE_RETRY_MINUTES (a lost or failed request)."""
        self.context.act_as(SYSTEM)
        try:
            older_than = datetime.now(UTC) - timedelta(minutes=self.erasure_settings.retry_minutes)
            with self.db.transaction() as session:
                rows = storage.pending_since(session, older_than)
                for row in rows:
                    self._publish_request(session, row)
            if rows:
                self.outbox.flush()
                log.info("erasure: re-sent %d stalled erasure(s)", len(rows))
        except Exception:
            log.exception("erasure: re-sending stalled erasures failed")

    @timer(interval=HEAL_INTERVAL)
    def heal_search_words(self):
        """Add back any word of a recently written contact that the vocabulary lacks (the prune trigger
        of migration 0018 may have removed it while the contact was being written)."""
        try:
            with self.db.transaction() as session:
                healed = storage.heal_search_words(session, HEAL_MINUTES)
            if healed:
                log.info("search words: added back or lowered %d", healed)
        except Exception:
            log.exception("search words: the repair failed")


class ErasureRpc(ErasureWork):
    """G3 personal data, G4 erasure requests, their progress and retries."""

    # --- G3 -------------------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def personal_data(self, contact_id):
        """Everything held here about the contact, for its access report (audited as one read)."""
        actor = self.context.require(GDPR_OFFICER)
        session = self.db.session
        contact = self._existing(session, contact_id)
        key = contact["id"]
        record = storage.raw_contact(session, key)
        parts = CONTACT_DETAILS.parts_for(session, key, contact)
        held = storage.held_rows(session, key)
        session.rollback()
        subjects = [
            key,
            *CONTACT_DETAILS.subjects(parts),
        ]  # G2: and the partner, organisations … the parts show
        self.audit.read(
            actor, "contact.personal_data_read", "contact", subjects, fields=sorted(record), details={}
        )
        return {
            "service": "contacts",
            "contact_id": str(key),
            "display_name": contact["display_name"],
            "sections": {"contact": record, "details": parts, **held},
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def import_ids_of(self, contact_id):
        """The ids of the imports that created or changed the contact (the imports service's access
        report part asks; ids only, so not audited here: the imports service audits its read)."""
        self.context.require(GDPR_OFFICER)
        session = self.db.session
        contact = self._existing(session, contact_id)
        found = storage.import_ids(session, contact["id"])
        session.rollback()
        return [str(import_id) for import_id in found]

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def match_keys_of(self, contact_id):
        """Digests of the contact's e-mails, phones and whole names (piiri/erasure_keys.py), for the
        imports service's access report part: it finds the uploads holding the person that name no
        contact. Digests only, no value, so not audited here: the imports service audits its read."""
        self.context.require(GDPR_OFFICER)
        session = self.db.session
        contact = self._existing(session, contact_id)
        emails, phones, names = storage.identifying_values(session, contact["id"])
        session.rollback()
        return erasure_keys.match_keys(emails, phones, names, (), self.erasure_settings.config)

    # --- G4: request, preview, progress ---------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def erasure_preview(self, contact_id):
        """What erasing the contact would do: its name (to type), row counts here, the services."""
        actor = self.context.require(GDPR_OFFICER)
        session = self.db.session
        contact = self._existing(session, contact_id)
        counts = storage.counts(session, contact["id"])
        photo = CONTACT_DETAILS.parts_for(session, contact["id"]).get("photo") is not None
        session.rollback()
        self.audit.read(
            actor, "contact.erasure_previewed", "contact", [contact["id"]], fields=["display_name"]
        )
        return {
            "contact_id": str(contact["id"]),
            "display_name": contact["display_name"],
            "counts": {**counts, "photo": int(photo)},
            "services": self.erasure_settings.services,
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def request_erasure(self, contact_id, reason):
        """Erase the contact here and ask every other service to: one transaction, idempotent per
        contact (a second request returns the first one's record). Returns the erasure record."""
        actor = self.context.require(GDPR_OFFICER)
        try:
            values = ErasureInput().load({"reason": reason})
        except ValidationError as exc:
            raise ValidationFailed("The erasure needs a reason.", exc.normalized_messages()) from None
        parsed = contact_storage.parse_id(contact_id)
        if parsed is None:
            raise NotFound(f"No contact with id {contact_id}.", {"id": str(contact_id)})
        with self.db.transaction() as session:
            existing = storage.erasure_of(session, parsed)
            if existing is not None:
                return erasure_view(existing)
            try:
                contact = self._existing(session, parsed, for_update=True)
            except NotFound:  # erased meanwhile by a concurrent request (we waited for its lock)?
                existing = storage.erasure_of(session, parsed)
                if existing is None:
                    raise
                return erasure_view(existing)
            if "redirected_from" in contact:  # a merged-away id: erase the person it became
                existing = storage.erasure_of(session, contact["id"])
                if existing is not None:
                    return erasure_view(existing)
            key = contact["id"]
            services = rules.initial_services(self.erasure_settings.services)
            imports = storage.import_ids(session, key)  # read before erase() deletes the undo records
            row = storage.insert_erasure(
                session, key, actor.username or actor.id, values["reason"], services, imports
            )
            emails, phones, names = storage.identifying_values(session, key)  # before erase() deletes them
            summary, ended_couples, related, forgotten = storage.erase(session, key)
            related += [couple_id for couple_id, _ in ended_couples]  # exports hold couple address names
            if related:
                row = storage.set_related(session, row["id"], related)
            keys = erasure_keys.match_keys(emails, phones, names, forgotten, self.erasure_settings.config)
            row = storage.set_match_keys(session, row["id"], keys)
            for couple_id, partner in ended_couples:
                self.outbox.event(
                    session,
                    "couple_unlinked",
                    {"couple_id": str(couple_id), "contact_ids": [str(key), str(partner)]},
                )
            self.audit.write(
                self.outbox,
                session,
                actor,
                "contact.erasure_requested",
                "contact",
                [key],
                details={"erasure_id": str(row["id"]), "services": sorted(services), "contacts": summary},
            )
            self.outbox.event(session, "contact_deleted", {"contact_id": str(key)})
            self._publish_request(session, row)
            if rules.is_complete(services):  # contacts is the only configured service
                row = self._complete(session, row)
        self.outbox.flush()
        return erasure_view(row)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_erasure(self, erasure_id):
        self.context.require(GDPR_OFFICER)
        return erasure_view(self._erasure(self.db.session, erasure_id))

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def erasure_for_contact(self, contact_id):
        """The erasure record of a contact id, or None (an erased id answers 404 everywhere else)."""
        self.context.require(GDPR_OFFICER)
        parsed = contact_storage.parse_id(contact_id)
        row = storage.erasure_of(self.db.session, parsed) if parsed else None
        return erasure_view(row) if row else None

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_erasures(self, limit=None, cursor=None, pending_only=False):
        """Erasure records newest first (no personal data: ids, who asked, progress)."""
        self.context.require(GDPR_OFFICER)
        limit = clamp_limit(limit)
        rows, more = storage.erasure_page(self.db.session, limit, _position(cursor), bool(pending_only))
        next_cursor = f"{rows[-1]['requested_at'].isoformat()}|{rows[-1]['id']}" if more and rows else None
        return {"items": [erasure_view(row) for row in rows], "next_cursor": next_cursor}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def retry_erasure(self, erasure_id):
        """Send the request again to the services that have not reported (harmless if they had)."""
        actor = self.context.require(GDPR_OFFICER)
        with self.db.transaction() as session:
            row = self._erasure(session, erasure_id, for_update=True)
            if not row["completed_at"]:
                self._publish_request(session, row)
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "contact.erasure_retried",
                    "contact",
                    [row["contact_id"]],
                    details={"erasure_id": str(row["id"]), "services": rules.pending(row["services"])},
                )
        self.outbox.flush()
        return erasure_view(row)

    # --- G4: reports from the services -----------------------------------------------------------------

    @consume(protocol.REPORT_QUEUE, requeue_on_error=True)
    def on_erasure_report(self, body):
        """A service's ``contact_erasure_completed``: mark it done; the last one completes the erasure."""
        try:
            report = COMPLETED.load(body)
        except (ValidationError, TypeError) as exc:  # to the dead letters, never dropped (issue 11 item 6)
            raise Unprocessable(f"not an erasure report: {exc}") from None
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            row = storage.get_erasure(session, report["erasure_id"], for_update=True)
            if row is None or row["contact_id"] != report["contact_id"]:
                log.error("erasure: a report names no known erasure: %r", body)
                return
            if row["services"].get(report["service"]):
                return  # already recorded (a repeated report)
            services = rules.with_done(row["services"], report["service"])
            row = storage.save_services(session, row["id"], services, completed=False)
            self.audit.write(
                self.outbox,
                session,
                SYSTEM,
                "contact.erasure_service_done",
                "contact",
                [row["contact_id"]],
                details={
                    "erasure_id": str(row["id"]),
                    "service": report["service"],
                    "summary": report["summary"],
                },
            )
            if rules.is_complete(services):
                self._complete(session, row)
        self.outbox.flush()

    # --- helpers ---------------------------------------------------------------------------------------

    def _erasure(self, session, erasure_id, for_update=False):
        parsed = contact_storage.parse_id(erasure_id)
        row = storage.get_erasure(session, parsed, for_update) if parsed else None
        if row is None:
            raise NotFound(f"No erasure with id {erasure_id}.", {"id": str(erasure_id)})
        return row

    def _complete(self, session, row):
        row = storage.save_services(session, row["id"], row["services"], completed=True)
        matcher = erasure_keys.Matcher(row.get("match_keys") or {}, self.erasure_settings.config)
        storage.forget_published(session, row["contact_id"], matcher)  # not OUTBOX_KEEP_SECONDS later
        self.audit.write(
            self.outbox,
            session,
            self.context.actor,
            "contact.erased",
            "contact",
            [row["contact_id"]],
            details={"erasure_id": str(row["id"]), "services": sorted(row["services"])},
        )
        self.outbox.event(
            session,
            protocol.ERASED,
            {
                "erasure_id": str(row["id"]),
                "contact_id": str(row["contact_id"]),
                "completed_at": row["completed_at"].isoformat(),
            },
        )
        return row


def _position(cursor):
    if not cursor:
        return None
    try:
        when, erasure_id = str(cursor).split("|", 1)
        return datetime.fromisoformat(when), uuid.UUID(erasure_id)
    except ValueError:
        raise ValidationFailed("The cursor is not valid.", {"cursor": ["contact.cursor_invalid"]}) from None
