"""ImportWorker (I1): the separately scaled Nameko service that runs import jobs in the background.

It consumes the durable, shared ``import_job_queued`` queue (one consumer group: any instance takes a
job), claims the job with a heartbeat, validates every row or commits the valid rows chunk by chunk
through ``contacts.upsert_batch`` and persists the cursor after each chunk. A timer picks up jobs whose
worker died (heartbeat older than IMPORT_STALE_SECONDS) and continues after the last committed chunk;
the contacts service commits each chunk once, so no row is written twice or lost.
"""

import json
import logging
import os
import socket
import uuid
from datetime import UTC, datetime

import eventlet
from nameko.events import SERVICE_POOL, event_handler
from nameko.extensions import DependencyProvider
from nameko.rpc import RpcProxy
from nameko.timer import timer

from piiri.audit import AuditTrail
from piiri.context import Actor, Context
from piiri.db import Database
from piiri.errors import PiiriError, ValidationFailed
from piiri.outbox import Outbox
from services.imports import jobs, models, pipeline
from services.imports.reading import ImportFileError

log = logging.getLogger(__name__)

QUEUED = "import_job_queued"
PROGRESS_EVERY = 2000
ERROR_BATCH = 500


class WorkerSettings(DependencyProvider):
    """This process's worker id and its settings (IMPORT_STALE_SECONDS, IMPORT_CHUNK_ROWS)."""

    def setup(self):
        config = self.container.config
        self.settings = {
            "worker_id": f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
            "stale_seconds": int(config.get("IMPORT_STALE_SECONDS", 30)),
            "chunk_rows": int(config.get("IMPORT_CHUNK_ROWS", pipeline.CHUNK_ROWS)),
        }

    def get_dependency(self, worker_ctx):
        return self.settings


class JobLost(Exception):
    """The job was cancelled or taken over by another worker: stop without writing more."""


