"""RPC of a contact's change history (issue 13 item 5), a feature of ContactsService: the last field
changes with their old and new values. Reading it is audited like the trail it sits beside: it needs
``audit.view`` (it shows who changed what) and the contact must be visible to the caller (C6)."""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, ValidationFailed, coded
from services.contacts.core import ContactsCore
from services.contacts.history import storage
from services.contacts.history.contract import MAX_CHANGES, ContactChanges

CHANGES = ContactChanges()


class HistoryRpc(ContactsCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def contact_changes(self, contact_id, limit=20):
        """The contact's last ``limit`` (1 to MAX_CHANGES) field changes, newest first."""
        actor = self.context.require("audit.view")
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CHANGES:
            raise ValidationFailed(
                "request.invalid_values", {"limit": [coded("value.range", min=1, max=MAX_CHANGES)]}
            )
        session = self.db.session
        contact = self._existing(session, contact_id)
        items = storage.recent(session, contact["id"], limit)
        session.rollback()
        fields = sorted({item["field"] for item in items})
        self.audit.read(
            actor, "contact.changes_viewed", "contact", [contact["id"]], fields=fields,
            details={"returned": len(items)},
        )  # fmt: skip
        return CHANGES.dump({"items": items})
