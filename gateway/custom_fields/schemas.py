"""The OpenAPI schemas of the custom_fields API routes (issue 11 item 4): the shapes their "
"declarations name."""

from marshmallow import Schema, fields

from gateway.openapi import component
from services.contacts.custom_fields.contract import Choice
from services.contacts.custom_fields.contract import CustomField as CustomField
from services.contacts.custom_fields.contract import CustomFieldInput as CustomFieldInput
from services.contacts.custom_fields.contract import CustomFieldList as CustomFieldList


class CustomFieldsListQuery(Schema):
    include_removed = fields.Boolean()


class CustomFieldsRemoveQuery(Schema):
    purge = fields.Boolean()


component("CustomFieldChoice", Choice)
