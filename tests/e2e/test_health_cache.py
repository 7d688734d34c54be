"""Issue 18: GET /health is cheap enough for a load balancer: its answer is computed (four service pings and
one broker connection) at most once per ``HEALTH_TTL`` seconds per gateway process, however many callers
ask at once, and it still turns "degraded" once that time is over when a worker stops or an audit record
waits in the dead letters."""

import time

import eventlet
import pytest
import requests

from gateway.service import GatewayService
from tests.events import signed_audit_publisher, wait_for

TTL = 1.0


@pytest.fixture
def short_ttl(config, monkeypatch):
    monkeypatch.setitem(config, "HEALTH_TTL", TTL)


@pytest.fixture
def computations(monkeypatch):
    """How many times the gateway asked the services and the broker for a fresh answer."""
    counted = []
    original = GatewayService.current_health

    def counting(self):
        counted.append(time.monotonic())
        return original(self)

    monkeypatch.setattr(GatewayService, "current_health", counting)
    return counted


def health(system):
    response = requests.get(f"{system.base_url}/health")
    return response.status_code, response.json()


def test_issue18_health_is_computed_once_for_many_callers_and_turns_degraded_after_the_ttl(
    short_ttl, computations, system, run_services, config
):
    from services.exports.worker import ExportWorker
    from services.imports.worker import ImportWorker
    from services.mailing.worker import MailingWorker

    run_services(ImportWorker, MailingWorker)
    exports_worker = run_services(ExportWorker)
    assert wait_for(lambda: health(system)[1]["status"] == "ok", seconds=10)
    computations.clear()

    started = time.monotonic()
    pool = eventlet.GreenPool(20)
    answers = list(pool.imap(lambda _: health(system), range(200)))
    assert {status for status, _ in answers} == {200}
    assert {body["status"] for _, body in answers} == {"ok"}
    # at most one computation per TTL (the first answer may still have been fresh), not one per call
    assert len(computations) <= 1 + (time.monotonic() - started) // TTL, len(computations)

    exports_worker.stop()
    body = wait_for(lambda: (b := health(system)[1])["status"] == "degraded" and b, seconds=10)
    assert body["workers"] == {
        "contacts_worker": 1,
        "import_worker": 1,
        "exports_worker": 0,
        "mailing_worker": 1,
        "billing_worker": 1,
    }

    run_services(ExportWorker)
    assert wait_for(lambda: health(system)[1]["status"] == "ok", seconds=10)
    signed_audit_publisher(config).publish({"action": "contact.viewed"}, routing_key="contact.viewed")
    body = wait_for(lambda: (b := health(system)[1])["status"] == "degraded" and b, seconds=10)
    assert body["dead_letters"]["piiri.dead_letters.audit"] == 1
    assert body["workers"] == {
        "contacts_worker": 1,
        "import_worker": 1,
        "exports_worker": 1,
        "mailing_worker": 1,
        "billing_worker": 1,
    }


def test_issue18_health_answers_from_its_cache_within_the_ttl(short_ttl, computations, system):
    first = health(system)
    second = health(system)
    assert first == second
    if (
        time.monotonic() - computations[0] < TTL
    ):  # the second call came within the TTL (not on a stalled machine)
        assert len(computations) == 1
    before = len(computations)
    eventlet.sleep(TTL)
    health(system)
    assert len(computations) == before + 1  # stale: asked anew
