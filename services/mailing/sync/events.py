"""Incremental sync (M1), mixed into MailingService: the contact events that can change who is on a list
(a contact changed, deleted or marked deceased; a membership began or ended; paid-up status changed (B4);
a consent or legal basis recorded; an import or a merge) arrive on one durable queue,
``piiri.mailing.contact_changes``, bound to each of them on ``contacts.events``; each queues an
incremental run of every synced list for the contacts it names. The run (services/mailing/sync/running.py)
evaluates just those contacts again and adds, updates or deletes them at Campaign Monitor. The ids of a
burst of events gather in the list's queued run (at most 1,000 a run). Erasure is not here: erasure.py
deletes the person at Campaign Monitor at once.
"""

import uuid

from kombu import Queue, binding
from nameko.messaging import consume

from piiri.context import SYSTEM
from piiri.messaging import event_exchange
from services.mailing.contract import CM_IMPORT_MAX
from services.mailing.core import MailingCore
from services.mailing.lists import storage as lists_storage
from services.mailing.sync import storage
from services.mailing.sync.queue import queue_run

FOLLOWED_EVENTS = (
    "contact_updated",
    "contact_deleted",
    "contact_deceased",
    "contact_deceased_unmarked",
    "member_joined",
    "member_left",
    "membership_paid_changed",
    "consent_given",
    "consent_withdrawn",
    "legal_basis_added",
    "legal_basis_ended",
    "legal_basis_removed",
    "contacts_imported",
    "contacts_merged",
)
CONTACT_CHANGES = Queue(
    "piiri.mailing.contact_changes",
    bindings=[binding(event_exchange("contacts"), routing_key=event) for event in FOLLOWED_EVENTS],
    durable=True,
    queue_arguments={"x-queue-type": "classic"},
)
ID_KEYS = ("contact_id", "survivor_id")
ID_LIST_KEYS = ("created_ids", "updated_ids", "merged_ids")


def contact_ids_of(payload):
    """The contacts an event names (``contact_id``; an import's created and updated; a merge's all)."""
    payload = payload if isinstance(payload, dict) else {}
    named = [payload.get(key) for key in ID_KEYS]
    for key in ID_LIST_KEYS:
        value = payload.get(key)
        named.extend(value if isinstance(value, list) else [])
    found = []
    for value in named:
        try:
            found.append(str(uuid.UUID(str(value))))
        except ValueError:
            continue
    return list(dict.fromkeys(found))


class IncrementalSyncEvents(MailingCore):
    @consume(CONTACT_CHANGES, requeue_on_error=True)
    def on_contact_change(self, payload):
        """Queue an incremental sync of the contacts the event names, for every synced list."""
        ids = contact_ids_of(payload)
        if not ids:
            return
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            for row in lists_storage.synced_lists(session):
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
                                "requested_by": "events",
                            },
                        )
                        queue_run(self.outbox, session, run["id"])
        self.outbox.flush()
