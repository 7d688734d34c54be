"""How long the imports service keeps an import's personal data (I1, G5); the import workers delete it.

The uploaded file, the validated batches, the rows with errors and the first rows kept for the
preview are deleted IMPORT_KEEP_HOURS (default a week) after the import ends, or after an upload
nobody went on with was last touched (jobs.expire_data); the job stays with its counts, who and when,
and ``expired_at``. A done import can still be undone after that: the undo needs only what the
contacts service keeps. Reading a deleted file's rows is refused with the date (409).
"""

import logging
from datetime import timedelta

from piiri.errors import Conflict
from services.imports import jobs

log = logging.getLogger(__name__)

DEFAULT_KEEP_HOURS = 168
EXPIRY_INTERVAL = 600  # seconds between looks for data to delete
EXPIRY_BATCH = 100  # jobs whose data is deleted per transaction


def keep_hours(config):
    """IMPORT_KEEP_HOURS of the configuration, or the default."""
    return int(config.get("IMPORT_KEEP_HOURS", DEFAULT_KEEP_HOURS))


def expires_at(job, keep_hours):
    """When the job's file and rows will be deleted (None: running, or deleted already)."""
    if job.get("expired_at") or job["status"] in jobs.ACTIVE:
        return None
    since = job.get("finished_at") if job["status"] in jobs.ENDED else None
    return (since or job["updated_at"]) + timedelta(hours=keep_hours)


def require_kept(job):
    """Refuse (409) to read rows of a job whose file and rows were deleted."""
    if job.get("erased_at"):
        raise Conflict(
            f"The file and rows of this import were deleted on {job['erased_at']:%d.%m.%Y}, when a person "
            "in it was erased (the right to be forgotten); the import's counts remain.",
            {"erased_at": job["erased_at"].isoformat()},
        )
    if job.get("expired_at"):
        raise Conflict(
            f"The file and rows of this import were deleted on {job['expired_at']:%d.%m.%Y}, as imported "
            "files are kept only for a while; the import's counts remain.",
            {"expired_at": job["expired_at"].isoformat()},
        )


def expire_data(db, config):
    """Delete the data of jobs past IMPORT_KEEP_HOURS, in batches, until none is left; how many jobs.
    Run by the import workers' timer (ImportWorker.expire_data), not by the imports service's processes
    that answer staff (issue 18)."""
    hours = keep_hours(config)
    expired = db.in_batches(lambda session, batch: jobs.expire_data(session, hours, batch), EXPIRY_BATCH)
    if expired:
        log.info("imports: deleted the files and rows of %d imports", expired)
    return expired
