"""ImportWorker (I1): the separately scaled Nameko service that runs import jobs in the background.

It consumes the durable, shared ``import_job_queued`` queue (one consumer group: any instance takes a
job) and claims the job with a heartbeat. Validation reads the file, stores each row's errors and the
valid rows in numbered batches; the commit sends those batches through ``contacts.upsert_batch`` and
persists the cursor after each. A timer picks up jobs whose worker died (heartbeat older than
IMPORT_STALE_SECONDS): a validation starts again, a commit continues after the last committed chunk;
the contacts service commits each chunk once, so no row is written twice or lost.
"""

import collections
import json
import logging
import os
import socket
import uuid
from datetime import UTC, datetime

import eventlet
from nameko.dependency_providers import Config
from nameko.events import SERVICE_POOL, event_handler
from nameko.exceptions import RemoteError
from nameko.extensions import DependencyProvider
from nameko.timer import timer

from piiri.audit import AuditTrail
from piiri.context import Actor, Context
from piiri.db import Database
from piiri.errors import NotFound, PiiriError, ValidationFailed
from piiri.outbox import Outbox
from piiri.rpc import RpcProxy
from services.imports import jobs, models, pipeline, retention
from services.imports.contract import load_options
from services.imports.limits import Limits
from services.imports.reading import ImportFileError

log = logging.getLogger(__name__)

QUEUED = "import_job_queued"
IN_FLIGHT = 3  # chunks sent before the reply to the oldest (IMPORT_CHUNKS_IN_FLIGHT)


