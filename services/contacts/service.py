"""The contacts service: its features, listed once (FEATURES), and the core contact records' RPCs.

Every feature class subclasses ContactsCore (core.py: the dependencies and the shared helpers) and uses
nothing else of the service; ContactsService is exactly the features in FEATURES, so its nameko
entrypoints are theirs. tests/unit/test_service_composition.py enforces both.
"""

from marshmallow import ValidationError
from nameko.rpc import rpc
from sqlalchemy import select

from piiri.errors import EXPECTED_ERRORS, ValidationFailed
from services.contacts import models, rich_fields, scopes, storage
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
    Contact,
    ContactInput,
    normalise_phone,
    whole_contact_errors,
)
from services.contacts.core import ContactsCore
from services.contacts.custom_fields import storage as custom_storage
from services.contacts.custom_fields.rpc import CustomFieldsRpc
from services.contacts.custom_fields.values import custom_value_errors, write_contact_custom
from services.contacts.dashboard.rpc import DashboardRpc
from services.contacts.erasure.rpc import ErasureRpc
from services.contacts.export_rows.rpc import ExportRowsRpc
from services.contacts.groups.rpc import GroupsRpc
from services.contacts.groups.storage import join_creator_scope
from services.contacts.history import storage as history
from services.contacts.history.rpc import HistoryRpc
from services.contacts.imports.rpc import ImportsRpc
from services.contacts.mailing_audience.rpc import MailingAudienceRpc
from services.contacts.merge.rpc import MergeRpc
from services.contacts.merge.storage import redirect_target
from services.contacts.paid_membership.rpc import PaidMembershipRpc
from services.contacts.person.rpc import PersonRpc
from services.contacts.photos.rpc import PhotosRpc
from services.contacts.registries import CONTACT_DETAILS
from services.contacts.retention.rpc import RetentionRpc
from services.contacts.saved_searches.rpc import SavedSearchesRpc
from services.contacts.survey_recipients.rpc import SurveyRecipientsRpc
from services.contacts.validation.contract import invalid

CONTACT = Contact()


def validated(data, partial=False, errors=None):
    """Load user input with ContactInput; a ValidationFailed names every bad field. With ``errors`` (a
    dict) the bad fields are added to it instead and the valid ones returned, for the later checks."""
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        values = ContactInput(partial=partial).load(data)
    except ValidationError as exc:
        found = rich_fields.flatten_errors(exc.normalized_messages())
        if errors is None:
            raise invalid(found) from None
        gather(errors, found)
        broken = {name.split(".")[0] for name in found}  # 'emails.1.address': the whole list stays out
        values = {key: value for key, value in (exc.valid_data or {}).items() if key not in broken}
    if values.get("phone"):
        values["phone"] = normalise_phone(values["phone"])
    return values


def gather(errors, found):
    """Add the field errors ``found`` to ``errors`` (a field's first errors stay)."""
    for name, messages in (found or {}).items():
        errors.setdefault(name, messages)


def resolved(current, values, errors):
    """rich_fields.resolve(current, values), or ``values`` with its errors gathered into ``errors``."""
    try:
        return rich_fields.resolve(current, values)
    except ValidationFailed as exc:
        gather(errors, exc.details)
        return values


def refuse_all(session, errors, given_custom, creating, actor, rollback=False):
    """Issue 13 item 9: every error of a contact's input at once. When the fields broke a rule, the
    custom values are checked too (without writing) and one ValidationFailed names them all."""
    if errors:
        gather(errors, custom_value_errors(session, given_custom, creating=creating, actor=actor))
        if rollback:  # outside a transaction: end the read
            session.rollback()
        raise invalid(errors)


