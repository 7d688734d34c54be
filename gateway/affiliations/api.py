"""/api/v1 routes of person-organisation links and contact photos (C2)."""

import base64

from werkzeug.wrappers import Response

from gateway.affiliations import schemas
from gateway.base import json_body
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation, file_response
from gateway.roles import EDIT, VIEW
from piiri.errors import ValidationFailed, coded
from services.contacts.photos.contract import MAX_BYTES

# A multipart body carries a little more than the image: its boundaries and part headers.
MAX_UPLOAD = MAX_BYTES + 64 * 1024
PHOTO_HEADERS = {"Cache-Control": "private, no-store"}


def photo_response(photo):
    """The image bytes as the service read them (an audited read), never cached."""
    return Response(
        base64.b64decode(photo["data_base64"]), mimetype=photo["content_type"], headers=PHOTO_HEADERS
    )


def uploaded_photo(request):
    """(declared type, base64 text) of a PUT/POST body: the raw image, or the first file of a
    multipart form; a clear error for a body that is too big or has no file."""
    if request.content_length is not None and request.content_length > MAX_UPLOAD:
        size = f"{request.content_length / 1024 / 1024:.1f}"
        raise ValidationFailed(
            "err.photo_too_big", {"photo": [coded("err.photo_too_big", size=size)]}, {"size": size}
        )
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("photo") or next(iter(request.files.values()), None)
        if upload is None or not upload.filename:
            raise ValidationFailed("err.photo_choose", {"photo": ["err.photo_choose"]})
        data, declared = upload.stream.read(MAX_UPLOAD), upload.mimetype
    else:
        data, declared = request.stream.read(MAX_UPLOAD), request.mimetype
    return declared, base64.b64encode(data).decode("ascii")


class AffiliationsApiRoutes(GatewayCore):
    @api_operation(
        "C2: a person's organisations (every link, primary first; audited read)",
        permission="contacts.view",
        responses={200: schemas.AffiliationsOfPersonResponse},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/organisations")
    def api_affiliations_of_person(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response({"items": self.call("contacts", "list_affiliations", contact_id)})

    @api_operation(
        (
            "C2: link the person to an organisation with a role (is_primary: the person's one main "
            "organisation; setting it unsets the old one)"
        ),
        permission="contacts.edit",
        body=schemas.AffiliationInput,
        responses={201: (schemas.Affiliation, "Linked")},
        errors=(403, 404, 409, 422),
    )
    @http("POST", "/api/v1/contacts/<contact_id>/organisations")
    def api_affiliation_add(self, request, contact_id):
        self.api_principal(request, EDIT)
        link = self.call("contacts", "add_affiliation", contact_id, json_body(request))
        return json_response(link, status=201)

    @api_operation(
        "C2: an organisation's people by name (keyset paging; audited read)",
        permission="contacts.view",
        query=schemas.AffiliationPeopleQuery,
        responses={200: schemas.PeoplePage},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/people")
    def api_affiliation_people(self, request, contact_id):
        self.api_principal(request, VIEW)
        args = request.args
        page = self.call(
            "contacts",
            "list_organisation_people",
            contact_id,
            limit=args.get("limit") or None,
            cursor=args.get("cursor") or None,
            role=args.get("role") or None,
            include_ended=args.get("include_ended") or False,
        )
        return json_response(page)

    @api_operation(
        "C2: change a link's role, title, dates or primary mark",
        permission="contacts.edit",
        body=schemas.AffiliationChanges,
        responses={200: schemas.Affiliation},
        errors=(403, 404, 409, 422),
    )
    @http("PATCH", "/api/v1/affiliations/<affiliation_id>")
    def api_affiliation_update(self, request, affiliation_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "update_affiliation", affiliation_id, json_body(request)))

    @api_operation(
        "C2: remove a link",
        permission="contacts.edit",
        responses={200: (schemas.Affiliation, "Removed")},
        errors=(403, 404, 422),
    )
    @http("DELETE", "/api/v1/affiliations/<affiliation_id>")
    def api_affiliation_remove(self, request, affiliation_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_affiliation", affiliation_id))

    # --- photos -------------------------------------------------------------------------------

    @api_operation(
        "C2: the contact's photo as image bytes (audited read; Cache-Control: private, no-store)",
        permission="contacts.view",
        responses={200: file_response("image/jpeg", "image/png", "image/webp", description="The image")},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/photo")
    def api_photo_get(self, request, contact_id):
        self.api_principal(request, VIEW)
        return photo_response(self.call("contacts", "get_photo", contact_id))

    @api_operation(
        (
            "C2: set the photo: JPEG, PNG or WebP (by the bytes, not the declared type), 2 MB at most; "
            "the raw image as the body, or multipart with a file field 'photo'"
        ),
        permission="contacts.edit",
        body=file_response("image/jpeg", "image/png", "image/webp"),
        form=schemas.PhotoPutForm,
        responses={200: (schemas.PhotoInfo, "Stored")},
        errors=(403, 404, 409, 422),
    )
    @http("PUT", "/api/v1/contacts/<contact_id>/photo")
    def api_photo_put(self, request, contact_id):
        self.api_principal(request, EDIT)
        declared, data = uploaded_photo(request)
        return json_response(self.call("contacts", "set_photo", contact_id, declared, data))

    @api_operation(
        "C2: remove the photo", permission="contacts.edit", responses={200: "Removed"}, errors=(403, 404, 422)
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>/photo")
    def api_photo_delete(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "remove_photo", contact_id))
