"""The imports service's published events (exchange ``imports.events``, docs/events.md): each event type
with the marshmallow schema of its payload and its schema_version (docs/events/ is generated from it)."""

from marshmallow import Schema, fields

EXCHANGE = "imports.events"


class ImportEnvelope(Schema):
    schema_version = fields.Integer(required=True)
    event_id = fields.UUID(required=True)
    import_id = fields.UUID(required=True)


class ImportJobQueuedEvent(ImportEnvelope):
    """import_job_queued: a job is ready for a worker (internal: the import workers' job queue)."""

    phase = fields.String(required=True, metadata={"description": "validate or commit"})


class ImportCompletedEvent(ImportEnvelope):
    """import_completed: a whole import has been committed."""

    filename = fields.String()
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    unchanged = fields.Integer()
    skipped = fields.Integer()
    errors = fields.Integer()


CATALOGUE: dict[str, dict] = {
    "import_job_queued": {"schema": ImportJobQueuedEvent, "version": 1, "exchange": EXCHANGE},
    "import_completed": {"schema": ImportCompletedEvent, "version": 1, "exchange": EXCHANGE},
}
