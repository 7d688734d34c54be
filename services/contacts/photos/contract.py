"""Published contract of contact photos (C2, version 1): RPC answers and event payloads."""

from marshmallow import fields

from services.contacts.contract import EventEnvelope
from services.contacts.validation import contract as codes

MAX_BYTES = 2 * 1024 * 1024  # the largest photo accepted
TYPES = ("image/jpeg", "image/png", "image/webp")


class PhotoInfo(codes.CodedSchema):
    """A photo without its bytes (set_photo's answer, get_contact's ``photo`` part)."""

    contact_id = fields.UUID(required=True)
    content_type = fields.String(required=True, metadata={"enum": list(TYPES)})
    size = fields.Integer(metadata={"description": "Bytes."})
    updated_at = fields.DateTime()


class Photo(PhotoInfo):
    """get_photo's answer."""

    data_base64 = fields.String(required=True)


class PhotoEvent(EventEnvelope):
    """photo_changed / photo_removed (the image itself is never in an event: read it with get_photo)."""

    contact_id = fields.UUID(required=True)
    content_type = fields.String()
    size = fields.Integer()
