"""ExportWorker (I2): a separate Nameko service that writes export files, one job at a time per worker.

It consumes the durable job queue (services/exports/queue.py; prefetch 1, acknowledged when the job has
finished) and pages the selection through contacts.export_page acting as the job's actor, so the actor's
data scope applies and every page is audited as theirs. A job whose worker died (a `running` job whose
heartbeat is older than EXPORT_STALE_SECONDS) is published again by a timer and restarted from the start
by the next worker; a job's message delivered twice is run once (claiming is one conditional UPDATE).
Operations scale exports by running more `piiri run exports-worker` processes. M5: the "mailing flags"
column is filled per page from the mailing service (mailing_flags.py).
"""

import logging

from kombu.exceptions import OperationalError as BrokerUnavailable
from nameko.dependency_providers import Config
from nameko.timer import timer

from piiri.context import ActAs
from piiri.db import Database
from piiri.dead_letters import Unprocessable
from piiri.errors import PiiriError
from piiri.outbox import Outbox
from piiri.rpc import RpcProxy
from services.exports import failures, mailing_flags, models, running, storage
from services.exports.queue import JOB_QUEUE, OUTBOX_CHANNELS, consume_jobs, queue_job

log = logging.getLogger(__name__)

DEFAULT_STALE_SECONDS = 120
EXPIRY_INTERVAL = 600  # seconds between looks for files to delete
EXPIRY_BATCH = 100  # jobs' files deleted per transaction
RECOVERY_INTERVAL = 5  # seconds between looks for jobs of dead workers
PAGE_SIZE = 2000


class ExportWorker:
    name = "exports_worker"

    db = Database("exports")
    config = Config()
    # one page of PAGE_SIZE rows; EXPORT_RPC_TIMEOUT bounds every call (issue 11)
    contacts = RpcProxy("contacts", timeout_key="EXPORT_RPC_TIMEOUT", default=300)
    # M5: the flags of a page's contacts for the "mailing flags" column (services/exports/mailing_flags.py)
    mailing = RpcProxy("mailing")
    act_as = ActAs()
    outbox = Outbox("exports", models.outbox, channels=OUTBOX_CHANNELS)

    def _stale_seconds(self):
        return int(self.config.get("EXPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS))

    @consume_jobs(JOB_QUEUE)
    def run_job(self, body):
        """Run the job named by the message, unless another worker has it or it is finished or gone."""
        job_id = storage.parse_id((body or {}).get("job_id") if isinstance(body, dict) else None)
        if job_id is None:  # to the dead letters, never dropped (issue 11 item 6)
            raise Unprocessable(f"an export job message without a job id: {body!r}"[:500])
        with self.db.transaction() as session:
            job = storage.claim(session, job_id, self._stale_seconds())
        if job is None:
            return  # done, failed, deleted, or running in a live worker
        self.act_as(job["actor"], f"export-{job_id}")
        try:
            running.run(job, self._fetcher(job), self._progress(job_id), self._store(job_id))
        except running.JobGone:
            log.info("exports: job %s was deleted while it ran", job_id)
        except PiiriError as exc:
            self._fail(job_id, failures.failure_text(exc))
        except BrokerUnavailable:  # RabbitMQ went away mid-job (a restart): not the job's fault, so it
            # stays running; once its heartbeat is stale the recovery timer queues it again (issue 12)
            log.warning("exports: job %s lost the broker; it runs again once its heartbeat is stale", job_id)
        except Exception:
            log.exception("exports: job %s failed", job_id)
            self._fail(job_id, failures.unexpected_text())

    @timer(interval=EXPIRY_INTERVAL)
    def expire_files(self):
        """Delete finished files older than EXPORT_KEEP_HOURS (the job stays, marked expired): a file of
        personal data is not kept longer than it is needed (G5). Here, not in the exports service's
        processes that answer staff (issue 18); every worker may run it (row locks)."""
        keep_hours = storage.keep_hours(self.config)
        expired = self.db.in_batches(
            lambda session, batch: storage.expire_files(session, keep_hours, batch), EXPIRY_BATCH
        )
        if expired:
            log.info("exports: deleted the files of %d expired exports", expired)
        return expired

    @timer(interval=RECOVERY_INTERVAL)
    def recover_stale_jobs(self):
        """Queue again the running jobs whose worker stopped beating (it died or was stopped)."""
        stale = storage.stale_jobs(self.db.session, self._stale_seconds())
        self.db.session.rollback()
        if not stale:
            return
        with self.db.transaction() as session:
            for job_id in stale:
                log.warning("exports: job %s lost its worker; queueing it again", job_id)
                queue_job(self.outbox, session, job_id)
        self.outbox.flush()

    def _fetcher(self, job):
        """contacts.export_page for the job; the next page is asked for as soon as a page arrives, so the
        contacts service reads it while the format writes this one."""
        columns = running.audit_columns(job, running.get_format(job["format"]))
        pending = {}
        flagged = mailing_flags.wanted(columns)

        def ask(cursor):
            return self.contacts.export_page.call_async(
                job["selection"], columns, cursor, PAGE_SIZE, str(job["id"])
            )

        def fetch_page(cursor):
            reply = pending.pop(cursor, None) or ask(cursor)
            page = reply.result()  # ServiceUnavailable after EXPORT_RPC_TIMEOUT: the job fails, clearly
            if page.get("next_cursor"):
                pending[page["next_cursor"]] = ask(page["next_cursor"])
            if flagged:
                mailing_flags.add_flags(page["items"], self.mailing.flags_of, job["language"])
            return page

        return fetch_page

    def _progress(self, job_id):
        def on_page(rows_done, rows_total):
            with self.db.transaction() as session:
                if storage.get_job(session, job_id) is None:
                    return False
                storage.progress(session, job_id, rows_done, rows_total)
            return True

        return on_page

    def _store(self, job_id):
        def store_file(chunks, size, result):
            with self.db.transaction() as session:
                job = storage.get_job(session, job_id, for_update=True)
                if job is None or job["status"] != "running":  # deleted, or stopped by an erasure
                    raise running.JobGone()
                count = 0
                for seq, data in enumerate(chunks):
                    storage.write_chunk(session, job_id, seq, data)
                    count += 1
                stem = (job["file_name"] or "piiri-export").rsplit(".", 1)[0]
                storage.finish(
                    session,
                    job_id,
                    {
                        "rows_done": result["rows_done"],
                        "rows_written": result["rows_written"],
                        "notes": result["notes"],
                        "content_type": result["content_type"],
                        "file_name": f"{stem}.{result['extension']}",
                        "size": size,
                        "chunk_count": count,
                    },
                )
                storage.record_contacts(session, job_id, result["contact_ids"])

        return store_file

    def _fail(self, job_id, message):
        with self.db.transaction() as session:
            if storage.get_job(session, job_id) is not None:
                storage.fail(session, job_id, message)
