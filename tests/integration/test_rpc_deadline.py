"""Issue 11 item 6: every RPC between services has a deadline from configuration (piiri/rpc.py), so a
stopped or stuck service makes the caller fail clearly instead of hanging for ever (stack.md trap 10)."""

import time

import pytest
from kombu import Connection, Exchange, Queue
from nameko.rpc import rpc

from piiri.errors import ServiceUnavailable
from piiri.rpc import RpcProxy

SILENT = Queue(  # the queue of a service that exists but does not answer (stopped consumers, stuck)
    "rpc-silent_service",
    exchange=Exchange("nameko-rpc", type="topic", durable=True),
    routing_key="silent_service.*",
    durable=True,
)


class Caller:
    name = "deadline_caller"

    silent = RpcProxy("silent_service")
    slow_pages = RpcProxy("silent_service", timeout_key="TEST_PAGE_TIMEOUT", default=60)

    @rpc
    def call_plain(self):
        return self.silent.anything()

    @rpc
    def call_async(self):
        return self.silent.anything.call_async().result()

    @rpc
    def call_with_own_key(self):
        return self.slow_pages.anything()


def test_issue_11_an_rpc_to_a_silent_service_fails_after_the_configured_deadline(
    run_services, config, rpc, admin_actor
):
    with Connection(config["AMQP_URI"]) as connection:
        SILENT.bind(connection.channel()).declare()
    try:
        run_services(Caller, extra_config={"RPC_TIMEOUT": 1, "TEST_PAGE_TIMEOUT": 2})
        with rpc(admin_actor, timeout=20) as proxy:
            for method, seconds in (("call_plain", 1), ("call_async", 1), ("call_with_own_key", 2)):
                started = time.monotonic()
                with pytest.raises(
                    ServiceUnavailable, match=f"silent_service service did not answer in {seconds} s"
                ):
                    getattr(proxy.deadline_caller, method)()
                assert seconds <= time.monotonic() - started < seconds + 2
    finally:
        with Connection(config["AMQP_URI"]) as connection:
            SILENT.bind(connection.channel()).delete()
