"""How many workers consume each background job queue (GET /health): the import workers and the export
workers are not RPC services, so they are seen through their queues on the broker.

A queue that does not exist yet (no worker has ever started) counts as no worker; a broker that cannot
be reached gives None for every queue.
"""

import logging

from amqp.exceptions import NotFound
from kombu import Connection

from services.exports.contract import JOB_QUEUE_NAME

log = logging.getLogger(__name__)

# nameko names a SERVICE_POOL event handler's queue evt-<source>-<event>--<service>.<method>
WORKER_QUEUES = {
    "import_worker": "evt-imports-import_job_queued--import_worker.on_job_queued",
    "exports_worker": JOB_QUEUE_NAME,
}


def consumer_counts(amqp_uri, queues=WORKER_QUEUES, timeout=3):
    """{worker: consumers of its queue (0 when the queue does not exist), or None without a broker}."""
    counts = {}
    try:
        with Connection(amqp_uri, connect_timeout=timeout) as connection:
            connection.ensure_connection(max_retries=1)
            for worker, queue in queues.items():
                channel = connection.channel()
                try:
                    _, _, consumers = channel.queue_declare(queue=queue, passive=True)
                    counts[worker] = consumers
                except NotFound:
                    counts[worker] = 0  # the broker closed the channel; the next worker opens its own
                else:
                    channel.close()
    except Exception as exc:  # any failure to reach the broker: the health answer says so
        log.warning("health: cannot count the workers' consumers: %s", exc)
        return dict.fromkeys(queues)
    return counts
