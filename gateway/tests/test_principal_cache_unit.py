"""gateway.principal_cache (issue 18): reads authenticate from a cache of a few seconds; writes in this
process empty it at their start and end and keep anything read meanwhile out of it; an entry never
outlives its TTL or its session; unknown secrets are never cached."""

import types
from datetime import UTC, datetime, timedelta

import pytest

from gateway.principal_cache import PrincipalCache, PrincipalCacheProvider, cache_seconds


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def principal(name="aino", expires_in=timedelta(hours=1)):
    return types.SimpleNamespace(name=name, expires_at=datetime.now(UTC) + expires_in)


def loader(*answers):
    calls = []

    def load():
        calls.append(1)
        return answers[min(len(calls), len(answers)) - 1]

    return load, calls


KEY = ("api", "digest")


def test_a_found_caller_is_served_from_the_cache_until_the_ttl_ends():
    clock = Clock()
    cache = PrincipalCache(5, clock)
    first, second = principal("first"), principal("second")
    load, calls = loader(first, second)
    assert cache.lookup(KEY, load) is first
    clock.now += 4.9
    assert cache.lookup(KEY, load) is first
    assert len(calls) == 1
    clock.now += 0.2  # past the TTL: the database is asked again (a revocation elsewhere shows here)
    assert cache.lookup(KEY, load) is second
    assert len(calls) == 2


def test_an_unknown_secret_is_asked_every_time():
    cache = PrincipalCache(5, Clock())
    load, calls = loader(None, principal())
    assert cache.lookup(KEY, load) is None
    assert cache.lookup(KEY, load) is not None  # e.g. the second factor was given meanwhile
    assert len(calls) == 2


def test_an_entry_never_outlives_its_session():
    cache = PrincipalCache(5, Clock())
    ending = principal(expires_in=timedelta(seconds=-1))
    load, calls = loader(ending, None)
    assert cache.lookup(KEY, load) is ending  # (the database would not return it; here it did)
    assert cache.lookup(KEY, load) is None
    assert len(calls) == 2


def test_a_write_empties_the_cache_and_nothing_is_kept_while_it_runs():
    cache = PrincipalCache(5, Clock())
    old, new = principal("old"), principal("new")
    load, calls = loader(old, old, new)
    cache.lookup(KEY, load)
    cache.write_started()  # e.g. POST /logout of another user, a revoked token
    assert cache.lookup(KEY, load) is old  # read from the database: the write has not committed yet
    assert cache.get(KEY) is None  # ... and not kept
    cache.write_ended()
    assert cache.lookup(KEY, load) is new
    assert len(calls) == 3
    assert cache.get(KEY) is new


def test_a_lookup_that_began_before_a_write_ended_is_not_kept():
    cache = PrincipalCache(5, Clock())
    stale = principal("stale")

    def load_during_a_write():
        cache.write_started()
        cache.write_ended()  # committed while this lookup read the old row
        return stale

    assert cache.lookup(KEY, load_during_a_write) is stale
    assert cache.get(KEY) is None


def test_zero_seconds_turns_the_cache_off():
    cache = PrincipalCache(0, Clock())
    load, calls = loader(principal())
    cache.lookup(KEY, load)
    cache.lookup(KEY, load)
    assert len(calls) == 2


def test_the_cache_holds_a_bounded_number_of_entries(monkeypatch):
    monkeypatch.setattr("gateway.principal_cache.MAX_ENTRIES", 3)
    cache = PrincipalCache(5, Clock())
    for number in range(5):
        cache.lookup(("api", str(number)), lambda: principal())
    assert list(cache.entries) == [("api", "2"), ("api", "3"), ("api", "4")]


@pytest.mark.parametrize(("value", "seconds"), [(None, 5.0), ("", 5.0), ("0", 0.0), ("2.5", 2.5), (10, 10.0)])
def test_cache_seconds_from_the_configuration(value, seconds):
    assert cache_seconds({} if value is None else {"AUTH_CACHE_SECONDS": value}) == seconds


@pytest.mark.parametrize("value", ["soon", "-1", "61"])
def test_a_bad_cache_setting_is_refused(value):
    with pytest.raises(ValueError, match="AUTH_CACHE_SECONDS"):
        cache_seconds({"AUTH_CACHE_SECONDS": value})


class Worker:
    """A worker context as nameko makes one (hashable): the request is its first argument."""

    def __init__(self, *args):
        self.args = args


def worker(method):
    return Worker(types.SimpleNamespace(method=method))


def test_the_provider_counts_the_writes_its_http_workers_serve():
    provider = PrincipalCacheProvider()
    provider.container = types.SimpleNamespace(config={"AUTH_CACHE_SECONDS": 5})
    provider.setup()
    cache = provider.cache
    cache.lookup(KEY, lambda: principal())
    read, write, event = worker("GET"), worker("POST"), Worker({"payload": 1})
    for ctx in (read, event):
        provider.worker_setup(ctx)
        provider.worker_result(ctx)
    assert cache.get(KEY) is not None  # reads and other workers leave it be
    provider.worker_setup(write)
    assert cache.writes == 1 and cache.get(KEY) is None
    cache.lookup(KEY, lambda: principal())
    provider.worker_result(write)
    assert cache.writes == 0 and cache.get(KEY) is None
    provider.worker_result(write)  # counted once
    assert cache.writes == 0
