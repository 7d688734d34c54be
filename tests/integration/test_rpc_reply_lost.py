"""Issue 12 (found by the fault harness): an RPC reply that cannot be sent because the broker went away
must not kill the service process. nameko 2.14 lets the error from ``Responder.send_response`` escape the
worker and kill the container; Piiri's container logs it and leaves the request to be redelivered."""

import eventlet
from kombu.exceptions import OperationalError
from nameko.rpc import Responder, rpc

from tests.events import wait_for


class Replier:
    name = "reply_lost_service"

    @rpc
    def ping(self):
        return "pong"


def test_issue12_a_reply_lost_to_a_broker_restart_leaves_the_service_running(
    run_services, rpc, admin_actor, monkeypatch
):
    sent = Responder.send_response
    failures = []

    def broker_gone_once(self, result, exc_info):
        if not failures:
            failures.append(result)
            raise OperationalError("Connection reset by peer (the broker restarted)")
        return sent(self, result, exc_info)

    monkeypatch.setattr(Responder, "send_response", broker_gone_once)
    runner = run_services(Replier)
    (container,) = runner.containers
    with rpc(admin_actor, timeout=20) as proxy:
        proxy.reply_lost_service.ping.call_async()  # its reply is lost (or comes from a redelivery)
        assert wait_for(lambda: failures, 10) == ["pong"]
        eventlet.sleep(0.5)
        assert not container._died.ready()  # without the guard the container is dead here
        assert proxy.reply_lost_service.ping() == "pong"
