"""Custom fields' published contract (version 1): definition input and output, event payloads, and
the pure definition rules the gateway's forms share with the service (field types, key and choice
checks, the choices editor's lines, a value as a person reads it). The service's rules.py imports
them from here."""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, pre_load, validates

from piiri.errors import coded
from services.contacts.contract import EventEnvelope
from services.contacts.validation import contract as codes

FIELD_TYPES = ("text", "number", "date", "choice", "multi_choice", "boolean", "contact_link")
MAX_CHOICES = 200
MAX_CHOICE_VALUE = 100
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
# Names a custom field may not take: the contact's own fields and what the API puts beside them.
STANDARD_FIELD_NAMES = frozenset(
    (
        "id kind display_name first_name preferred_name last_name organisation_name email phone street "
        "postal_code city country birth_date language notes deceased_on version created_at updated_at "
        "custom q limit cursor filters"
    ).split()
)


class InvalidValue(ValueError):
    """A value a field cannot hold; ``entry`` says why: a code (piiri.errors) or a ``coded`` entry."""

    @property
    def entry(self) -> Any:
        return self.args[0]


# --- definitions and display (pure) ---------------------------------------------------------------


def key_errors(key: object) -> list[str]:
    """What is wrong with a field key (a-z0-9_, starting with a letter, at most 60, not a standard name)."""
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        return ["cf.err_key_format"]
    if key in STANDARD_FIELD_NAMES:
        return ["cf.err_key_standard"]
    return []


def clean_choices(raw: object) -> list[dict[str, str]]:
    """Choices as given -> [{value, label_fi, label_en}], or InvalidValue naming the problem."""
    if not isinstance(raw, list | tuple):
        raise InvalidValue("cf.err_choices_list")
    if len(raw) > MAX_CHOICES:
        raise InvalidValue(coded("cf.err_choices_many", max=MAX_CHOICES))
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, choice in enumerate(raw, start=1):
        if isinstance(choice, str):
            choice = {"value": choice}
        if not isinstance(choice, dict):
            raise InvalidValue(coded("cf.err_choice_object", number=number))
        value = str(choice.get("value") or "").strip()
        if not value or len(value) > MAX_CHOICE_VALUE or "|" in value:
            raise InvalidValue(coded("cf.err_choice_value", number=number, max=MAX_CHOICE_VALUE))
        if value.casefold() in seen:
            raise InvalidValue(coded("cf.err_choice_given_twice", number=number, value=value))
        seen.add(value.casefold())
        label_fi = str(choice.get("label_fi") or "").strip() or value
        label_en = str(choice.get("label_en") or "").strip() or label_fi
        if len(label_fi) > 200 or len(label_en) > 200:
            raise InvalidValue(coded("cf.err_choice_label", number=number, max=200))
        cleaned.append({"value": value, "label_fi": label_fi, "label_en": label_en})
    return cleaned


def parse_choice_lines(text: str | None) -> list[dict[str, str]]:
    """The UI's choices editor, one choice a line: 'value | Finnish label | English label'."""
    choices: list[dict[str, str]] = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        choices.append(dict(zip(("value", "label_fi", "label_en"), parts[:3], strict=False)))
    return choices


def choice_lines(choices: Iterable[Mapping[str, str]] | None) -> str:
    return "\n".join(f"{c['value']} | {c['label_fi']} | {c['label_en']}" for c in choices or ())


def number_text(number: object) -> str:
    """The one text form of a number: '42', '1234.5', '0.001'."""
    text = format(Decimal(str(number)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def display_value(field: Mapping[str, Any], value: Any, language: str = "fi") -> str:
    """A stored value as a person reads it: choice labels, Kyllä/Ei, 1 234,5, 1.2.2024."""
    if value is None:
        return ""
    field_type = field["field_type"]
    labels = {choice["value"]: choice_label(choice, language) for choice in field.get("choices") or ()}
    if field_type == "choice":
        return str(labels.get(value, value))
    if field_type == "multi_choice":
        return ", ".join(labels.get(item, item) for item in value)
    if field_type == "boolean":
        words = {"fi": ("Kyllä", "Ei"), "sv": ("Ja", "Nej")}.get(language, ("Yes", "No"))
        return words[0 if value else 1]
    if field_type == "number":
        text = number_text(value)
        return text.replace(".", ",") if language in ("fi", "sv") else text
    if field_type == "date":
        day = date.fromisoformat(value)
        return f"{day.day}.{day.month}.{day.year}" if language in ("fi", "sv") else day.isoformat()
    return str(value)


def choice_label(choice: Mapping[str, str], language: str) -> str:
    return choice.get(f"label_{language}") or choice.get("label_fi") or choice["value"]


VALUE_TYPES = (
    "text: a string of at most 2000 characters; number: a JSON number (or text '1 234,5' / '1234.5'); "
    "date: 'yyyy-mm-dd' (or 'd.m.yyyy'); choice: one choice value; multi_choice: a list of distinct "
    "choice values; boolean: true/false (or 'kyllä'/'ei', 'yes'/'no', '1'/'0'); contact_link: the id "
    "of an existing contact. null clears a value."
)


class Choice(codes.CodedSchema):
    value = fields.String(required=True, metadata={"description": "Stored and filtered on; no '|'."})
    label_fi = fields.String(required=True)
    label_en = fields.String(required=True)


class _ChoicesField(fields.Field[list[dict[str, str]]]):
    """Choices checked and normalised by clean_choices."""

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> list[dict[str, str]]:
        try:
            return clean_choices(value)
        except InvalidValue as exc:
            raise ValidationError([exc.entry]) from None


def _label() -> fields.String:
    return fields.String(validate=codes.Length(min=1, max=200))


def _help() -> fields.String:
    return fields.String(allow_none=True, validate=codes.Length(max=1000))


class CustomFieldInput(codes.CodedSchema):
    """A definition as an admin writes it (create: all of it; update: ``partial=True``)."""

    key = fields.String(required=True, metadata={"description": "a-z0-9_, starts with a letter, ≤ 60"})
    label_fi = _label()
    label_en = _label()
    field_type = fields.String(required=True, validate=codes.OneOf(FIELD_TYPES))
    required = fields.Boolean(load_default=False)
    unique_values = fields.Boolean(load_default=False)
    help_fi = _help()
    help_en = _help()
    choices = _ChoicesField(
        load_default=list,
        metadata={"type": "array", "items": {"$ref": "#/components/schemas/CustomFieldChoice"}},
    )
    position = fields.Integer(load_default=0, validate=codes.Range(min=0, max=100000))

    @pre_load
    def trim(self, data: object, **kwargs: object) -> object:
        if not isinstance(data, dict):
            return data
        cleaned = {key: value.strip() if isinstance(value, str) else value for key, value in data.items()}
        for name in ("help_fi", "help_en"):
            if cleaned.get(name) == "":
                cleaned[name] = None
        return cleaned

    @validates("key")
    def check_key(self, value: str, **kwargs: object) -> None:
        errors = key_errors(value)
        if errors:
            raise ValidationError(errors)


class CustomField(codes.CodedSchema):
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


class CustomFieldList(codes.CodedSchema):
    items = fields.List(fields.Nested(CustomField), required=True)


class CustomFieldEvent(EventEnvelope):
    """Payload of custom_field_created/_updated/_removed/_restored/_purged (schema_version 1)."""

    field = fields.Nested(CustomField)
    values_deleted = fields.Integer(metadata={"description": "custom_field_purged only."})
