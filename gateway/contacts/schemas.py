"""The OpenAPI schemas of the contacts API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import INCLUDE, Schema, fields

from gateway.openapi import AnyObject as AnyObject
from gateway.openapi import Error as Error
from services.audit.contract import AuditEventPage as AuditPage  # noqa: F401  (re-exported for api.py)
from services.audit.contract import SubjectReaders as SubjectReaders
from services.contacts.contract import Contact as ContactFields
from services.contacts.contract import ContactInput as ContactInput
from services.contacts.contract import ContactPage as ContactPage
from services.contacts.history.contract import ContactChanges as ContactChanges


class Contact(ContactFields):
    """A contact as the API answers it: its fields, its custom values and, from GET, every feature's part
    of its record (names, statuses, affiliations, groups, consents and legal bases, …) under their own
    keys."""

    class Meta:
        unknown = INCLUDE

    custom = fields.Dict(
        keys=fields.String(),
        metadata={"description": "Custom field values by key (C3). See CustomField."},
    )
    redirected_from = fields.UUID(
        metadata={"description": "C11: the merged contact's id that was asked for; this is its survivor."}
    )


class ContactAuditQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 500, "default": 50})
    cursor = fields.String()


class ContactChangesQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 20})


class ListContactsQuery(Schema):
    q = fields.String()
    limit = fields.Integer(metadata={"minimum": 1, "maximum": 200, "default": 25})
    cursor = fields.String(metadata={"description": "next_cursor of the previous page (of the same sort)"})
    sort = fields.String(
        metadata={
            "enum": ["name", "email", "city", "birth_date", "created_at", "updated_at"],
            "description": "Order of the rows (default: name; a typo-tolerant match best first). Text in "
            "Finnish order (Å, Ä, Ö after Z); rows without the value come last.",
        }
    )
    direction = fields.String(metadata={"enum": ["asc", "desc"], "default": "asc"})
    organisation_id = fields.String(
        metadata={
            "description": "C2: persons linked now (link not ended) to this organisation (a merged-away id finds the survivor's people); `<id>:<role>` or organisation_role narrows it to one role."  # noqa: E501
        }
    )
    organisation_role = fields.String(
        metadata={
            "enum": ["employee", "board_member", "chair", "member", "contact_person", "volunteer", "other"],
            "description": "C2: with organisation_id: in this role there; alone: in this role anywhere.",
        }
    )
    custom__key__ = fields.String(
        metadata={
            "description": "Custom field filter (C3), e.g. `custom.jasenlaji=varsinainen`: equal to the value, case- and accent-insensitively (numbers as 1234,5 or 1234.5; dates as d.m.yyyy or yyyy-mm-dd; booleans as true/false); a multi_choice field: holds the value. `custom.{key}__gte` and `custom.{key}__lte`: at least / at most, for number and date fields. A key that names no active field matches no contact."  # noqa: E501
        },
        data_key="custom.{key}",
    )
    custom_text = fields.String(
        metadata={"description": "Contacts whose text or choice custom values contain every word."}
    )
    consent = fields.String(
        metadata={
            "description": "G1: only contacts whose current (latest) consent for this purpose code is given, e.g. consent=newsletter."  # noqa: E501
        }
    )
    group_id = fields.UUID(
        metadata={"description": "Only active members of this group or any of its subgroups (C7)."}
    )
    direct_group_id = fields.UUID(metadata={"description": "Only active direct members of this group (C7)."})
    member = fields.String(
        metadata={
            "enum": ["true", "false"],
            "description": "C7: true keeps the members (an active membership in some group today), false the others.",  # noqa: E501
        }
    )
    joined_from = fields.Date(
        metadata={"description": "C7: contacts with a membership that started from this day to today."}
    )
    left_from = fields.Date(
        metadata={"description": "C7: contacts with a membership that ended from this day to today."}
    )
    deceased = fields.String(
        metadata={
            "enum": ["exclude", "only", "include"],
            "default": "include",
            "description": "C14: leave out the deceased (exclude), list only them (only), or both (include).",
        }
    )
    with_active_status = fields.String(
        metadata={
            "description": "C9: only people with an active status of this kind code, or of any kind ('any')."
        }
    )
    exclude_active_status = fields.String(
        metadata={
            "description": "C9: leave out people with an active status of this kind, or of any kind ('any')."
        }
    )
    one_per_couple = fields.String(
        metadata={
            "enum": ["true", "false"],
            "description": "C10: true keeps, of each couple, only the member with the smaller id (the other is left out even when the kept member is itself left out by another filter).",  # noqa: E501
        }
    )
