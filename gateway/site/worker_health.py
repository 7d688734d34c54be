"""How many workers consume each background job queue (GET /health): the workers (contacts, import, export,
mailing, billing) are not RPC services, so they are seen through their queues on the broker.

A queue that does not exist yet (no worker has ever started) counts as no worker; a broker that cannot
be reached gives None for every queue. ``HealthCache`` keeps GET /health's answer for a short while.
"""

import time

from eventlet.event import Event
from nameko.extensions import DependencyProvider

from piiri.messaging import queue_states
from services.billing.contract import RUN_QUEUE_NAME
from services.exports.contract import JOB_QUEUE_NAME
from services.mailing.contract import JOB_QUEUE_NAME as MAILING_QUEUE_NAME

# nameko names a SERVICE_POOL event handler's queue evt-<source>-<event>--<service>.<method>
WORKER_QUEUES = {
    # the contacts worker's automations keep the contacts service's queue names (KeptQueueEventHandler)
    "contacts_worker": "evt-contacts-member_joined--contacts.automations_on_member_joined",
    "import_worker": "evt-imports-import_job_queued--import_worker.on_job_queued",
    "exports_worker": JOB_QUEUE_NAME,
    "mailing_worker": MAILING_QUEUE_NAME,
    "billing_worker": RUN_QUEUE_NAME,
}


def consumer_counts(amqp_uri, queues=WORKER_QUEUES, timeout=3):
    """{worker: consumers of its queue (0 when the queue does not exist), or None without a broker}."""
    return consumers_of(queue_states(amqp_uri, queues.values(), timeout), queues)


def consumers_of(states, queues=WORKER_QUEUES):
    """The worker counts out of ``piiri.messaging.queue_states`` (None each without a broker)."""
    return {worker: None if states is None else states[queue][1] for worker, queue in queues.items()}


DEFAULT_HEALTH_TTL = 1.0  # seconds an answer of GET /health is served again before it is asked anew


class HealthCache(DependencyProvider):
    """GET /health's last answer, shared by the gateway process's workers (issue 18: a load balancer may
    poll it hundreds of times a second, and each fresh answer pings four services and reads the broker's
    queues). An answer younger than ``HEALTH_TTL`` seconds (config, default 1) is served as it is; the
    first caller after that computes a new one while the others keep getting the previous answer, and
    only when there is none yet do they wait for it. So a stopped worker or a dead letter shows within
    about ``HEALTH_TTL`` plus one computation, and one gateway process asks the services at most once a
    TTL however many callers there are."""

    def setup(self):
        self.ttl = float(self.container.config.get("HEALTH_TTL", DEFAULT_HEALTH_TTL))
        self.answer = None  # (status code, body)
        self.computed_at = None  # time.monotonic() when the answer was computed
        self.refreshing = None  # an Event while one caller computes a new answer

    def get_dependency(self, worker_ctx):
        return self

    def fresh(self):
        return self.computed_at is not None and time.monotonic() - self.computed_at < self.ttl

    def get(self, compute):
        """The cached (status, body), or ``compute()``'s if it is stale (see the class)."""
        if self.fresh():
            return self.answer
        if self.refreshing is not None:
            return self.answer if self.answer is not None else self.refreshing.wait()
        self.refreshing = done = Event()
        try:
            answer = compute()
        except BaseException as exc:
            self.refreshing = None
            done.send_exception(exc)
            raise
        self.answer, self.computed_at, self.refreshing = answer, time.monotonic(), None
        done.send(answer)
        return answer
