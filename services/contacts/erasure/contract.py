"""Contracts of G3/G4 in the contacts service: the erasure request's input, the erasure record as
returned by the RPCs, and the payloads of the erasure events (schema_version 1, docs/events.md)."""

from marshmallow import EXCLUDE, fields

from services.contacts.validation import contract as codes

MAX_REASON = 500


class ErasureInput(codes.CodedSchema):
    """``request_erasure``'s reason: why (e.g. "the person's request of 3.11.2026"), without names."""

    reason = fields.String(
        required=True,
        validate=codes.Length(min=1, max=MAX_REASON),
    )

    class Meta:
        unknown = EXCLUDE


class Erasure(codes.CodedSchema):
    """One right-to-be-forgotten request and how far each service has got."""

    id = fields.UUID()
    contact_id = fields.UUID()
    requested_by = fields.String()
    requested_at = fields.DateTime()
    reason = fields.String(allow_none=True)
    services = fields.Dict(keys=fields.String(), values=fields.String(allow_none=True))
    pending = fields.List(fields.String())
    status = fields.String()
    completed_at = fields.DateTime(allow_none=True)
    import_ids = fields.List(fields.UUID())
    related_ids = fields.List(fields.UUID())


class ErasureRequestedEvent(codes.CodedSchema):
    """``contact_erasure_requested``: erase what you hold about ``contact_id``, then report."""

    schema_version = fields.Integer()
    event_id = fields.UUID()
    erasure_id = fields.UUID()
    contact_id = fields.UUID()
    services = fields.List(fields.String())
    import_ids = fields.List(
        fields.UUID(),
        metadata={
            "description": "The imports that created or changed the person (the imports service "
            "erases their rows)."
        },
    )
    related_ids = fields.List(
        fields.UUID(),
        metadata={
            "description": "Other subjects that named the person (saved searches that held their words, "
            "couples they were in): the audit service redacts their records, the exports service "
            "deletes files holding them."
        },
    )
    match_keys = fields.Dict(
        metadata={
            "description": "Keyed digests of the person's e-mails, phones, names and own words "
            "(piiri/erasure_keys.py): the imports service finds them in uploads and texts that name no "
            "contact id. No value travels."
        },
    )


class ErasureCompletedEvent(codes.CodedSchema):
    """``contact_erasure_completed``: one service has erased its data (``summary``: what, counts)."""

    schema_version = fields.Integer(required=True)
    erasure_id = fields.UUID(required=True)
    contact_id = fields.UUID(required=True)
    service = fields.String(required=True, validate=codes.Length(min=1, max=60))
    summary = fields.Dict(load_default=dict)

    class Meta:
        unknown = EXCLUDE


class ContactErasedEvent(codes.CodedSchema):
    """``contact_erased``: every service has reported; the erasure is complete."""

    schema_version = fields.Integer()
    event_id = fields.UUID()
    erasure_id = fields.UUID()
    contact_id = fields.UUID()
    completed_at = fields.DateTime()
