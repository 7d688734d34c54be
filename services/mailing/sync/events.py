"""Incremental sync (M1), mixed into MailingService: the contact events that can change who is on a list
(a contact changed, deleted or marked deceased; a membership began or ended; a consent or legal basis
recorded; an import or a merge) queue an incremental run of every synced list for the contacts named. The
run (services/mailing/sync/running.py) evaluates just those contacts again and adds, updates or deletes
them at Campaign Monitor. Ids of a burst of events are gathered into the list's queued run (≤ 1,000 each).
Erasure is not here: erasure.py deletes the person at Campaign Monitor at once.
"""

import logging
import uuid

from nameko.events import event_handler

from piiri.context import SYSTEM
from services.mailing.contract import CM_IMPORT_MAX
from services.mailing.lists import storage as lists_storage
from services.mailing.sync import storage
from services.mailing.sync.queue import queue_run

log = logging.getLogger(__name__)

ONE_CONTACT_EVENTS = (
    "contact_updated",
    "contact_deleted",
    "contact_deceased",
    "contact_deceased_unmarked",
    "member_joined",
    "member_left",
    "consent_given",
    "consent_withdrawn",
    "legal_basis_added",
    "legal_basis_ended",
    "legal_basis_removed",
)


def contact_ids_of(event_type, payload):
    """The contacts an event names."""
    payload = payload if isinstance(payload, dict) else {}
    if event_type == "contacts_imported":
        named = [*(payload.get("created_ids") or []), *(payload.get("updated_ids") or [])]
    elif event_type == "contacts_merged":
        named = [payload.get("survivor_id"), *(payload.get("merged_ids") or [])]
    else:
        named = [payload.get("contact_id")]
    found = []
    for value in named:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


class IncrementalSyncEvents:
    def _follow(self, event_type, payload):
        ids = contact_ids_of(event_type, payload)
        if not ids:
            return
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            lists = lists_storage.synced_lists(session)
            for row in lists:
                for start in range(0, len(ids), CM_IMPORT_MAX):
                    chunk = ids[start : start + CM_IMPORT_MAX]
                    if storage.add_to_queued_incremental(session, row["id"], chunk) is None:
                        run = storage.insert_run(
                            session,
                            {
                                "list_id": row["id"],
                                "kind": "incremental",
                                "contact_ids": chunk,
                                "actor": row["actor"],
                                "requested_by": f"event:{event_type}",
                            },
                        )
                        queue_run(self.outbox, session, run["id"])
        self.outbox.flush()


def _handler(event_type):
    @event_handler("contacts", event_type, requeue_on_error=True)
    def handle(self, payload):
        self._follow(event_type, payload)

    handle.__name__ = f"on_{event_type}"
    handle.__doc__ = f"Queue an incremental sync of the contacts named by {event_type}."
    return handle


for _event in (*ONE_CONTACT_EVENTS, "contacts_imported", "contacts_merged"):
    setattr(IncrementalSyncEvents, f"on_{_event}", _handler(_event))
