"""Nameko entrypoints of the imports service (I1): an uploaded file stored in parts, the mapping proposal
(remembered by header set), options, preview, background validation and commit (queued for the
separately scaled ImportWorker, worker.py), status, cancel, undo, the error report, and the API's
synchronous batch. Logic in pipeline.py, SQL in jobs.py."""

import base64
import io
import uuid
from dataclasses import asdict

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed, coded
from services.imports import jobs, mapping, pipeline, sample
from services.imports.contract import MAX_BATCH, PART_BYTES, ImportJob, load_options
from services.imports.core import ImportsCore
from services.imports.erasure import ImportsErasure
from services.imports.limits import check_file_size
from services.imports.reading import ImportFileError
from services.imports.retention import expires_at, keep_hours, require_kept

IMPORT = "contacts.import"
JOB = ImportJob()
QUEUED = "import_job_queued"


def job_id_of(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("import.err.not_found", {"id": str(value)}) from None


def file_error(exc):
    return ValidationFailed(exc.message, {"file": [exc.entry], "code": exc.code, **exc.details}, exc.params)


class ImportJobsRpc(ImportsCore):
    """The import jobs: upload, mapping, options, preview, validation, commit, status, undo, batches."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        """The service answers and its database too (GET /health)."""
        alive = jobs.ping(self.db.session)
        self.db.session.rollback()
        return alive

    # --- upload and mapping ---------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_import(self, filename):
        actor = self.context.require(IMPORT)
        filename = str(filename or "").strip()[:300]
        if not filename:
            raise ValidationFailed("imp.err.invalid", {"filename": ["request.required"]})
        with self.db.transaction() as session:
            job = jobs.create_job(session, filename, asdict(actor))
        return self._view(job)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def upload_part(self, import_id, seq, data):
        """Part ``seq`` (0, 1, …) of the file, base64, at most PART_BYTES."""
        self.context.require(IMPORT)
        raw = base64.b64decode(data or "")
        if len(raw) > PART_BYTES:
            raise ValidationFailed(
                "imp.err.invalid", {"data": [coded("imp.err.part_too_large", max=PART_BYTES)]}
            )
        with self.db.transaction() as session:
            job = self._job(session, import_id, for_update=True, status=("uploading",))
            try:
                check_file_size(job["file_size"] + len(raw), self._limits())
            except ImportFileError as exc:
                refused = exc
            else:
                jobs.add_file_part(session, job["id"], int(seq), raw)
                return {"id": str(job["id"]), "seq": int(seq)}
        self._fail_file(job, refused)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def finish_upload(self, import_id, sheet=None):
        """Open the stored file: headers, sheets, the proposed mapping (a remembered one first). A file
        that cannot be imported fails the import with its specific error (422)."""
        self.context.require(IMPORT)
        session = self.db.session
        job = self._job(session, import_id, status=("uploading", "uploaded"))
        data = jobs.file_data(session, job["id"])
        session.rollback()
        try:
            table = pipeline.open_file(data, {**job, "sheet": sheet}, self._limits())
        except ImportFileError as exc:
            self._fail_file(job, exc)
        catalogue = mapping.build_catalogue(self._custom_fields())
        signature = mapping.header_signature(table.headers)
        remembered = jobs.remembered_mapping(session, signature)
        proposal = mapping.propose_mapping(list(table.headers), catalogue, remembered)
        with self.db.transaction() as tx:
            job = jobs.update_job(
                tx,
                job["id"],
                status="uploaded",
                sheet=getattr(table, "sheet", None) or sheet,
                sheet_names=list(table.sheet_names or ()),
                headers=list(table.headers),
                header_signature=signature,
                mapping=proposal,
                total_rows=int(table.row_count_estimate or 0),
                sample_rows=sample.take(table, pipeline.PREVIEW_ROWS),
                error=None,
            )
        return {**self._view(job), "remembered": remembered is not None}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def importable_fields(self):
        """The catalogue for the mapping form: [{key, label_fi, label_en, type}] (standard, lists, custom)."""
        self.context.require(IMPORT)
        catalogue = mapping.build_catalogue(self._custom_fields())
        return [
            {"key": item.key, "label_fi": item.label_fi, "label_en": item.label_en, "type": item.type}
            for item in catalogue.values()
        ]

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def save_mapping(self, import_id, chosen_mapping, options=None):
        """The user's mapping ({header: field key or None}) and options; remembered for this header set."""
        actor = self.context.require(IMPORT)
        options = load_options(options, actor.can("contacts.edit"))
        if options["on_duplicate"].startswith("update"):
            actor.require("contacts.edit")
        self._check_group_target(options)
        with self.db.transaction() as session:
            job = self._job(session, import_id, for_update=True, status=("uploaded", "validated"))
            if not isinstance(chosen_mapping, dict):
                raise ValidationFailed("imp.err.invalid", {"mapping": ["value.not_object"]})
            cleaned = {header: (chosen_mapping.get(header) or None) for header in job["headers"]}
            unknown = sorted(set(chosen_mapping) - set(job["headers"]))
            if unknown:
                raise ValidationFailed(
                    "imp.err.invalid", {header: ["imp.err.no_column"] for header in unknown}
                )
            custom = self._custom_fields()
            checker = pipeline.validator({**job, "mapping": cleaned}, custom, job["headers"])
            if checker.errors_of_mapping:
                raise ValidationFailed("import.mapping.invalid", checker.errors_of_mapping)
            if not any(cleaned.values()):
                raise ValidationFailed("imp.err.nothing_mapped", {"mapping": ["imp.err.nothing_mapped"]})
            jobs.remember_mapping(session, job["header_signature"], cleaned, actor.username)
            jobs.clear_validation(session, job["id"])
            job = jobs.update_job(
                session,
                job["id"],
                mapping=cleaned,
                options=options,
                status="uploaded",
                validated_rows=0,
                invalid_rows=0,
            )
        return self._view(job)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def preview(self, import_id, limit=pipeline.PREVIEW_ROWS):
        """The first rows as they will be stored, with their errors (audited as a read of the file)."""
        actor = self.context.require(IMPORT)
        session = self.db.session
        job = self._job(session, import_id)
        require_kept(job)
        limit = int(limit)
        if job["sample_rows"] is not None and limit <= pipeline.PREVIEW_ROWS:
            table = sample.SampleTable(job["headers"], job["sample_rows"])  # the file is not opened
        else:
            table = self._table(session, job)
        rows = pipeline.preview(table, pipeline.validator(job, self._custom_fields(), table.headers), limit)
        session.rollback()
        self.audit.read(actor, "import.previewed", "import", [job["id"]], (), {"filename": job["filename"]})
        options = load_options(job["options"], actor.can("contacts.edit"))
        self._mark_matches(rows, options)
        return {
            "headers": job["headers"],
            "mapping": job["mapping"],
            "on_duplicate": options["on_duplicate"],
            "rows": rows,
        }

    def _mark_matches(self, rows, options):
        """Each valid preview row's ``match`` (pipeline.match_kinds: new, an existing contact's — its id
        and name, within the user's scope only —, a duplicate of an earlier row, ambiguous), from the
        contacts service's matching with the import's options (the commit's own). No match keys: none."""
        valid = [{"row": row["row"], "values": row["values"]} for row in rows if not row["errors"]]
        if not valid or not options["match_on"]:
            for row in rows:
                row["match"] = None if row["errors"] else {"kind": "new"}
            return
        found = self.contacts.match_import_rows(valid, options, names=True)["rows"]
        kinds = pipeline.match_kinds(found, {})
        for row in rows:
            row["match"] = kinds.get(row["row"])

    # --- running ----------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def validate(self, import_id):
        """Queue the validation of every row for a worker; progress in get_import."""
        self.context.require(IMPORT)
        with self.db.transaction() as session:
            job = self._job(session, import_id, for_update=True, status=("uploaded", "validated"))
            if not any((job["mapping"] or {}).values()):
                raise Conflict("imp.err.nothing_mapped", {"mapping": ["imp.err.nothing_mapped"]})
            jobs.clear_validation(session, job["id"])
            job = self._queue(session, job, "validating", "validate")
        self.outbox.flush()
        return self._view(job)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def start(self, import_id, commit_mode=None):
        """Queue the commit. With invalid rows, all_or_nothing is refused (409): fix the file, or choose
        commit_mode 'valid_rows' explicitly."""
        actor = self.context.require(IMPORT)
        with self.db.transaction() as session:
            job = self._job(session, import_id, for_update=True, status=("validated",))
            options = dict(job["options"] or {})
            if commit_mode is not None:
                options["commit_mode"] = load_options({"commit_mode": commit_mode})["commit_mode"]
            options = load_options(options, actor.can("contacts.edit"))
            if options["on_duplicate"].startswith("update"):
                actor.require("contacts.edit")
            self._check_group_target(options)
            if job["invalid_rows"] and options["commit_mode"] == "all_or_nothing":
                raise Conflict(
                    "import.commit.rows_invalid",
                    {"invalid_rows": job["invalid_rows"]},
                    params={"count": job["invalid_rows"]},
                )
            jobs.update_job(session, job["id"], options=options, next_chunk=1, next_row=None, counts={})
            job = self._queue(session, {**job, "options": options}, "committing", "commit")
            self.audit.write(
                self.outbox,
                session,
                actor,
                "import.started",
                "import",
                [job["id"]],
                (),
                {"filename": job["filename"], "rows": job["total_rows"], "options": options},
            )
        self.outbox.flush()
        return self._view(job)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def cancel(self, import_id):
        """Stop an import that has not finished (chunks already committed stay; undo removes them)."""
        self.context.require(IMPORT)
        with self.db.transaction() as session:
            job = self._job(
                session,
                import_id,
                for_update=True,
                status=("uploading", "uploaded", "validating", "validated", "committing"),
            )
            job = jobs.update_job(session, job["id"], status="cancelled", phase=None, finished_at=_now())
            jobs.clear_batches(session, job["id"])  # a worker still running stops at its next heartbeat
        return self._view(job)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def undo(self, import_id):
        """Undo the whole import in the contacts service (refused there, with the list, if any of its
        contacts changed since)."""
        actor = self.context.require(IMPORT)
        session = self.db.session
        job = self._job(session, import_id, status=("done", "cancelled", "failed"))
        session.rollback()
        result = self.contacts.undo_import(str(job["id"]))
        undone = {"deleted": int(result.get("deleted", 0)), "restored": int(result.get("restored", 0))}
        with self.db.transaction() as tx:
            # the counts keep what the import did and say what its undo did (the page tells both)
            counts = {**(job["counts"] or {}), "undone": undone}
            job = jobs.update_job(tx, job["id"], status="undone", counts=counts)
            self.audit.write(
                self.outbox,
                tx,
                actor,
                "import.undone",
                "import",
                [job["id"]],
                (),
                {"filename": job["filename"], **result},
            )
        self.outbox.flush()
        return {**self._view(job), "undo": result}

    # --- reading jobs --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_import(self, import_id):
        self.context.require(IMPORT)
        job = self._job(self.db.session, import_id)
        self.db.session.rollback()
        return self._view(job)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_imports(self, limit=50):
        actor = self.context.require(IMPORT)
        rows = jobs.list_jobs(
            self.db.session, max(1, min(int(limit), 200)), actor.username if actor.scoped else None
        )
        self.db.session.rollback()
        return {"items": [self._view(row) for row in rows]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def dashboard_figures(self):
        """The dashboard's imports card (issue 13 item 2): imports not finished yet ({"in_progress": n,
        "working": n being validated or committed now}); a scoped caller's own only, as list_imports. Job
        counts, no personal data."""
        actor = self.context.require(IMPORT)
        figures = jobs.unfinished_counts(self.db.session, actor.username if actor.scoped else None)
        self.db.session.rollback()
        return figures

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def row_errors(self, import_id, limit=100, offset=0):
        """The rows with errors: number, {column: message}, the cells as read (audited as a read)."""
        actor = self.context.require(IMPORT)
        job = self._job(self.db.session, import_id)
        require_kept(job)
        rows = jobs.row_errors(self.db.session, job["id"], max(1, min(int(limit), 1000)), max(0, int(offset)))
        self.db.session.rollback()
        self.audit.read(actor, "import.errors_viewed", "import", [job["id"]], (), {"rows": len(rows)})
        return {"total": job["invalid_rows"], "headers": job["headers"], "items": rows}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def error_report(self, import_id):
        """The rows with errors as .xlsx (the errors beside the rows), base64."""
        from services.imports.error_report import write_error_report

        actor = self.context.require(IMPORT)
        job = self._job(self.db.session, import_id)
        require_kept(job)
        rows = jobs.row_errors(self.db.session, job["id"])
        self.db.session.rollback()
        self.audit.read(actor, "import.error_report", "import", [job["id"]], (), {"rows": len(rows)})
        out = io.BytesIO()
        write_error_report(job["headers"], [(r["row_number"], r["cells"], r["errors"]) for r in rows], out)
        stem = job["filename"].rsplit(".", 1)[0]
        return {"filename": f"{stem}-virheet.xlsx", "content": base64.b64encode(out.getvalue()).decode()}

    # --- API batch --------------------------------------------------------------------------------

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def import_batch(self, contacts, options=None):
        """POST /api/v1/contacts:batch: up to MAX_BATCH contacts (ContactInput objects) through the same
        chunk commit as a file, synchronously; per-row results. all_or_nothing over several chunks: a
        refused chunk undoes the chunks before it."""
        actor = self.context.require(IMPORT)
        options = load_options(options, actor.can("contacts.edit"))
        if not isinstance(contacts, list) or not contacts:
            raise ValidationFailed("imp.err.invalid", {"contacts": ["value.not_nonempty_list"]})
        if len(contacts) > MAX_BATCH:
            raise ValidationFailed("imp.err.invalid", {"contacts": [coded("list.too_many", max=MAX_BATCH)]})
        with self.db.transaction() as session:
            job = jobs.create_job(session, "api batch", asdict(actor), source="api")
            job = jobs.update_job(
                session, job["id"], status="committing", options=options, total_rows=len(contacts)
            )
        rows = [{"row": index + 1, "values": value} for index, value in enumerate(contacts)]
        results, counts = [], {}
        try:
            for number, start in enumerate(range(0, len(rows), pipeline.CHUNK_ROWS), 1):
                result = self.contacts.upsert_batch(
                    str(job["id"]),
                    number,
                    rows[start : start + pipeline.CHUNK_ROWS],
                    {**options, "file_name": "api", "source": "api"},
                )
                results.extend(result["rows"])
                counts = pipeline.add_counts(counts, result)
        except ValidationFailed as exc:
            if results:
                self.contacts.undo_import(str(job["id"]))
            with self.db.transaction() as session:
                jobs.update_job(
                    session,
                    job["id"],
                    status="failed",
                    error={"message": exc.message, "params": exc.params},
                    finished_at=_now(),
                )
            raise
        with self.db.transaction() as session:
            job = jobs.update_job(
                session, job["id"], status="done", counts=counts, committed_rows=len(rows), finished_at=_now()
            )
        return {"import": self._view(job), **counts, "rows": results}

    # --- helpers ----------------------------------------------------------------------------------

    def _check_group_target(self, options):
        """The contacts service's word on the group the imported contacts join, before anything is
        committed: it exists, is not archived and is within a scoped actor's scope (issue 12 item 7a)."""
        if options.get("group_id"):
            self.contacts.check_group_target(options["group_id"])

    def _view(self, job):
        """The job as the contract shows it, with ``expires_at``: when its file and rows are deleted."""
        return JOB.dump({**job, "expires_at": expires_at(job, keep_hours(self.config))})

    def _job(self, session, import_id, for_update=False, status=None):
        job = jobs.get_job(session, job_id_of(import_id), for_update)
        actor = self.context.actor
        if job is None or (actor.scoped and job["actor_username"] != actor.username):
            raise NotFound("import.err.not_found", {"id": str(import_id)})
        if status is not None and job["status"] not in status:
            raise Conflict("import.err.wrong_status", {"status": job["status"], "needed": list(status)})
        return job

    def _fail_file(self, job, exc):
        """End the upload as failed with the file's specific error (nothing was imported) and refuse it."""
        with self.db.transaction() as tx:
            jobs.update_job(tx, job["id"], status="failed", error=exc.as_dict(), finished_at=_now())
        raise file_error(exc) from None

    def _table(self, session, job):
        try:
            return pipeline.open_file(jobs.file_data(session, job["id"]), job, self._limits())
        except ImportFileError as exc:
            raise file_error(exc) from None

    def _custom_fields(self):
        return [f for f in self.contacts.list_custom_fields()["items"] if not f.get("removed_at")]

    def _queue(self, session, job, status, phase):
        job = jobs.update_job(
            session,
            job["id"],
            status=status,
            phase=phase,
            worker_id=None,
            heartbeat_at=None,
            error=None,
            **({"validated_rows": 0, "invalid_rows": 0} if phase == "validate" else {"committed_rows": 0}),
        )
        self.outbox.event(session, QUEUED, {"import_id": str(job["id"]), "phase": phase})
        return job


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


# The features of the imports service, in one place: the service is exactly these (and so are its RPC
# methods, timers and consumers).
FEATURES = (ImportJobsRpc, ImportsErasure)


class ImportsService(*FEATURES):  # type: ignore[misc]
    name = "imports"
