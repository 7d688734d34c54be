"""/api/v1 contacts: search, create, read, change and delete contacts, and a contact's audit trail (the
JSON API for other systems: bearer token or session cookie + X-CSRF-Token)."""

from gateway.base import int_arg, json_body, search_filters
from gateway.contacts import schemas
from gateway.core import GatewayCore
from gateway.http import http, json_response
from gateway.openapi import api_operation
from gateway.roles import AUDIT_VIEW, DELETE, EDIT, VIEW
from piiri.errors import NotFound


class ContactsApiRoutes(GatewayCore):
    @api_operation(
        "Search contacts: accent- and case-insensitive, prefix and typo tolerant",
        permission="contacts.view",
        query=schemas.ListContactsQuery,
        responses={200: schemas.ContactPage},
        errors=(403, 422),
    )
    @http("GET", "/api/v1/contacts")
    def list_contacts(self, request):
        self.api_principal(request, VIEW)
        args = request.args
        page = self.call(
            "contacts",
            "search_contacts",
            q=args.get("q", ""),
            limit=args.get("limit"),
            cursor=args.get("cursor"),
            filters=search_filters(args),
            sort=args.get("sort") or None,
            direction=args.get("direction") or None,
        )
        return json_response(page)

    @api_operation(
        "Create a contact",
        permission="contacts.edit",
        body=schemas.ContactInput,
        responses={201: (schemas.Contact, "Created")},
        errors=(403, 422),
    )
    @http("POST", "/api/v1/contacts")
    def create_contact(self, request):
        self.api_principal(request, EDIT)
        contact = self.call("contacts", "create_contact", json_body(request))
        return json_response(contact, status=201, headers={"Location": f"/api/v1/contacts/{contact['id']}"})

    @api_operation(
        "One contact", permission="contacts.view", responses={200: schemas.Contact}, errors=(403, 404)
    )
    @http("GET", "/api/v1/contacts/<contact_id>")
    def get_contact(self, request, contact_id):
        self.api_principal(request, VIEW)
        return json_response(self.call("contacts", "get_contact", contact_id))

    @api_operation(
        "Change some fields of a contact",
        permission="contacts.edit",
        body=schemas.ContactInput,
        responses={200: schemas.Contact},
        errors=(403, 404, 422),
    )
    @http("PATCH", "/api/v1/contacts/<contact_id>")
    def update_contact(self, request, contact_id):
        self.api_principal(request, EDIT)
        return json_response(self.call("contacts", "update_contact", contact_id, json_body(request)))

    @api_operation(
        "Delete a contact", permission="contacts.delete", responses={200: "Deleted"}, errors=(403, 404)
    )
    @http("DELETE", "/api/v1/contacts/<contact_id>")
    def delete_contact(self, request, contact_id):
        self.api_principal(request, DELETE)
        return json_response(self.call("contacts", "delete_contact", contact_id))

    @api_operation(
        "Who viewed and changed this contact, newest first",
        permission="audit.view",
        query=schemas.ContactAuditQuery,
        responses={200: schemas.AuditPage},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/audit")
    def contact_audit(self, request, contact_id):
        principal = self.api_principal(request, AUDIT_VIEW)
        # C6: a scoped caller gets a contact's trail only once the contact is visible to them.
        if principal.access.scoped and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        page = self.subject_events(
            principal, contact_id, int_arg(request.args, "limit", 50), request.args.get("cursor")
        )
        # A deleted contact keeps its trail; an id that never existed is a 404.
        if not page["items"] and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        return json_response(page)

    @api_operation(
        "Who has seen this contact's data: each reader with their reads and the last, latest first",
        permission="audit.view",
        responses={200: schemas.SubjectReaders},
        errors=(403, 404),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/readers")
    def contact_readers(self, request, contact_id):
        principal = self.api_principal(request, AUDIT_VIEW)
        # C6: a scoped caller learns who read a contact only once the contact is visible to them.
        if principal.access.scoped and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        readers = self.call("audit", "subject_readers", contact_id)
        if not readers["readers"] and not self.call("contacts", "contact_exists", contact_id):
            raise NotFound(f"No contact with id {contact_id}.", {"id": contact_id})
        return json_response(readers)

    @api_operation(
        "The contact's field changes with their old and new values, newest first",
        permission="audit.view",
        query=schemas.ContactChangesQuery,
        responses={200: schemas.ContactChanges},
        errors=(403, 404, 422),
    )
    @http("GET", "/api/v1/contacts/<contact_id>/changes")
    def contact_changes(self, request, contact_id):
        self.api_principal(request, AUDIT_VIEW)
        limit = int_arg(request.args, "limit", 20)
        return json_response(self.call("contacts", "contact_changes", contact_id, limit))