class ContactRecordsRpc(ContactsCore):
    """The contact records themselves: create, read, change, delete, search (C1, C2, C4)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        return storage.ping(self.db.session)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_contact(self, data):
        actor = self.context.require("contacts.edit")
        errors = {}  # every error of the input at once (issue 13 item 9)
        values = validated(data, errors=errors)
        given_custom = values.pop("custom", None)
        values = resolved({}, values, errors)  # C2: lists and flat fields in step
        gather(errors, whole_contact_errors(values))
        refuse_all(self.db.session, errors, given_custom, True, self.context.actor, rollback=True)
        with self.db.transaction() as session:
            contact = storage.insert_contact(session, values)
            custom_changed, custom = write_contact_custom(
                session, contact["id"], given_custom, self.context.actor, creating=True
            )
            self._record_change(
                session,
                actor,
                "contact.created",
                "contact_created",
                contact,
                sorted(values) + custom_changed,
                custom=custom,
            )
            join_creator_scope(
                session, self.audit, self.outbox, actor, contact["id"]
            )  # C6: a scoped creator keeps it
        self.outbox.flush()
        return {**CONTACT.dump(contact), "custom": custom}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_contact(self, contact_id):
        """The contact with every feature's part of its record (details.py), audited as one read."""
        actor = self.context.require("contacts.view")
        parsed = storage.parse_id(contact_id)
        with self.db.reads() as session:  # one statement for a visible contact, no BEGIN or COMMIT
            contact, parts = CONTACT_DETAILS.record(session, parsed) if parsed else (None, None)
            if contact is None:  # unknown, malformed or merged away (C11): answered as every read answers it
                contact = self._existing(session, contact_id)
                parts = CONTACT_DETAILS.parts_for(session, contact["id"], contact)
            else:  # out of the actor's data scope (C6): answered exactly as an unknown id
                scopes.require_visible(session, actor, [contact["id"]], label=contact_id)
            parts = scopes.visible_parts(session, actor, contact["id"], parts)  # C6
        subjects = [contact["id"], *CONTACT_DETAILS.subjects(parts)]  # and the other contacts the parts show
        self.audit.read(
            actor, "contact.viewed", "contact", subjects, fields=EDITABLE_FIELDS + CONTACT_DETAILS.names()
        )
        redirect = {"redirected_from": contact["redirected_from"]} if "redirected_from" in contact else {}
        return {**CONTACT.dump(contact), **parts, **redirect}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_contact(self, contact_id, changes):
        actor = self.context.require("contacts.edit")
        errors = {}  # every error of the input at once (issue 13 item 9)
        values = validated(changes, partial=True, errors=errors)
        given_custom = values.pop("custom", None)
        with self.db.transaction() as session:
            current = self._existing(session, contact_id, for_update=True)
            values = resolved(current, values, errors)  # C2: lists and flat fields in step
            changed = {key: value for key, value in values.items() if current.get(key) != value}
            gather(errors, whole_contact_errors({**current, **changed}))
            refuse_all(session, errors, given_custom, False, self.context.actor)
            if "kind" in changed:
                affiliation_rules.refuse_kind_change(
                    current, affiliation_storage.has_links(session, current["id"])
                )
            custom_before = custom_storage.active_values(session, current["id"]) if given_custom else {}
            custom_changed, custom = write_contact_custom(
                session, current["id"], given_custom, self.context.actor
            )
            if not changed and not custom_changed:
                return {**CONTACT.dump(current), "custom": custom}
            contact = storage.update_contact(session, current["id"], changed)
            history.record(session, current["id"], actor.username, current, contact, sorted(changed))
            if custom_changed:
                history.record_custom(session, current["id"], actor.username, custom_before, custom)
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
    def conflict_ties(self, contact_ids, group_ids=()):
        """Q3 conflicts of interest: for each of ``contact_ids`` (at most 10,000) the organisations it is
        affiliated with or is (as an organisation, its people's), its partner in a couple, and which of
        ``group_ids`` it is a current member of: {contact id: {"organisations", "partners", "groups"}}.
        Ids only, audited as one read of the contacts named."""
        actor = self.context.require("contacts.view")
        keys = sorted({key for key in (storage.parse_id(v) for v in list(contact_ids or [])[:10_000]) if key})
        groups = sorted({key for key in (storage.parse_id(v) for v in list(group_ids or [])[:1000]) if key})
        if keys and actor.scoped:  # C6: a contact out of the caller's scope has no ties for them
            keys = sorted(scopes.visible_ids(self.db.session, actor, keys))
        ties = storage.conflict_ties(self.db.session, keys, groups)
        self.db.session.rollback()
        if keys:
            self.audit.read(actor, "contact.conflict_ties_read", "contact", [str(key) for key in keys])
        return ties

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
    def search_contacts(self, q="", limit=None, cursor=None, filters=None, sort=None, direction=None):
        """One page of contacts matching ``q`` and every structured filter (filters.py); the page's
        contacts are audited as one event. ``sort`` (name, email, city, birth_date, created_at,
        updated_at) and ``direction`` (asc, desc) order the same rows; a cursor is valid only with the
        sort it was made for."""
        actor = self.context.require("contacts.view")
        return self._search_page(actor, q, filters, limit, cursor, {}, sort, direction)


# The features of the contacts service, in one place: the service is exactly these (and so are its RPC
# methods, timers and consumers). A new feature adds its class here, and its search filters and contact
# details to registries.py.
FEATURES = (
    ContactRecordsRpc,
    ExportRowsRpc,
    MailingAudienceRpc,
    BillingPayersRpc,
    ErasureRpc,
    AccessReportRpc,
    ConsentsRpc,
    PaidMembershipRpc,
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
    SurveyRecipientsRpc,
    DashboardRpc,
    HistoryRpc,
)


class ContactsService(*FEATURES):  # type: ignore[misc]
    name = "contacts"
