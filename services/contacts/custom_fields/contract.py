"""Custom fields' published contract (version 1): definition input and output, and event payloads."""

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates

from services.contacts.contract import EventEnvelope
from services.contacts.custom_fields import rules

VALUE_TYPES = (
    "text: a string of at most 2000 characters; number: a JSON number (or text '1 234,5' / '1234.5'); "
    "date: 'yyyy-mm-dd' (or 'd.m.yyyy'); choice: one choice value; multi_choice: a list of distinct "
    "choice values; boolean: true/false (or 'kyllä'/'ei', 'yes'/'no', '1'/'0'); contact_link: the id "
    "of an existing contact. null clears a value."
)


class Choice(Schema):
    value = fields.String(required=True, metadata={"description": "Stored and filtered on; no '|'."})
    label_fi = fields.String(required=True)
    label_en = fields.String(required=True)


class _ChoicesField(fields.Field):
    """Choices checked and normalised by rules.clean_choices."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return rules.clean_choices(value)
        except rules.InvalidValue as exc:
            raise ValidationError(str(exc)) from None


def _label():
    return fields.String(validate=validate.Length(min=1, max=200))


def _help():
    return fields.String(allow_none=True, validate=validate.Length(max=1000))


class CustomFieldInput(Schema):
    """A definition as an admin writes it (create: all of it; update: ``partial=True``)."""

    key = fields.String(required=True, metadata={"description": "a-z0-9_, starts with a letter, ≤ 60"})
    label_fi = _label()
    label_en = _label()
    field_type = fields.String(required=True, validate=validate.OneOf(rules.FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    unique_values = fields.Boolean(load_default=False)
    help_fi = _help()
    help_en = _help()
    choices = _ChoicesField(
        load_default=list,
        metadata={"type": "array", "items": {"$ref": "#/components/schemas/CustomFieldChoice"}},
    )
    position = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100000))

    @pre_load
    def trim(self, data, **kwargs):
        if not isinstance(data, dict):
            return data
        cleaned = {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        for name in ("help_fi", "help_en"):
            if cleaned.get(name) == "":
                cleaned[name] = None
        return cleaned

    @validates("key")
    def check_key(self, value, **kwargs):
        errors = rules.key_errors(value)
        if errors:
            raise ValidationError(errors)


class CustomField(Schema):
    """A definition as returned by the service."""

    id = fields.UUID(required=True)
    key = fields.String(required=True)
    label_fi = fields.String(required=True)
    label_en = fields.String(required=True)
    field_type = fields.String(required=True, metadata={"description": VALUE_TYPES})
    required = fields.Boolean()
    unique_values = fields.Boolean()
    help_fi = fields.String(allow_none=True)
    help_en = fields.String(allow_none=True)
    choices = fields.List(fields.Nested(Choice))
    position = fields.Integer()
    created_at = fields.DateTime()
    removed_at = fields.DateTime(allow_none=True, metadata={"description": "Set while removed."})
    value_count = fields.Integer(metadata={"description": "How many contacts have a value."})


class CustomFieldList(Schema):
    items = fields.List(fields.Nested(CustomField), required=True)


class CustomFieldEvent(EventEnvelope):
    """Payload of custom_field_created/_updated/_removed/_restored/_purged (schema_version 1)."""

    field = fields.Nested(CustomField)
    values_deleted = fields.Integer(metadata={"description": "custom_field_purged only."})
