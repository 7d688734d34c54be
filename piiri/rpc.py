"""RPC calls between services with a deadline from configuration (issue 11 item 6; stack.md trap 10).

nameko's ``RpcProxy`` waits for ever for a service that is stopped or stuck. ``piiri.rpc.RpcProxy`` is a
drop-in replacement: every call, plain (``self.contacts.get_contact(id)``) or asynchronous
(``self.contacts.upsert_batch.call_async(...).result()``), gives up after the configured number of
seconds and raises ``ServiceUnavailable`` naming the service. The deadline is ``RPC_TIMEOUT`` (default
15 s) unless the proxy names another setting (``RpcProxy("contacts", timeout_key="EXPORT_RPC_TIMEOUT",
default=300)`` for the export worker's long pages). A request whose caller gave up may still run later,
so RPCs stay idempotent or harmless.

Use it for every ``RpcProxy`` inside a service; standalone clients (``ClusterRpcProxy``) take
``timeout=rpc_timeout(config)``.

RPC requests and replies are transient messages (issue 18): the broker keeps them in memory, never on disk,
since a caller waits for at most its deadline and a broker restart fails the call anyway (the caller gets
ServiceUnavailable). Requests are still published with confirms (an unknown service is told at once: its
queue is missing); replies are not (``TransientResponder``, piiri/container.py): a lost reply is a
deadline passed. Audit records and events stay persistent and confirmed (piiri/confirms.py, the outbox).
"""

from collections.abc import Mapping
from typing import Any

import eventlet
from nameko import rpc as nameko_rpc
from nameko.amqp.publish import Publisher
from nameko.constants import DEFAULT_TRANSPORT_OPTIONS, NON_PERSISTENT
from nameko.exceptions import UnknownService

from piiri.errors import ServiceUnavailable

DEFAULT_TIMEOUT = 15.0


def rpc_timeout(
    config: Mapping[str, Any], key: str = "RPC_TIMEOUT", default: float = DEFAULT_TIMEOUT
) -> float:
    """Seconds to wait for an RPC reply, from ``config[key]``."""
    value = float(config.get(key, default) or default)
    if value <= 0:
        raise ValueError(f"{key} must be a positive number of seconds, not {value}")
    return value


class TransientRequests(nameko_rpc.RpcProxy):
    """nameko's RpcProxy with transient requests (for the gateway, which applies its own deadline)."""

    def __init__(self, target_service: str, **options: Any) -> None:
        options.setdefault("delivery_mode", NON_PERSISTENT)
        super().__init__(target_service, **options)


class RpcProxy(TransientRequests):
    """Transient requests (TransientRequests) with a deadline per call (``timeout_key`` of the config)."""

    def __init__(
        self,
        target_service: str,
        timeout_key: str = "RPC_TIMEOUT",
        default: float = DEFAULT_TIMEOUT,
        **options: Any,
    ) -> None:
        super().__init__(target_service, **options)
        self.timeout_key = timeout_key
        self.default_timeout = default
        self.timeout = default

    def setup(self) -> None:
        super().setup()
        self.timeout = rpc_timeout(self.container.config, self.timeout_key, self.default_timeout)

    def get_dependency(self, worker_ctx: Any) -> "DeadlineServiceProxy":
        return DeadlineServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)


class TransientReplyPublisher(Publisher):
    """How an RPC reply is sent: transient, without waiting for the broker's confirm.

    It has a ``transport_options`` dict of its own: nameko's ``Publisher.publish`` writes
    ``confirm_publish`` into ``self.transport_options``, which is one dict shared by every Publisher (a
    class attribute). Sharing it, a reply switched confirms off for the confirming publishers of the same
    process (the outbox's audit records and events) whose broker connections were made after it: their
    rows were marked published though the broker had refused them."""

    use_confirms = False
    delivery_mode = NON_PERSISTENT
    transport_options = {**DEFAULT_TRANSPORT_OPTIONS, "confirm_publish": False}


class TransientResponder(nameko_rpc.Responder):
    publisher_cls = TransientReplyPublisher


class DeadlineServiceProxy:
    def __init__(self, proxy: Any, service: str, timeout: float) -> None:
        self._proxy = proxy
        self._service = service
        self._timeout = timeout

    def __getattr__(self, name: str) -> "DeadlineMethodProxy":
        return DeadlineMethodProxy(getattr(self._proxy, name), self._service, self._timeout)


class DeadlineMethodProxy:
    def __init__(self, method: Any, service: str, timeout: float) -> None:
        self.method = method
        self.service = service
        self.timeout = timeout

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.call_async(*args, **kwargs).result()

    def call_async(self, *args: Any, **kwargs: Any) -> "DeadlineReply":
        try:
            reply = self.method.call_async(*args, **kwargs)
        except UnknownService:  # its queue is not there: it has never run on this broker
            raise ServiceUnavailable(
                f"The {self.service} service is not running.", {"service": self.service}
            ) from None
        return DeadlineReply(reply, self.service, self.timeout)


class DeadlineReply:
    def __init__(self, reply: Any, service: str, timeout: float) -> None:
        self.reply = reply
        self.service = service
        self.timeout = timeout

    def result(self) -> Any:
        timer = eventlet.Timeout(self.timeout)
        try:
            return self.reply.result()
        except eventlet.Timeout as exc:
            if exc is not timer:
                raise
            raise ServiceUnavailable(
                f"The {self.service} service did not answer in {self.timeout:g} s.",
                {"service": self.service, "timeout": self.timeout},
            ) from None
        finally:
            timer.cancel()
