"""The contacts service's validation errors as codes (issue 11 item 5).

Every finding of the service's validators is a stable code (``contact.too_long``) or a ``coded`` entry
with the values its text needs (``{"code": "contact.too_long", "params": {"max": 100}}``), never a
sentence; the gateway words the codes in the user's language (``gateway/contacts/locale``...).

- ``CodedSchema`` is the base of the service's marshmallow schemas: marshmallow's own findings (a
  missing or null value, a value of the wrong type, an unknown field) become codes when a field is
  bound, by the kind of field.
- ``Length``, ``OneOf``, ``Range``, ``Regexp`` and ``URL`` are marshmallow's validators (so the OpenAPI
  document still shows their limits) whose findings are codes; a given ``error`` must be a code.
- ``invalid(details)`` is the error of input that breaks the rules: ``contact.invalid`` with each
  field's codes.
"""

from collections.abc import Mapping, Sized
from typing import Any

from marshmallow import Schema, fields, validate

from piiri.errors import ValidationFailed, coded, is_code

INVALID = "contact.invalid"
REQUIRED = "contact.required"
VALUE_INVALID = "contact.value_invalid"
UNKNOWN_FIELD = "contact.unknown_field"

# the code of a field's "invalid" finding by the kind of field (the first match in the field's classes)
INVALID_BY_FIELD: tuple[tuple[type[fields.Field[Any]], str], ...] = (
    (fields.Email, "contact.email_invalid"),
    (fields.DateTime, "contact.date_invalid"),
    (fields.Date, "contact.date_invalid"),
    (fields.Number, "contact.number_invalid"),
    (fields.Boolean, "contact.boolean_invalid"),
    (fields.UUID, "contact.id_invalid"),
    (fields.List, "contact.list_invalid"),
)


def _invalid_code(field: fields.Field[Any]) -> str:
    return next((code for kind, code in INVALID_BY_FIELD if isinstance(field, kind)), VALUE_INVALID)


class CodedSchema(Schema):
    """A schema whose every finding is a code: see the module docstring."""

    error_messages = {"unknown": UNKNOWN_FIELD, "type": VALUE_INVALID}

    def on_bind_field(self, field_name: str, field_obj: fields.Field[Any]) -> None:
        super().on_bind_field(field_name, field_obj)
        _code_messages(field_obj)


def _code_messages(field_obj: fields.Field[Any]) -> None:
    """The field's messages as codes, and those of a list's items and a dict's values too (a list of ages
    with a word in it: ``contact.number_invalid``, not marshmallow's English)."""
    field_obj.error_messages = {
        key: message if is_code(message) else _field_code(field_obj, key)
        for key, message in field_obj.error_messages.items()
    }
    for inner in (getattr(field_obj, "inner", None), getattr(field_obj, "value_field", None)):
        if isinstance(inner, fields.Field):
            _code_messages(inner)


def _field_code(field: fields.Field[Any], key: str) -> str:
    if key in ("required", "null"):
        return REQUIRED
    if key == "too_large":
        return "contact.number_invalid"
    return _invalid_code(field)


class Length(validate.Length):
    """``validate.Length`` finding ``contact.too_long`` / ``contact.too_short`` (text) or
    ``contact.too_many`` / ``contact.too_few`` (lists), with ``max`` / ``min``; an empty text finds
    ``contact.required``."""

    def _format_error(self, value: Sized, message: str) -> Any:
        if self.error is not None:
            return self.error
        text = isinstance(value, str)
        if self.equal is not None:
            return coded("contact.length_exact", n=self.equal)
        if self.max is not None and len(value) > self.max:
            return coded("contact.too_long" if text else "contact.too_many", max=self.max)
        if (
            isinstance(value, str) and not value.strip()
        ):  # an empty text where one is needed: "required", not "too short"
            return REQUIRED
        return coded("contact.too_short" if text else "contact.too_few", min=self.min)


class OneOf(validate.OneOf):
    """``validate.OneOf`` finding ``contact.choice``."""

    def _format_error(self, value: Any) -> Any:
        return self.error if is_code(self.error) else "contact.choice"


class Range(validate.Range):
    """``validate.Range`` finding ``contact.out_of_range`` with ``min`` and ``max`` ("–" for none)."""

    def _format_error(self, value: Any, message: str) -> Any:
        if is_code(self.error):
            return self.error
        low = "–" if self.min is None else self.min
        high = "–" if self.max is None else self.max
        return coded("contact.out_of_range", min=low, max=high)


class Regexp(validate.Regexp):
    """``validate.Regexp`` finding its ``error`` (a code) or ``contact.format_invalid``."""

    def _format_error(self, value: Any) -> Any:
        return self.error if is_code(self.error) else "contact.format_invalid"


class URL(validate.URL):
    """``validate.URL`` finding ``contact.website_invalid``."""

    def _format_error(self, value: Any) -> Any:
        return self.error if is_code(self.error) else "contact.website_invalid"


def invalid(details: Mapping[str, Any]) -> ValidationFailed:
    """The error of input that breaks the rules: ``contact.invalid`` with each field's codes."""
    return ValidationFailed(INVALID, dict(details))
