"""Nameko entrypoints of the exports service (I2): start, follow, list, download and delete export jobs,
and the files written at once: one contact's vCard or QR code, and the pages of the NDJSON/JSON stream.

The files are written by ExportWorker (worker.py) from a durable queue. start_export needs contacts.export;
a job is its creator's: only they read its file; user managers (users.manage) see everyone's jobs.
Downloading a file is an audited read naming the job's contacts' export (export.downloaded). The label
preview (preview_labels) reads the selection as the export would and is an audited read naming the
contacts on the labels it shows (export.labels_previewed).
"""

import base64
import logging
from datetime import timedelta

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, NotFound, ValidationFailed, coded
from services.exports import columns as export_columns
from services.exports import direct, failures, running, storage
from services.exports.contract import ExportJob, StartExportInput
from services.exports.contract.rows import ROW_FIELDS
from services.exports.core import ExportsCore
from services.exports.erasure import ExportsErasure
from services.exports.formats import formats, get_format
from services.exports.formats.labels import READS
from services.exports.label_preview import label_preview
from services.exports.queue import queue_job
from services.exports.storage import DEFAULT_KEEP_HOURS

log = logging.getLogger(__name__)

EXPORT = "contacts.export"
ADMIN = "users.manage"
JOB = ExportJob()
SELECTION_KINDS = ("search", "advanced", "saved_search", "group", "ids")


def load_input(data):
    if not isinstance(data, dict):
        raise ValidationFailed("exp.err.invalid", {"_schema": ["value.not_object"]})
    try:
        return StartExportInput().load(data)
    except ValidationError as exc:
        raise ValidationFailed("exp.err.invalid", exc.normalized_messages()) from None


def checked_selection(selection, export_format):
    """The selection's shape (kind) and the format's default exclusions; contacts.export_page checks
    the rest when the job runs, and start_export asks it for the first row to fail fast."""
    kind = selection.get("kind")
    if kind not in SELECTION_KINDS:
        raise ValidationFailed(
            "exp.err.invalid", {"selection.kind": [coded("value.one_of", choices=", ".join(SELECTION_KINDS))]}
        )
    if export_format.single_contact and (kind != "ids" or len(selection.get("ids") or []) != 1):
        raise ValidationFailed("exp.err.one_contact", {"selection": ["exp.err.one_contact"]})
    selection = dict(selection)
    selection.setdefault("exclude_deceased", export_format.default_exclude_deceased)
    return selection


def job_view(job, keep_hours=DEFAULT_KEEP_HOURS):
    """The job as the contract shows it, with ``expires_at`` (when a finished file will be deleted)."""
    view = JOB.dump(job)
    view["error"], view["error_params"] = failures.failure_view(job.get("error"))
    finished = job.get("finished_at")
    view["expires_at"] = (
        (finished + timedelta(hours=keep_hours)).isoformat() if job["status"] == "done" and finished else None
    )
    return view