class ImportWorker:
    name = "import_worker"

    db = Database("imports")
    context = Context()
    audit = AuditTrail("imports")
    outbox = Outbox("imports", models.outbox)
    contacts = RpcProxy("contacts")
    settings = WorkerSettings()

    @event_handler("imports", QUEUED, handler_type=SERVICE_POOL, reliable_delivery=True)
    def on_job_queued(self, payload):
        self.run_job(payload["import_id"])

    @timer(interval=5)
    def pick_up_stale_jobs(self):
        """Jobs whose worker died (or whose queue message was lost) continue here."""
        stale = jobs.stale_jobs(self.db.session, self.settings["stale_seconds"])
        self.db.session.rollback()
        for job_id in stale:
            log.warning("import %s: its worker stopped beating; continuing it", job_id)
            self.run_job(job_id)

    def run_job(self, job_id):
        with self.db.transaction() as session:
            job = jobs.claim(session, job_id, self.settings["worker_id"], self.settings["stale_seconds"])
        if job is None:
            return
        self.context.act_as(Actor.from_header(json.dumps(job["actor"])))
        try:
            table = pipeline.open_file(jobs.file_data(self.db.session, job["id"]), job)
            self.db.session.rollback()
            custom = [f for f in self.contacts.list_custom_fields()["items"] if not f.get("removed_at")]
            validator = pipeline.validator(job, custom, table.headers)
            if validator.errors_of_mapping:
                raise ValidationFailed("The mapping is not valid.", validator.errors_of_mapping)
            if job["phase"] == "validate":
                self._validate(job, table, validator)
            else:
                self._commit(job, table, validator)
        except JobLost:
            log.info("import %s: stopped (cancelled or taken over)", job["id"])
        except ImportFileError as exc:
            self._fail(job, exc.as_dict())
        except PiiriError as exc:
            self._fail(job, {"code": exc.code, "message": exc.message, "details": exc.details})

    # --- phases ---------------------------------------------------------------------------------

    def _validate(self, job, table, validator):
        count = invalid = 0
        pending = []
        for row_number, cells, _values, errors in pipeline.validated_rows(table, validator):
            count += 1
            if errors:
                invalid += 1
                pending.append((row_number, pipeline.jsonable(errors), pipeline.jsonable(cells)))
            if len(pending) >= ERROR_BATCH or count % PROGRESS_EVERY == 0:
                self._progress(job, pending, validated_rows=count, invalid_rows=invalid)
                pending = []
        with self.db.transaction() as session:
            self._beat(session, job)
            jobs.add_row_errors(session, job["id"], pending)
            jobs.update_job(
                session,
                job["id"],
                status="validated",
                phase=None,
                validated_rows=count,
                invalid_rows=invalid,
                total_rows=count,
                worker_id=None,
            )

    def _commit(self, job, table, validator):
        options = dict(job["options"] or {})
        all_or_nothing = options.get("commit_mode", "all_or_nothing") == "all_or_nothing"
        send = {**options, "file_name": job["filename"], "source": "import"}
        chunk_no, counts, committed = job["next_chunk"], dict(job["counts"] or {}), job["committed_rows"]
        chunk_rows = self.settings["chunk_rows"]
        for rows, next_row, invalid in pipeline.chunks(table, validator, job["next_row"], chunk_rows):
            if invalid and all_or_nothing:
                self._progress(job, invalid)
                raise ValidationFailed(
                    f"{len(invalid)} rows have errors; nothing was imported.", {"invalid_rows": len(invalid)}
                )
            result = {"rows": []}
            if rows:
                result = self.contacts.upsert_batch(str(job["id"]), chunk_no, rows, send)
                counts = pipeline.add_counts(counts, result)
                chunk_no += 1
            counts["errors"] = counts.get("errors", 0) + len(invalid)
            refused = [
                (int(r["row"]), {"": _as_text(r["errors"])}, [])
                for r in result["rows"]
                if r["action"] == "error"
            ]
            committed += len(rows)
            with self.db.transaction() as session:
                self._beat(session, job)
                jobs.add_row_errors(session, job["id"], invalid + refused)
                jobs.update_job(
                    session,
                    job["id"],
                    next_chunk=chunk_no,
                    next_row=next_row,
                    committed_rows=committed,
                    counts=counts,
                )
            eventlet.sleep(0)
        with self.db.transaction() as session:
            self._beat(session, job)
            done = jobs.update_job(
                session, job["id"], status="done", phase=None, worker_id=None, finished_at=datetime.now(UTC)
            )
            subjects = [job["id"]]
            details = {"filename": job["filename"], "rows": committed, **counts}
            self.audit.write(
                self.outbox, session, self.context.actor, "import.completed", "import", subjects, (), details
            )
            self.outbox.event(session, "import_completed", {"import_id": str(job["id"]), **details})
        self.outbox.flush()
        return done

    # --- helpers ----------------------------------------------------------------------------------

    def _beat(self, session, job):
        if not jobs.heartbeat(session, job["id"], self.settings["worker_id"]):
            raise JobLost()

    def _progress(self, job, errors, **values):
        with self.db.transaction() as session:
            self._beat(session, job)
            jobs.add_row_errors(session, job["id"], errors)
            if values:
                jobs.update_job(session, job["id"], **values)
        eventlet.sleep(0)  # reading and validating are CPU work: let heartbeats and other greenlets run

    def _fail(self, job, error):
        """A job that cannot go on: an all-or-nothing commit is undone in the contacts service first."""
        current = jobs.get_job(self.db.session, job["id"])
        self.db.session.rollback()
        if current["phase"] == "commit" and current["next_chunk"] > 1:
            try:
                self.contacts.undo_import(str(job["id"]))
                error = {**error, "undone": True}
            except PiiriError as exc:
                error = {**error, "undo_failed": exc.message}
        with self.db.transaction() as session:
            jobs.update_job(
                session,
                job["id"],
                status="failed",
                phase=None,
                worker_id=None,
                error=pipeline.jsonable(error),
                finished_at=datetime.now(UTC),
            )


def _as_text(errors):
    """The contacts service's row errors ({field: [messages]}) as one row-level message."""
    parts = []
    for field, messages in (errors or {}).items():
        texts = messages if isinstance(messages, list) else [messages]
        parts.append(f"{field}: {' '.join(str(text) for text in texts)}")
    return "; ".join(parts)
