"""Custom fields' RPCs, a feature of ContactsService: definitions (fields.manage), values (contacts.edit)."""

from datetime import UTC, datetime

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, NotFound, ValidationFailed, coded
from services.contacts import storage as contact_storage
from services.contacts.contract import Contact
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_derived
from services.contacts.custom_fields import rules, storage
from services.contacts.custom_fields.contract import CustomField, CustomFieldInput
from services.contacts.custom_fields.values import write_custom_values
from services.contacts.history import storage as history

MANAGE = "fields.manage"
FIELD = CustomField()
CONTACT = Contact()
PURGE_AUDIT_CHUNK = 1000  # contact ids per audit record of a purge


def load_definition(data, partial=False):
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        return CustomFieldInput(partial=partial).load(data)
    except ValidationError as exc:
        raise ValidationFailed(
            "Some attributes of the custom field are not valid.", exc.normalized_messages()
        ) from None


class CustomFieldsRpc(ContactsCore):
    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_custom_fields(self, include_removed=False, with_counts=False):
        """Definitions in display order (no personal data, so no audit record); with ``with_counts`` the
        number of values each has, derived from personal data: one ``contact.counted`` record (issue 12
        item 4)."""
        actor = self.context.require("contacts.view")
        # C6: registry-wide value counts would tell a scoped user about contacts outside their scope.
        counted = bool(with_counts) and not actor.scoped
        fields = storage.list_fields(self.db.session, bool(include_removed), counted)
        self.db.session.rollback()
        if counted:
            numbers = {field["key"]: field.get("value_count") for field in fields}
            audit_derived(self.audit, actor, "custom_field_values", {"fields": numbers})
        return {"items": FIELD.dump(fields, many=True)}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_custom_field(self, definition):
        actor = self.context.require(MANAGE)
        values = load_definition(definition)
        if "label_fi" not in values:
            raise ValidationFailed("A custom field needs a Finnish label.", {"label_fi": ["Required."]})
        values.setdefault("label_en", values["label_fi"])
        errors = rules.definition_errors(values)
        if errors:
            raise ValidationFailed("The custom field is not valid.", errors)
        with self.db.transaction() as session:
            if storage.key_taken(session, values["key"]):
                raise ValidationFailed("cf.err_key_taken", {"key": ["cf.err_key_taken"]})
            field = storage.insert_field(session, values)
            self._field_changed(session, actor, "created", field, sorted(values))
        self.outbox.flush()
        return FIELD.dump(field)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_custom_field(self, field_id, changes):
        actor = self.context.require(MANAGE)
        values = load_definition(changes, partial=True)
        with self.db.transaction() as session:
            current = self._existing_field(session, field_id, for_update=True)
            changed = {name: value for name, value in values.items() if current.get(name) != value}
            self._check_field_change(session, current, changed)
            if not changed:
                return FIELD.dump(current)
            field = storage.update_field(session, current["id"], changed)
            self._field_changed(session, actor, "updated", field, sorted(changed))
        self.outbox.flush()
        return FIELD.dump(field)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def remove_custom_field(self, field_id):
        """Hide the field and its values; they stay recoverable (restore) until purged."""
        return self._set_removed(field_id, datetime.now(UTC), "removed")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def restore_custom_field(self, field_id):
        return self._set_removed(field_id, None, "restored")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def purge_custom_field(self, field_id):
        """Delete a removed field and every value of it, for good."""
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            field = self._existing_field(session, field_id, for_update=True)
            if field["removed_at"] is None:
                raise ValidationFailed("cf.err_not_removed", {"removed_at": ["cf.err_not_removed"]})
            contact_ids = storage.purge_values(session, field["id"])
            storage.delete_field(session, field["id"])
            details = {"key": field["key"], "values_deleted": len(contact_ids)}
            self.audit.write(
                self.outbox,
                session,
                actor,
                "custom_field.purged",
                "custom_field",
                [field["id"]],
                details=details,
            )
            for start in range(0, len(contact_ids), PURGE_AUDIT_CHUNK):
                self.audit.write(
                    self.outbox,
                    session,
                    actor,
                    "contact.custom_values_purged",
                    "contact",
                    contact_ids[start : start + PURGE_AUDIT_CHUNK],
                    fields=[f"custom.{field['key']}"],
                    details={"custom_field_id": str(field["id"])},
                )
            self.outbox.event(
                session,
                "custom_field_purged",
                {"field": FIELD.dump(field), "values_deleted": len(contact_ids)},
            )
        self.outbox.flush()
        return {"id": str(field["id"]), "purged": True, "values_deleted": len(contact_ids)}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def set_custom_values(self, contact_id, values):
        """Set some custom values of a contact ({key: value, or None to clear}); all or nothing."""
        actor = self.context.require("contacts.edit")
        with self.db.transaction() as session:
            contact = self._existing(session, contact_id, for_update=True)
            before = storage.active_values(session, contact["id"])
            changed = write_custom_values(session, contact["id"], values, actor=actor)
            custom = storage.active_values(session, contact["id"])
            if changed:
                history.record_custom(session, contact["id"], actor.username, before, custom)
                contact = contact_storage.update_contact(session, contact["id"], {})
                self._record_change(
                    session, actor, "contact.updated", "contact_updated", contact, changed, custom=custom
                )
        self.outbox.flush()
        return {**CONTACT.dump(contact), "custom": custom}

    # --- helpers ----------------------------------------------------------------------------------

    def _existing_field(self, session, field_id, for_update=False):
        parsed = contact_storage.parse_id(field_id)
        field = storage.get_field(session, parsed, for_update) if parsed else None
        if field is None:
            raise NotFound(f"No custom field with id {field_id}.", {"id": str(field_id)})
        return field

    def _check_field_change(self, session, current, changed):
        errors = {}
        if "key" in changed:
            errors["key"] = ["cf.err_key_fixed"]
        merged = {**current, **changed}
        errors.update(rules.definition_errors(merged))
        has_values = bool({"field_type", "choices", "unique_values"} & set(changed)) and storage.value_count(
            session, current["id"]
        )
        if "field_type" in changed and has_values:
            errors["field_type"] = ["cf.err_type_fixed"]
        if "choices" in changed and has_values and "field_type" not in errors:
            kept = {choice["value"] for choice in merged["choices"]}
            dropped = [choice["value"] for choice in current["choices"] if choice["value"] not in kept]
            in_use = storage.choice_use(session, current["id"], current["field_type"], dropped)
            if in_use:
                listed = ", ".join(f"{value} ({count})" for value, count in in_use.items())
                errors["choices"] = [coded("cf.err_choices_in_use", choices=listed)]
        if (
            changed.get("unique_values")
            and has_values
            and storage.has_duplicate_values(session, current["id"])
        ):
            errors["unique_values"] = ["cf.err_not_unique"]
        if errors:
            raise ValidationFailed("The custom field cannot be changed so.", errors)

    def _set_removed(self, field_id, removed_at, happened):
        actor = self.context.require(MANAGE)
        with self.db.transaction() as session:
            current = self._existing_field(session, field_id, for_update=True)
            if (current["removed_at"] is None) == (removed_at is None):
                return FIELD.dump(current)
            field = storage.update_field(session, current["id"], {"removed_at": removed_at})
            self._field_changed(session, actor, happened, field, ["removed_at"])
        self.outbox.flush()
        return FIELD.dump(field)

    def _field_changed(self, session, actor, happened, field, attributes):
        self.audit.write(
            self.outbox,
            session,
            actor,
            f"custom_field.{happened}",
            "custom_field",
            [field["id"]],
            fields=attributes,
            details={"key": field["key"]},
        )
        self.outbox.event(session, f"custom_field_{happened}", {"field": FIELD.dump(field)})
