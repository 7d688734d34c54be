"""The contacts service's published events (X1, docs/events.md): every event type with its exchange, the
marshmallow schema of its payload and its schema_version.

``scripts/event_schemas.py`` turns this catalogue into the JSON Schemas in docs/events/ that other systems
validate against (examples/bus_consumer/); tests/unit/test_event_schemas.py keeps the files equal to it.
The few payloads without a schema of their own in a feature's contract.py are described here.
"""

from marshmallow import Schema, fields

from services.contacts.affiliations.contract import AffiliationEvent
from services.contacts.automations.contract import Automation
from services.contacts.birthdays.contract import BirthdayReminderEvent, BirthdaySettingsChangedEvent
from services.contacts.consents.contract import ConsentEvent, LegalBasisEvent, PurposeEvent
from services.contacts.contract import Contact, ContactDeletedEvent, ContactEvent, EventEnvelope
from services.contacts.custom_fields.contract import CustomFieldEvent
from services.contacts.erasure.contract import (
    ContactErasedEvent,
    ErasureCompletedEvent,
    ErasureRequestedEvent,
)
from services.contacts.groups.contract import GroupEvent, MemberEvent
from services.contacts.paid_membership.contract import MembershipPaidChangedEvent
from services.contacts.person.contract import CoupleEvent, DeceasedEvent, NameEvent, StatusEvent, StatusKind
from services.contacts.photos.contract import PhotoEvent
from services.contacts.retention.contract import Rule
from services.contacts.saved_searches.contract import SavedSearchEvent

EXCHANGE = "contacts.events"
ERASURE_EXCHANGE = "piiri.erasure"


class ContactChangedEvent(ContactEvent):
    """contact_created / contact_updated: the contact after the change and its custom values (C3)."""

    custom = fields.Dict(
        keys=fields.String(), metadata={"description": "Custom field values {key: value} after the change."}
    )


class StatusKindEvent(EventEnvelope):
    """status_kind_created."""

    status_kind = fields.Nested(StatusKind, required=True)


class AutomationEvent(EventEnvelope):
    """automation_created / automation_changed / automation_deleted."""

    automation_id = fields.UUID(required=True)
    changed_fields = fields.List(fields.String(), required=True)
    automation = fields.Nested(Automation, required=True)


class MergedEvent(EventEnvelope):
    """contacts_merged: re-point references from each of merged_ids to survivor_id."""

    survivor_id = fields.UUID(required=True)
    merged_ids = fields.List(fields.UUID(), required=True)
    fields_from = fields.Dict(keys=fields.String(), values=fields.String())
    changed_fields = fields.List(fields.String())
    contact = fields.Nested(Contact)


class DuplicateDismissedEvent(EventEnvelope):
    """duplicate_dismissed: the two contacts are not duplicates (smaller id first)."""

    contact_ids = fields.List(fields.UUID(), required=True)


class RetentionRuleEvent(EventEnvelope):
    """retention_rule_created / retention_rule_changed / retention_rule_deleted."""

    rule = fields.Nested(Rule, required=True)


class ContactsImportedEvent(EventEnvelope):
    """contacts_imported: one committed chunk of an import (I1)."""

    import_id = fields.UUID(required=True)
    chunk_no = fields.Integer(required=True)
    file_name = fields.String()
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    created_ids = fields.List(fields.UUID(), required=True)
    updated_ids = fields.List(fields.UUID(), required=True)
    group_id = fields.UUID(allow_none=True)
    consents = fields.List(fields.String())


class ImportUndoneEvent(EventEnvelope):
    """import_undone: an import reversed as a whole."""

    import_id = fields.UUID(required=True)
    deleted = fields.Integer()
    restored = fields.Integer()
    deleted_ids = fields.List(fields.UUID(), required=True)
    restored_ids = fields.List(fields.UUID(), required=True)


class SavedSearchChangeEvent(EventEnvelope, SavedSearchEvent):
    """saved_search_created / saved_search_changed / saved_search_deleted, with the envelope."""


def _same(schema: type[Schema], *event_types: str, exchange: str = EXCHANGE) -> dict:
    return {event_type: {"schema": schema, "version": 1, "exchange": exchange} for event_type in event_types}


CATALOGUE: dict[str, dict] = {
    **_same(ContactChangedEvent, "contact_created", "contact_updated"),
    **_same(ContactDeletedEvent, "contact_deleted"),
    **_same(NameEvent, "contact_name_added", "contact_name_removed"),
    **_same(StatusEvent, "contact_status_added", "contact_status_changed", "contact_status_removed"),
    **_same(StatusKindEvent, "status_kind_created"),
    **_same(DeceasedEvent, "contact_deceased", "contact_deceased_unmarked"),
    **_same(CoupleEvent, "couple_linked", "couple_unlinked"),
    **_same(AffiliationEvent, "affiliation_added", "affiliation_changed", "affiliation_removed"),
    **_same(PhotoEvent, "photo_changed", "photo_removed"),
    **_same(GroupEvent, "group_created", "group_changed"),
    **_same(MemberEvent, "member_joined", "member_left"),
    **_same(MembershipPaidChangedEvent, "membership_paid_changed"),
    **_same(
        CustomFieldEvent,
        *(f"custom_field_{what}" for what in ("created", "updated", "removed", "restored", "purged")),
    ),
    **_same(SavedSearchChangeEvent, "saved_search_created", "saved_search_changed", "saved_search_deleted"),
    **_same(BirthdayReminderEvent, "birthday_reminder"),
    **_same(BirthdaySettingsChangedEvent, "birthday_settings_changed"),
    **_same(AutomationEvent, "automation_created", "automation_changed", "automation_deleted"),
    **_same(MergedEvent, "contacts_merged"),
    **_same(DuplicateDismissedEvent, "duplicate_dismissed"),
    **_same(ConsentEvent, "consent_given", "consent_withdrawn"),
    **_same(LegalBasisEvent, "legal_basis_added", "legal_basis_ended", "legal_basis_removed"),
    **_same(PurposeEvent, "processing_purpose_created", "processing_purpose_changed"),
    **_same(RetentionRuleEvent, "retention_rule_created", "retention_rule_changed", "retention_rule_deleted"),
    **_same(ErasureRequestedEvent, "contact_erasure_requested"),
    **_same(ContactErasedEvent, "contact_erased"),
    **_same(ErasureCompletedEvent, "contact_erasure_completed", exchange=ERASURE_EXCHANGE),
    **_same(ContactsImportedEvent, "contacts_imported"),
    **_same(ImportUndoneEvent, "import_undone"),
}
