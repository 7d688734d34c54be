"""gateway.site.worker_health.HealthCache (issue 18): one computation per TTL; while one caller computes, the
others get the previous answer (or wait for the first one); a failed computation is not cached."""

import types

import eventlet
import pytest

from gateway.site.worker_health import HealthCache


def cache(ttl):
    provider = HealthCache()
    provider.container = types.SimpleNamespace(config={"HEALTH_TTL": ttl})
    provider.setup()
    return provider


def test_a_fresh_answer_is_served_again_and_a_stale_one_is_computed_anew():
    provider, calls = cache(0.2), []

    def compute():
        calls.append(1)
        return 200, {"status": "ok", "call": len(calls)}

    assert provider.get(compute) == (200, {"status": "ok", "call": 1})
    assert provider.get(compute) == (200, {"status": "ok", "call": 1})
    eventlet.sleep(0.25)
    assert provider.get(compute) == (200, {"status": "ok", "call": 2})
    assert len(calls) == 2


def test_concurrent_callers_share_one_computation_and_get_the_old_answer_while_it_runs():
    provider, calls = cache(0.1), []

    def slow():
        calls.append(1)
        eventlet.sleep(0.1)
        return 200, {"call": len(calls)}

    first = [eventlet.spawn(provider.get, slow) for _ in range(10)]
    assert [thread.wait() for thread in first] == [(200, {"call": 1})] * 10  # the one computation
    eventlet.sleep(0.15)
    refresher = eventlet.spawn(provider.get, slow)
    eventlet.sleep(0.01)  # the refresher is computing
    assert provider.get(slow) == (200, {"call": 1})  # the previous answer, at once
    assert refresher.wait() == (200, {"call": 2})
    assert len(calls) == 2


def test_a_failed_computation_is_not_cached():
    provider = cache(10)

    def broken():
        raise RuntimeError("broker away")

    with pytest.raises(RuntimeError):
        provider.get(broken)
    assert provider.get(lambda: (200, {"status": "ok"})) == (200, {"status": "ok"})
