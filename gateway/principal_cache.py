"""The short-lived cache of authenticated callers (issue 18): a read (GET, HEAD) whose session cookie or
bearer token was checked less than ``AUTH_CACHE_SECONDS`` ago (default 5; 0 turns the cache off) is
authenticated without the three queries of gateway/auth.py (session and user, roles, scope).

What keeps it safe:

- Only reads use it. Every write (POST, PUT, PATCH, DELETE) checks the database, so a change is never made
  on the strength of a cached answer.
- A write served by this process empties the cache when it starts and again when it ends, and no answer
  read while a write is under way is kept: so a logout, a revoked token, a deactivated user or a changed
  role takes effect at once for this gateway process's next request.
- Other processes (a second gateway, the ``piiri`` command line, an administrator's SQL) are seen within
  ``AUTH_CACHE_SECONDS``: an entry is never used after that, nor after its session expires.
- Only found callers are kept (an unknown secret is asked every time: a login that finishes its second
  factor is valid at once), keyed by the secret's SHA-256, at most ``MAX_ENTRIES`` of them.

One cache per gateway container (process), shared by its workers; eventlet runs them on one thread.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider

DEFAULT_SECONDS = 5.0
MAX_ENTRIES = 10_000
READ_METHODS = ("GET", "HEAD")


def cache_seconds(config: Any) -> float:
    """``AUTH_CACHE_SECONDS`` of the configuration (default 5); a bad value is refused at start-up."""
    raw = config.get("AUTH_CACHE_SECONDS", DEFAULT_SECONDS)
    try:
        seconds = float(DEFAULT_SECONDS if raw in (None, "") else raw)
    except (TypeError, ValueError):
        raise ValueError(f"AUTH_CACHE_SECONDS must be a number of seconds, not {raw!r}") from None
    if not 0 <= seconds <= 60:
        raise ValueError(f"AUTH_CACHE_SECONDS must be from 0 to 60, not {seconds:g}")
    return seconds


class PrincipalCache:
    """{(kind, secret digest): (principal, used until)}, with the write bookkeeping described above."""

    def __init__(self, seconds: float = DEFAULT_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.entries: OrderedDict[tuple[str, str], tuple[Any, float]] = OrderedDict()
        self.generation = 0  # changes whenever the cache is emptied: a lookup begun before is not kept
        self.writes = 0  # writes under way in this process

    @property
    def enabled(self) -> bool:
        return self.seconds > 0

    def get(self, key: tuple[str, str]) -> Any:
        """The cached principal for ``key``, or None (unknown, stale, or a write is under way)."""
        if not self.enabled or self.writes:
            return None
        entry = self.entries.get(key)
        if entry is None:
            return None
        principal, until = entry
        if self.clock() >= until or _expired(principal):
            del self.entries[key]
            return None
        return principal

    def lookup(self, key: tuple[str, str], load: Callable[[], Any]) -> Any:
        """The principal for ``key`` from the cache, or ``load()`` (the database), kept if found and no
        write began or ended meanwhile."""
        cached = self.get(key)
        if cached is not None:
            return cached
        generation = self.generation
        principal = load()
        if principal is not None and self.enabled and not self.writes and generation == self.generation:
            self.entries[key] = (principal, self.clock() + self.seconds)
            while len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)
        return principal

    def clear(self) -> None:
        self.entries.clear()
        self.generation += 1

    def write_started(self) -> None:
        self.writes += 1
        self.clear()

    def write_ended(self) -> None:
        self.writes = max(self.writes - 1, 0)
        self.clear()


def _expired(principal: Any) -> bool:
    """Whether the principal's own session ran out (an entry never outlives it)."""
    expires_at = getattr(principal, "expires_at", None)
    return expires_at is not None and expires_at <= datetime.now(UTC)


def _request_method(worker_ctx: WorkerContext) -> str | None:
    """The HTTP method of a request worker (the request is its first argument), else None."""
    request = worker_ctx.args[0] if worker_ctx.args else None
    method = getattr(request, "method", None)
    return method if isinstance(method, str) else None


class PrincipalCacheProvider(DependencyProvider):
    """``principal_cache = PrincipalCacheProvider()`` on the gateway: the process's PrincipalCache, which
    counts the writes its HTTP workers serve (worker_setup / worker_result)."""

    def __init__(self) -> None:
        self.cache = PrincipalCache()
        self.counted: set[WorkerContext] = set()

    def setup(self) -> None:
        self.cache = PrincipalCache(cache_seconds(self.container.config))

    def worker_setup(self, worker_ctx: WorkerContext) -> None:
        method = _request_method(worker_ctx)
        if method is not None and method not in READ_METHODS:
            self.counted.add(worker_ctx)
            self.cache.write_started()

    def worker_result(self, worker_ctx: WorkerContext, result: Any = None, exc_info: Any = None) -> None:
        if worker_ctx in self.counted:
            self.counted.discard(worker_ctx)
            self.cache.write_ended()

    def get_dependency(self, worker_ctx: WorkerContext) -> PrincipalCache:
        return self.cache