class WorkerSettings(DependencyProvider):
    """This process's worker id and its settings (IMPORT_STALE_SECONDS, IMPORT_CHUNK_ROWS,
    IMPORT_CHUNKS_IN_FLIGHT)."""

    def setup(self):
        config = self.container.config
        self.settings = {
            "worker_id": f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}",
            "stale_seconds": int(config.get("IMPORT_STALE_SECONDS", 30)),
            "chunk_rows": int(config.get("IMPORT_CHUNK_ROWS", pipeline.CHUNK_ROWS)),
            # chunks sent ahead of the reply to the oldest: the contacts service checks the next
            # chunks' rows while it writes this one, and commits those that depend on no chunk in
            # flight beside it on their own connections (issue 17)
            "in_flight": max(1, int(config.get("IMPORT_CHUNKS_IN_FLIGHT", IN_FLIGHT))),
            "limits": Limits.from_config(config),  # what a file may be (IMPORT_MAX_*, limits.py)
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
    # a chunk of IMPORT_CHUNK_ROWS rows takes longer than an ordinary call (issue 11: RPC deadlines)
    contacts = RpcProxy("contacts", timeout_key="IMPORT_RPC_TIMEOUT", default=120)
    settings = WorkerSettings()
    config = Config()

    @timer(interval=retention.EXPIRY_INTERVAL)
    def expire_data(self):
        """Delete the files and rows of imports past IMPORT_KEEP_HOURS (G5), here and not in the imports
        service's processes that answer staff (issue 18); every worker may run it (row locks)."""
        try:
            return retention.expire_data(self.db, self.config)
        except Exception:
            log.exception("imports: deleting expired import data failed; the next look tries again")
            return 0

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
            if job["phase"] == "validate":
                self._validate(job)
            else:
                self._commit(job)
        except JobLost:
            log.info("import %s: stopped (cancelled or taken over)", job["id"])
        except ImportFileError as exc:
            self._fail(job, exc.as_dict())
        except PiiriError as exc:
            self._fail(
                job, {"code": exc.code, "message": exc.message, "params": exc.params, "details": exc.details}
            )
        except Exception:  # e.g. a RemoteError from the contacts service: retrying would fail again
            log.exception("import %s failed", job["id"])
            self._fail(
                job,
                {"code": "unexpected", "message": "import.job.unexpected"},
            )

    # --- phases ---------------------------------------------------------------------------------

    def _validate(self, job):
        """Every row checked; errors stored per row, and the valid rows stored in the numbered batches
        the commit sends (pipeline.batches), so the commit reads no file. A validation continued after
        a worker restart starts again from the first row and writes the same batches.

        Each batch's duplicate matching (``contacts.match_import_rows``) is asked for without waiting:
        the next batch is read and checked meanwhile. Its answer gives the batch's counts and the chunk
        it must commit after (pipeline.ChunkOrder), stored with it. The match keys of the rows read so
        far are kept in import_seen_keys as digests under this run's salt (memory stays flat however
        long the file); a validation run again starts with none."""
        table = pipeline.open_file(jobs.file_data(self.db.session, job["id"]), job, self.settings["limits"])
        self.db.session.rollback()
        custom = [f for f in self.contacts.list_custom_fields()["items"] if not f.get("removed_at")]
        validator = pipeline.validator(job, custom, table.headers)
        if validator.errors_of_mapping:
            raise ValidationFailed("import.mapping.invalid", validator.errors_of_mapping)
        options = load_options(job["options"])
        progress = {"count": 0, "invalid": 0, "kinds": pipeline.count_kinds({}, {})}
        order = pipeline.ChunkOrder(bool(options["match_on"]))
        salt = os.urandom(16)  # of the seen keys' digests: it lives only as long as this run
        with self.db.transaction() as session:
            jobs.forget_keys(session, job["id"])  # of an earlier run of this validation
        pending = collections.deque()  # (chunk_no, rows, next_row, errors, seen, data, reply), oldest first
        for chunk_no, rows, next_row, errors, seen in pipeline.batches(
            table, validator, self.settings["chunk_rows"]
        ):
            data = pipeline.dump_batch(rows) if chunk_no is not None else None
            reply = None
            if data is not None and options["match_on"]:
                reply = self.contacts.match_import_rows.call_async(data.decode(), options)
            pending.append((chunk_no, rows, next_row, errors, seen, data, reply))
            while len(pending) > self.settings["in_flight"]:
                self._store_validated(job, pending.popleft(), progress, salt, order)
            eventlet.sleep(0)  # reading and validating are CPU work: let heartbeats and other greenlets run
        while pending:
            self._store_validated(job, pending.popleft(), progress, salt, order)
        with self.db.transaction() as session:
            self._beat(session, job)
            jobs.forget_keys(session, job["id"])
            jobs.update_job(
                session,
                job["id"],
                status="validated",
                phase=None,
                validated_rows=progress["count"],
                invalid_rows=progress["invalid"],
                total_rows=progress["count"],
                counts={"found": progress["kinds"]},
                worker_id=None,
            )

    def _store_validated(self, job, batch, progress, salt, order):
        """One validated batch stored, in one transaction, with its errors, its match counts, the chunk
        it commits after and its rows' match keys (digests under this run's ``salt``)."""
        chunk_no, rows, next_row, errors, seen, data, reply = batch
        found = pipeline.digested(reply.result()["rows"], salt) if reply is not None else None
        progress["count"] += seen
        progress["invalid"] += len(errors)
        with self.db.transaction() as session:
            self._beat(session, job)
            after = None
            if found is not None:
                after = self._match_across_batches(session, job["id"], chunk_no, found, progress, order)
            elif data is not None:
                progress["kinds"] = {**progress["kinds"], "new": progress["kinds"]["new"] + len(rows)}
                after = order.after(chunk_no, ())
            jobs.add_row_errors(session, job["id"], errors)
            if data is not None:
                jobs.store_batch(session, job["id"], chunk_no, next_row, len(rows), data, after)
            jobs.update_job(
                session, job["id"], validated_rows=progress["count"], invalid_rows=progress["invalid"]
            )

    @staticmethod
    def _match_across_batches(session, job_id, chunk_no, found, progress, order):
        """The batch's rows against the keys of the rows before it (import_seen_keys): their counts
        (new, in the file already, ...) added to ``progress``, its keys remembered; returns the chunk
        it commits after."""
        marks = pipeline.marks_of(found)
        known = jobs.seen_keys(session, job_id, marks)
        first_rows = {mark: first for mark, (first, _) in known.items()}
        last_chunks = {mark: last for mark, (_, last) in known.items()}
        progress["kinds"] = pipeline.count_kinds(progress["kinds"], pipeline.match_kinds(found, first_rows))
        after = order.after(chunk_no, found, last_chunks)
        remembered = {mark: (first_rows.get(mark, 0), last_chunks[mark]) for mark in marks}
        jobs.remember_keys(session, job_id, remembered, known)
        return after

    def _commit(self, job):
        """The stored batches from the restart cursor on, each through ``contacts.upsert_batch`` (which
        commits a chunk once, after the chunks up to its stored ``after_chunk``), the cursor saved after
        each reply, in the chunks' order. IMPORT_CHUNKS_IN_FLIGHT chunks are sent ahead, so the contacts
        service checks the next chunks' rows while it writes one, and writes those that depend on no
        chunk in flight beside it; after a restart the chunks already committed are replayed, not
        written again."""
        options = dict(job["options"] or {})
        if job["invalid_rows"] and options.get("commit_mode", "all_or_nothing") == "all_or_nothing":
            raise ValidationFailed(
                "import.job.rows_invalid",
                {"invalid_rows": job["invalid_rows"]},
                params={"count": job["invalid_rows"]},
            )
        send = {**options, "file_name": job["filename"], "source": "import"}
        chunk_no, counts, committed = job["next_chunk"], dict(job["counts"] or {}), job["committed_rows"]
        if chunk_no == 1:
            counts["errors"] = job["invalid_rows"]  # the rows left out (valid_rows mode)
        last = jobs.last_batch_number(self.db.session, job["id"])
        self.db.session.rollback()
        in_flight = collections.deque()  # (chunk_no, row count, next_row, reply), oldest first
        next_to_send = chunk_no
        while next_to_send <= last or in_flight:
            while next_to_send <= last and len(in_flight) < self.settings["in_flight"]:
                in_flight.append(self._send_batch(job, next_to_send, send))
                next_to_send += 1
            sent_no, row_count, next_row, reply = in_flight.popleft()
            result = reply.result()
            counts = pipeline.add_counts(counts, result)
            refused = [
                (int(r["row"]), {"": _findings(r["errors"])}, [])
                for r in result["rows"]
                if r["action"] == "error"
            ]
            committed += row_count
            with self.db.transaction() as session:
                self._beat(session, job)
                jobs.add_row_errors(session, job["id"], refused)
                jobs.update_job(
                    session,
                    job["id"],
                    next_chunk=sent_no + 1,
                    next_row=next_row,
                    committed_rows=committed,
                    counts=counts,
                )
        with self.db.transaction() as session:
            self._beat(session, job)
            jobs.clear_batches(session, job["id"])
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

    def _send_batch(self, job, chunk_no, options):
        """Send a stored batch (its JSON text as stored) without waiting for the reply: (chunk_no, row
        count, next_row, reply)."""
        stored = jobs.batch(self.db.session, job["id"], chunk_no)
        self.db.session.rollback()
        if stored is None:
            raise JobLost()  # the validation was cleared (cancelled, mapping changed)
        rows, row_count, next_row, after = stored
        reply = self.contacts.upsert_batch.call_async(str(job["id"]), chunk_no, rows, options, after=after)
        return chunk_no, row_count, next_row, reply

    # --- helpers ----------------------------------------------------------------------------------

    def _beat(self, session, job):
        if not jobs.heartbeat(session, job["id"], self.settings["worker_id"]):
            raise JobLost()

    def _fail(self, job, error):
        """A job that cannot go on is marked failed, but only while this worker still holds it: a worker
        being stopped, whose job another worker has taken over, must neither end it nor undo what the
        other commits. Then a commit that had begun is undone in the contacts service, in either commit
        mode (no half-done import; the contacts service refuses chunks of an import it has undone, so one
        still in flight is not left behind)."""
        with self.db.transaction() as session:
            before = jobs.fail_held(
                session, job["id"], self.settings["worker_id"], pipeline.jsonable(error), datetime.now(UTC)
            )
        if before is None:
            log.warning("import %s: not failed here, this worker no longer holds it", job["id"])
            return
        if before["phase"] != "commit":
            return
        try:
            self.contacts.undo_import(str(job["id"]))
            error = {**error, "undone": True}
        except NotFound:
            return  # no chunk was committed
        except PiiriError as exc:
            error = {**error, "undo_failed": exc.message}
        except RemoteError as exc:
            error = {**error, "undo_failed": f"{exc.exc_type}: {exc.value}"}
        with self.db.transaction() as session:
            jobs.update_job(session, job["id"], error=pipeline.jsonable(error))


def _findings(errors):
    """The contacts service's findings on a row it refused ({field: [codes or coded entries]}) as the
    row's own list of findings (codes: the gateway words them in the user's language)."""
    found = []
    for messages in (errors or {}).values():
        found.extend(messages if isinstance(messages, list) else [messages])
    return found
