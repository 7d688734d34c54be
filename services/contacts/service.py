"""Nameko entrypoints of the contacts service: thin RPC methods that validate, call storage, audit."""

from marshmallow import ValidationError
from nameko.rpc import rpc
from sqlalchemy import select

from piiri.audit import AuditTrail
from piiri.context import Context
from piiri.db import Database
from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed
from piiri.outbox import Outbox
from services.contacts import models, rich_fields, scopes, storage
from services.contacts import rich_filters as _rich_filters  # noqa: F401  (registers the C2 filters)
from services.contacts.access_report.rpc import AccessReportRpc
from services.contacts.advanced_search.rpc import AdvancedSearchRpc
from services.contacts.affiliations import rules as affiliation_rules
from services.contacts.affiliations import storage as affiliation_storage
from services.contacts.affiliations.rpc import AffiliationsRpc
from services.contacts.automations.rpc import AutomationsRpc
from services.contacts.billing_payers.rpc import BillingPayersRpc
from services.contacts.birthdays.rpc import BirthdaysRpc
from services.contacts.consents.rpc import ConsentsRpc
from services.contacts.contract import (
    EDITABLE_FIELDS,
    SUMMARY_FIELDS,
    Contact,
    ContactInput,
    ContactSummary,
    normalise_phone,
    whole_contact_errors,
)
from services.contacts.custom_fields.rpc import CustomFieldsRpc
from services.contacts.details import detail_names, detail_subjects, details_for
from services.contacts.erasure.rpc import ErasureRpc
from services.contacts.export_rows.rpc import ExportRowsRpc
from services.contacts.filters import filter_conditions
from services.contacts.groups.rpc import GroupsRpc
from services.contacts.imports.rpc import ImportsRpc
from services.contacts.merge.rpc import MergeRpc
from services.contacts.merge.storage import redirect_target
from services.contacts.person.rpc import PersonRpc
from services.contacts.photos.rpc import PhotosRpc
from services.contacts.retention.rpc import RetentionRpc
from services.contacts.saved_searches.rpc import SavedSearchesRpc
from services.contacts.search import clamp_limit, decode_cursor, plan_search

CONTACT = Contact()
SUMMARY = ContactSummary()


