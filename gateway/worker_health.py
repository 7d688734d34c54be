"""How many workers consume each background job queue (GET /health): the import workers and the export
workers are not RPC services, so they are seen through their queues on the broker.

A queue that does not exist yet (no worker has ever started) counts as no worker; a broker that cannot
be reached gives None for every queue.
"""

from piiri.messaging import queue_states
from services.billing.contract import RUN_QUEUE_NAME
from services.exports.contract import JOB_QUEUE_NAME

# nameko names a SERVICE_POOL event handler's queue evt-<source>-<event>--<service>.<method>
WORKER_QUEUES = {
    "import_worker": "evt-imports-import_job_queued--import_worker.on_job_queued",
    "exports_worker": JOB_QUEUE_NAME,
    "billing_worker": RUN_QUEUE_NAME,
}


def consumer_counts(amqp_uri, queues=WORKER_QUEUES, timeout=3):
    """{worker: consumers of its queue (0 when the queue does not exist), or None without a broker}."""
    return consumers_of(queue_states(amqp_uri, queues.values(), timeout), queues)


def consumers_of(states, queues=WORKER_QUEUES):
    """The worker counts out of ``piiri.messaging.queue_states`` (None each without a broker)."""
    return {worker: None if states is None else states[queue][1] for worker, queue in queues.items()}
