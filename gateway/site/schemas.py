"""The OpenAPI schemas of the site's API routes (issue 11 item 4): the shapes their @api_operation
declarations name as `schemas.<Name>`; a name imported "as" itself is re-exported for them."""

from marshmallow import Schema, fields

from gateway.openapi import AnyObject as AnyObject


class Health(Schema):
    status = fields.String(
        metadata={
            "description": "ok; degraded (exports or imports, or their workers, are missing: their jobs "
            "wait); unavailable (503: contacts or audit do not answer)."
        }
    )
    services = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"description": "Each service: ok, or why not."},
    )
    workers = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={
            "description": "Consumers of each job queue (import_worker, exports_worker, mailing_worker, "
            "billing_worker); null: no broker."
        },
    )
    dead_letters = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(allow_none=True),
        metadata={
            "description": "Messages waiting in each dead-letter queue (issue 11 item 6); audit records "
            "waiting there make the status degraded."
        },
    )