def validated(data, partial=False):
    """Load user input with ContactInput; a ValidationFailed names every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed("A contact must be an object of fields.", {"_schema": ["Not an object."]})
    try:
        values = ContactInput(partial=partial).load(data)
    except ValidationError as exc:
        raise ValidationFailed(
            "Some fields are not valid.", rich_fields.flatten_errors(exc.normalized_messages())
        ) from None
    if values.get("phone"):
        values["phone"] = normalise_phone(values["phone"])
    return values


def check_whole(contact):
    errors = whole_contact_errors(contact)
    if errors:
        raise ValidationFailed("Some fields are not valid.", errors)


class ContactsService(
    ExportRowsRpc,
    BillingPayersRpc,
    ErasureRpc,
    AccessReportRpc,
    ConsentsRpc,
    RetentionRpc,
    AutomationsRpc,
    MergeRpc,
    AdvancedSearchRpc,
    GroupsRpc,
    PersonRpc,
    AffiliationsRpc,
    PhotosRpc,
    CustomFieldsRpc,
    SavedSearchesRpc,
    BirthdaysRpc,
    ImportsRpc,
):
    name = "contacts"

    db = Database("contacts")
    context = Context()
    audit = AuditTrail("contacts")
    outbox = Outbox("contacts", models.outbox)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        return storage.ping(self.db.session)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_contact(self, data):
        actor = self.context.require("contacts.edit")
        values = validated(data)
        given_custom = values.pop("custom", None)
        values = rich_fields.resolve({}, values)  # C2: lists and flat fields in step
        check_whole(values)
        with self.db.transaction() as session:
            contact = storage.insert_contact(session, values)
            custom_changed, custom = self._write_custom(session, contact["id"], given_custom, creating=True)
            self._record_change(
                session,
                actor,
                "contact.created",
                "contact_created",
                contact,
                sorted(values) + custom_changed,
                custom=custom,
            )
            self._groups_join_creator_scope(session, actor, contact["id"])  # C6: a scoped creator keeps it
        self.outbox.flush()
        return {**CONTACT.dump(contact), "custom": custom}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_contact(self, contact_id):
        """The contact with every feature's part of its record (details.py), audited as one read."""
        actor = self.context.require("contacts.view")
        session = self.db.session
        contact = self._existing(session, contact_id)
        parts = scopes.visible_parts(session, actor, contact["id"], details_for(session, contact["id"]))  # C6
        session.rollback()
        subjects = [contact["id"], *detail_subjects(parts)]  # and the other contacts the parts show
        self.audit.read(actor, "contact.viewed", "contact", subjects, fields=EDITABLE_FIELDS + detail_names())
        redirect = {"redirected_from": contact["redirected_from"]} if "redirected_from" in contact else {}
        return {**CONTACT.dump(contact), **parts, **redirect}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_contact(self, contact_id, changes):
        actor = self.context.require("contacts.edit")
        values = validated(changes, partial=True)
        given_custom = values.pop("custom", None)
        with self.db.transaction() as session:
            current = self._existing(session, contact_id, for_update=True)
            values = rich_fields.resolve(current, values)  # C2: lists and flat fields in step
            changed = {key: value for key, value in values.items() if current.get(key) != value}
            check_whole({**current, **changed})
            if "kind" in changed:
                affiliation_rules.refuse_kind_change(
                    current, affiliation_storage.has_links(session, current["id"])
                )
            custom_changed, custom = self._write_custom(session, current["id"], given_custom)
            if not changed and not custom_changed:
                return {**CONTACT.dump(current), "custom": custom}
            contact = storage.update_contact(session, current["id"], changed)
            self._record_change(
                session,
                actor,
                "contact.updated",
                "contact_updated",
                contact,
                sorted(changed) + custom_changed,
                custom=custom,
            )
        self.outbox.flush()
        return {**CONTACT.dump(contact), "custom": custom}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_contact(self, contact_id):
        actor = self.context.require("contacts.delete")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            storage.delete_contact(session, contact["id"])
            self.audit.write(
                self.outbox,
                session,
                actor,
                "contact.deleted",
                "contact",
                [contact["id"]],
                details={"display_name": contact["display_name"]},
            )
            self.outbox.event(session, "contact_deleted", {"contact_id": str(contact["id"])})
        self.outbox.flush()
        return {"id": str(contact["id"]), "deleted": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def contact_exists(self, contact_id):
        """Whether the id names a contact (no personal data, so no audit record)."""
        actor = self.context.require("contacts.view")
        parsed = storage.parse_id(contact_id)
        session = self.db.session
        if parsed and actor.scoped:  # C6: a contact out of scope (or deleted) does not exist for them
            target = redirect_target(session, parsed) or parsed
            return bool(scopes.visible_ids(session, actor, [target]) and storage.get_contact(session, target))
        return bool(parsed and (storage.get_contact(session, parsed) or redirect_target(session, parsed)))

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def contacts_out_of_scope(self, ids):
        """Of ``ids`` (any strings), those naming a contact the caller may not see: what an audit trail
        shown to a scoped user must hide (issue 12 item 7b). [] for an unscoped caller; no personal data."""
        actor = self.context.require("contacts.view")
        if not actor.scoped or not isinstance(ids, list):
            return []
        parsed = {found for found in (storage.parse_id(value) for value in ids[:10_000]) if found}
        session = self.db.session
        existing = {
            row.id
            for row in session.execute(select(models.contacts.c.id).where(models.contacts.c.id.in_(parsed)))
        }
        hidden = existing - scopes.visible_ids(session, actor, existing)
        session.rollback()
        return sorted(str(contact_id) for contact_id in hidden)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def search_contacts(self, q="", limit=None, cursor=None, filters=None):
        """One page of contacts matching ``q`` and every structured filter (filters.py);
        the page's contacts are audited as one event."""
        actor = self.context.require("contacts.view")
        return self._search_page(actor, q, filters, limit, cursor, {})

    def _search_page(self, actor, q, filters, limit, cursor, audit_details):
        """One audited page of contacts for ``q`` and ``filters`` (the list, saved searches …):
        the page's contacts are one ``contact.listed`` event, with ``audit_details`` added."""
        limit = clamp_limit(limit)
        conditions = filter_conditions(filters, self.db.session, actor) + scopes.conditions(
            self.db.session, actor
        )
        items, next_position, match = storage.search(
            self.db.session, plan_search(q), limit, decode_cursor(cursor), conditions
        )
        self.db.session.rollback()
        if items:
            self.audit.read(
                actor,
                "contact.listed",
                "contact",
                [item["id"] for item in items],
                fields=SUMMARY_FIELDS,
                details={"query": q or "", "filters": filters or {}, **audit_details},
            )
        return {
            "items": SUMMARY.dump(items, many=True),
            "next_cursor": storage.cursor_for(next_position),
            "match": match,
        }

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
