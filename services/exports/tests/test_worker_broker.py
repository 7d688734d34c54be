"""Issue 12 (found by the fault harness, tests/faults): an export whose worker loses RabbitMQ mid-job (a
broker restart) is not marked failed; it stays running, so the stale-job recovery runs it again. Any other
unexpected error still fails the job. Mocked dependencies (nameko ``worker_factory``): no broker, no DB."""

import uuid
from unittest.mock import MagicMock, patch

import pytest
from kombu.exceptions import OperationalError
from nameko.testing.services import worker_factory

from services.exports import worker as worker_module
from services.exports.worker import ExportWorker

JOB_ID = uuid.uuid4()


@pytest.fixture
def worker():
    worker = worker_factory(ExportWorker, db=MagicMock(), config={"EXPORT_STALE_SECONDS": 10})
    return worker


@pytest.fixture
def storage():
    with patch.object(worker_module, "storage") as storage:
        storage.parse_id.return_value = JOB_ID
        storage.claim.return_value = {"id": JOB_ID, "actor": "{}", "format": "csv", "selection": {}}
        storage.get_job.return_value = {"id": JOB_ID}
        yield storage


def run_with(worker, error):
    worker._fetcher = lambda job: None  # the pages: running.run below never asks for them
    with patch.object(worker_module.running, "run", side_effect=error):
        worker.run_job({"job_id": str(JOB_ID)})


def test_issue12_an_export_that_lost_the_broker_is_left_for_recovery_not_failed(worker, storage):
    run_with(worker, OperationalError("[Errno 111] ECONNREFUSED"))
    storage.fail.assert_not_called()


def test_issue12_any_other_unexpected_error_still_fails_the_export(worker, storage):
    run_with(worker, RuntimeError("boom"))
    storage.fail.assert_called_once()
    assert "exp.err.unexpected" in storage.fail.call_args.args[2]
