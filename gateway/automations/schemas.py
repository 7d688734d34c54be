"""The OpenAPI schemas of the automations API routes (issue 11 item 4): the shapes their
@api_operation declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import component
from services.contacts.automations.contract import Automation as Automation
from services.contacts.automations.contract import AutomationInput as AutomationInput
from services.contacts.automations.contract import AutomationList as AutomationList
from services.contacts.automations.contract import (
    DryRun,
    DryRunInput,
    RunPage,
)


class AutomationsRunsQuery(Schema):
    limit = fields.Integer(metadata={"minimum": 1})
    cursor = fields.String()


component("AutomationDryRunInput", DryRunInput)
component("AutomationDryRun", DryRun)
component("AutomationRunPage", RunPage)
