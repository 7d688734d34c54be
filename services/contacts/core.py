"""The core every feature of the contacts service builds on, declared and typed in one place: the
dependencies (database, call context, audit trail, outbox) and the helpers features share (a contact by
id, a recorded change, an audited page of the contact list, an audited read of one part of a contact).

A feature (``<feature>/rpc.py``) subclasses ContactsCore and uses only what it declares here and its own
attributes; ``service.py`` lists the features. tests/unit/test_service_composition.py enforces both.
"""

from sqlalchemy import and_

from piiri.audit import AuditTrail, WorkerAuditTrail
from piiri.context import CallContext, Context
from piiri.db import Database, WorkerDatabase
from piiri.errors import NotFound
from piiri.outbox import Outbox, WorkerOutbox
from services.contacts import models, scopes, storage
from services.contacts.advanced_search import storage as advanced_storage
from services.contacts.advanced_search.rules import checked_sort
from services.contacts.contract import SUMMARY_FIELDS, Contact, dump_summaries
from services.contacts.merge.storage import redirect_target
from services.contacts.registries import SEARCH_FILTERS
from services.contacts.search import clamp_limit, decode_cursor, encode_cursor, plan_search

CONTACT = Contact()


class ContactsCore:
    """The dependencies and shared helpers of every contacts feature. Each worker sees what nameko
    injects in place of each provider: the annotation names that type."""

    db: WorkerDatabase = Database("contacts")  # type: ignore[assignment]
    context: CallContext = Context()  # type: ignore[assignment]
    audit: WorkerAuditTrail = AuditTrail("contacts")  # type: ignore[assignment]
    outbox: WorkerOutbox = Outbox("contacts", models.outbox)  # type: ignore[assignment]

    def _existing(self, session, contact_id, for_update=False):
        parsed = storage.parse_id(contact_id)
        contact = storage.get_contact(session, parsed, for_update) if parsed else None
        survivor = redirect_target(session, parsed) if parsed and contact is None else None
        redirected = storage.get_contact(session, survivor, for_update) if survivor is not None else None
        if redirected is not None:  # a merged-away id resolves to the contact it was merged into (C11)
            contact = {**redirected, "redirected_from": str(parsed)}
        if contact is None:
            raise NotFound(f"No contact with id {contact_id}.", {"id": str(contact_id)})
        # Out of the actor's data scope (C6): answered exactly as an unknown id.
        scopes.require_visible(session, self.context.actor, [contact["id"]], label=contact_id)
        return contact

    def _record_change(self, session, actor, action, event_type, contact, changed_fields, custom=None):
        self.audit.write(
            self.outbox, session, actor, action, "contact", [contact["id"]], fields=changed_fields
        )
        self.outbox.event(
            session,
            event_type,
            {
                "contact_id": str(contact["id"]),
                "changed_fields": changed_fields,
                "contact": CONTACT.dump(contact),
                **({"custom": custom} if custom is not None else {}),
            },
        )

    def _search_page(self, actor, q, filters, limit, cursor, audit_details, sort=None, direction=None):
        """One audited page of contacts for ``q`` and ``filters`` (the list, saved searches …):
        the page's contacts are one ``contact.listed`` event, with ``audit_details`` added.

        Without ``sort`` (or by name, ascending) the list's own order: names, or typo-tolerant matches
        best first. With a ``sort`` (advanced search's keys: name, e-mail, city, birth date, created,
        changed; Finnish collation for text) and ``direction``, the same rows (storage.listed_condition)
        in that order with keyset paging (issue 13 item 4)."""
        limit = clamp_limit(limit)
        plan = plan_search(q)
        # Its statements are planned for their own terms (storage.search), each its own transaction.
        with self.db.reads(prepared=False) as session:
            conditions = SEARCH_FILTERS.conditions(filters, session, actor) + scopes.conditions(
                session, actor
            )
            if (sort or "name") == "name" and (direction or "asc") == "asc":
                items, next_position, match = storage.search(
                    session, plan, limit, decode_cursor(cursor), conditions
                )
                next_cursor = storage.cursor_for(next_position)
            else:
                sort, direction = checked_sort(sort, direction)
                position = advanced_storage.position_for(cursor, sort, direction)
                condition, match = storage.listed_condition(session, plan, conditions)
                items, next_position = advanced_storage.page(
                    session, and_(condition, *conditions), sort, direction, limit, position
                )
                next_cursor = encode_cursor(next_position) if next_position else None
                audit_details = {**audit_details, "sort": sort, "direction": direction}
        if items:
            self.audit.read(
                actor,
                "contact.listed",
                "contact",
                [item["id"] for item in items],
                fields=SUMMARY_FIELDS,
                details={"query": q or "", "filters": filters or {}, **audit_details},
            )
        return {"items": dump_summaries(items), "next_cursor": next_cursor, "match": match}

    def _contact_part_read(self, contact_id, fields, read):
        """``read(session, contact id)`` of an existing contact the caller may see, audited as one read
        of ``fields`` (alternative names, statuses, consents …)."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        contact = self._existing(session, contact_id)
        result = read(session, contact["id"])
        session.rollback()
        self.audit.read(actor, "contact.viewed", "contact", [contact["id"]], fields=fields)
        return result
