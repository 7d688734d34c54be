"""Issue 12 (found by the fault harness): an RPC reply that cannot be sent because the broker went away
must not kill the service process. nameko 2.14 lets the error from ``Responder.send_response`` escape the
worker and kill the container; Piiri's container logs it and leaves the request to be redelivered."""

import pytest
from kombu.exceptions import OperationalError
from nameko.rpc import Responder, rpc

from piiri.errors import ServiceUnavailable


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
    with rpc(admin_actor, timeout=3) as proxy:
        with pytest.raises((ServiceUnavailable, Exception)):  # the first reply is lost: the caller waits
            proxy.reply_lost_service.ping()
    assert failures == ["pong"]
    assert not container._died.ready()  # without the guard the container is dead here
    with rpc(admin_actor, timeout=10) as proxy:
        assert proxy.reply_lost_service.ping() == "pong"