class ExportJobsRpc(ExportsCore):
    """The export jobs: start, status, list, download, cancel, the direct formats (the files' expiry runs
    in the export workers: ExportWorker.expire_files)."""

    def _keep_hours(self):
        return storage.keep_hours(self.config)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        return storage.ping(self.db.session)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_formats(self, language="fi"):
        """Every export format: name, label, content type, extension, whether it uses columns."""
        self.context.require(EXPORT)
        return {
            "items": [
                {
                    "name": item.name,
                    "label": item.label(language),
                    "content_type": item.content_type,
                    "extension": item.extension,
                    "uses_columns": item.uses_columns,
                    "single_contact": item.single_contact,
                    "default_exclude_deceased": item.default_exclude_deceased,
                }
                for item in formats()
            ]
        }

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def contact_file(self, contact_id, format_name, options=None):
        """One contact's vCard ("vcard") or QR code ("qr_vcard") written now: {"file_name",
        "content_type", "data" (base64)}. Reading the contact is contacts.export_page's audited read."""
        self.context.require(EXPORT)
        export_format = direct.card_format(format_name)
        if options is not None and not isinstance(options, dict):
            raise ValidationFailed("exp.err.options_invalid", {"options": ["exp.err.options_object"]})
        export_format.load_options(options or {})  # bad options are refused before the contact is read
        page = self._export_page({"kind": "ids", "ids": [contact_id]}, list(ROW_FIELDS), None)
        return direct.card_file(export_format, contact_id, page["items"], options)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def stream_page(self, format_name, selection, columns=None, cursor=None, limit=None):
        """One page of the selection's rows as NDJSON or a JSON array: {"data" (text), "content_type",
        "next_cursor", "total" (first page)}. The pages' data in order make the whole file; each page is
        one contacts.export_page (an audited read of its rows) of ``limit`` rows (default: its largest)."""
        self.context.require(EXPORT)
        content_type = direct.stream_content_type(format_name)
        page = self._export_page(selection, direct.stream_fields(columns), cursor, limit)
        next_cursor = page.get("next_cursor")
        return {
            "data": direct.stream_text(format_name, page["items"], cursor is None, not next_cursor),
            "content_type": content_type,
            "next_cursor": next_cursor,
            "total": page.get("total"),
        }

    def _export_page(self, selection, fields, cursor, limit=None):
        """contacts.export_page as the caller (the actor travels with the call), within RPC_TIMEOUT
        (piiri.rpc: ServiceUnavailable naming contacts after it)."""
        return self.contacts.export_page(selection, fields, cursor, limit)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def start_export(self, data):
        """Validate format, options, columns and selection, store the job and queue it."""
        actor = self.context.require(EXPORT)
        values = load_input(data)
        export_format = get_format(values["format"])
        options = export_format.load_options(values["options"])
        columns = export_columns.check_columns(values["columns"]) if export_format.uses_columns else []
        selection = checked_selection(values["selection"], export_format)
        with self.db.transaction() as session:  # the job and its queued message, in one transaction
            job = storage.insert_job(
                session,
                {
                    "actor_id": actor.id,
                    "actor_username": actor.username,
                    "actor": actor.to_header(),
                    "format": export_format.name,
                    "selection": selection,
                    "options": options,
                    "columns": columns,
                    "language": values["language"],
                    "file_name": export_format.file_name(),
                    "content_type": export_format.content_type,
                },
            )
            queue_job(self.outbox, session, job["id"])
        self.outbox.flush()
        return job_view(job, self._keep_hours())

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def preview_labels(self, data):
        """The address labels an export (the same body as start_export, format "labels") would print:
        the first sheet's labels in print order and the whole export's counts (label_preview.py). The
        rows are read page by page as the export job reads them (contacts.export_page, audited there);
        what the preview shows is one more audited read naming the contacts its labels name."""
        actor = self.context.require(EXPORT)
        values = load_input(data)
        export_format = get_format(values["format"])
        if export_format.name != "labels":
            raise ValidationFailed("exp.err.preview_labels_only", {"format": ["exp.err.preview_labels_only"]})
        options = export_format.load_options(values["options"])
        selection = checked_selection(values["selection"], export_format)
        columns = list(ROW_FIELDS)

        def fetch_page(cursor):
            return self._export_page(selection, columns, cursor)

        preview = label_preview(
            running.rows_of(fetch_page(None), fetch_page, lambda done, total: True, set()),
            options,
            values["language"],
        )
        shown = preview.pop("named_ids")  # a couple's label names both partners
        if shown:
            self.audit.read(
                actor,
                "export.labels_previewed",
                "contact",
                shown,
                fields=list(READS),
                details={"format": export_format.name, "sheet": preview["sheet"]["key"], **preview["counts"]},
            )
        return preview

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_job(self, job_id):
        actor = self.context.require(EXPORT)
        job = self._visible(actor, job_id)
        self.db.session.rollback()
        return job_view(job, self._keep_hours())

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_jobs(self, everyone=False, limit=50):
        """The caller's jobs, newest first; with ``everyone`` (users.manage) every user's."""
        actor = self.context.require(EXPORT)
        if everyone:
            actor.require(ADMIN)
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 200:
            raise ValidationFailed("exp.err.invalid", {"limit": [coded("value.range", min=1, max=200)]})
        jobs = storage.list_jobs(self.db.session, None if everyone else actor.id, limit)
        self.db.session.rollback()
        keep_hours = self._keep_hours()
        return {"items": [job_view(job, keep_hours) for job in jobs]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def dashboard_figures(self):
        """The dashboard's exports card (issue 13 item 2): the caller's own jobs ({"in_progress": queued
        or running, "ready": done with the file still kept}), as on their list. No personal data."""
        actor = self.context.require(EXPORT)
        figures = storage.own_job_counts(self.db.session, actor.id)
        self.db.session.rollback()
        return figures

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def read_file_chunk(self, job_id, seq):
        """Chunk ``seq`` (0…chunk_count-1) of a finished job's file, base64; only the job's creator.
        Reading chunk 0 is the audited download (export.downloaded); an empty file has an empty chunk 0.
        A job that is not done, or whose file expired, is a Conflict saying so."""
        actor = self.context.require(EXPORT)
        job = self._own_finished(actor, job_id)
        last = max(job["chunk_count"], 1) - 1
        if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= last:
            self.db.session.rollback()
            raise ValidationFailed("exp.err.invalid", {"seq": [coded("value.range", min=0, max=last)]})
        data = storage.read_chunk(self.db.session, job["id"], seq) or b""
        self.db.session.rollback()
        if seq == 0:
            self.audit.read(
                actor,
                "export.downloaded",
                "export_job",
                [job["id"]],
                details={"format": job["format"], "rows": job["rows_written"], "file_name": job["file_name"]},
            )
        return base64.b64encode(data).decode("ascii")

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_job(self, job_id):
        """Remove a job and its file (its creator, or users.manage); a running job is removed too and its
        worker stops at its next page."""
        actor = self.context.require(EXPORT)
        with self.db.transaction() as session:
            job = self._visible(actor, job_id)
            if job["actor_id"] != actor.id:
                actor.require(ADMIN)
            storage.delete_job(session, job["id"])
        return {"id": str(job["id"]), "deleted": True}

    def _visible(self, actor, job_id):
        parsed = storage.parse_id(job_id)
        job = storage.get_job(self.db.session, parsed) if parsed else None
        if job is None or (job["actor_id"] != actor.id and not actor.can(ADMIN)):
            raise NotFound(f"No export with id {job_id}.", {"id": str(job_id)})
        return job

    def _own_finished(self, actor, job_id):
        parsed = storage.parse_id(job_id)
        job = storage.get_job(self.db.session, parsed) if parsed else None
        if job is None or job["actor_id"] != actor.id:
            raise NotFound(f"No export with id {job_id}.", {"id": str(job_id)})
        if job["status"] == "expired":
            raise Conflict(
                f"The file of this export was deleted {job['expired_at']:%Y-%m-%d %H:%M} UTC: files are kept "
                f"{self._keep_hours()} hours. Make the export again.",
                {"status": "expired"},
            )
        if job["status"] != "done":
            raise Conflict(f"The export is {job['status']}, not ready.", {"status": job["status"]})
        return job


# The features of the exports service, in one place: the service is exactly these (and so are its RPC
# methods, timers and consumers).
FEATURES = (ExportJobsRpc, ExportsErasure)


class ExportsService(*FEATURES):  # type: ignore[misc]
    name = "exports"
