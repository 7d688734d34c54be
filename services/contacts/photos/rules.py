"""Pure rules of contact photos (C2): the image type read from the bytes themselves, and the size limit."""

import base64
import binascii

from piiri.errors import ValidationFailed, coded
from services.contacts.photos.contract import MAX_BYTES


def image_type(data):
    """'image/jpeg', 'image/png' or 'image/webp' by the file's magic bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode(data_base64):
    """The bytes of base64 text; None if it is not base64."""
    if not isinstance(data_base64, str):
        return None
    try:
        return base64.b64decode(data_base64, validate=True)
    except (binascii.Error, ValueError):
        return None


def refusal(problem):
    """The ValidationFailed of a photo ``problem`` (a code or ``coded`` entry): its code is the problem's."""
    code, params = (problem["code"], problem["params"]) if isinstance(problem, dict) else (problem, {})
    return ValidationFailed(code, {"photo": [problem]}, params)


def photo_problem(data):
    """Why ``data`` cannot be a contact's photo, a code or ``coded`` entry (None if it can): empty, too
    big, not JPEG/PNG/WebP."""
    if data is None:
        return "err.photo_base64"
    if not data:
        return "err.photo_empty"
    if len(data) > MAX_BYTES:
        return coded("err.photo_too_big", size=f"{len(data) / 1024 / 1024:.1f}")
    if image_type(data) is None:
        return "err.photo_type"
    return None
