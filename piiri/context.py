"""Who is acting: the gateway puts the actor into nameko context data; every service reads it from there."""

import json
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from nameko.containers import WorkerContext
from nameko.extensions import DependencyProvider

from piiri import signing
from piiri.errors import NotAuthenticated, PermissionDenied
from piiri.signing import ACTOR_KEY, REQUEST_ID_KEY, SIGNATURE_KEY

__all__ = [
    "ACTOR_KEY",
    "REQUEST_ID_KEY",
    "SIGNATURE_KEY",
    "Actor",
    "CallContext",
    "Context",
    "context_data_for",
]


@dataclass(frozen=True)
class Actor:
    """The user or system on whose behalf a call runs."""

    id: str
    username: str
    kind: str = "user"  # user | token | system
    roles: tuple[str, ...] = ()
    permissions: tuple[str, ...] = field(default=())
    # Data scope (C6): a scoped actor sees only current members of these contact groups (with their
    # subgroups); scoped with no groups sees no contact at all. Not scoped: every contact.
    scoped: bool = False
    scope_group_ids: tuple[str, ...] = ()

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def require(self, permission: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"'{self.username}' lacks the permission '{permission}'",
                {"permission": permission},
            )

    def to_header(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_header(cls, value: str | bytes) -> "Actor":
        data: dict[str, Any] = json.loads(value)
        return cls(
            id=data["id"],
            username=data["username"],
            kind=data.get("kind", "user"),
            roles=tuple(data.get("roles", ())),
            permissions=tuple(data.get("permissions", ())),
            scoped=bool(data.get("scoped", False)),
            scope_group_ids=tuple(data.get("scope_group_ids", ())),
        )

    def summary(self) -> dict[str, str]:
        """The actor as recorded in audit events."""
        return {"id": self.id, "username": self.username, "kind": self.kind}


SYSTEM = Actor(id="system", username="system", kind="system")


def context_data_for(
    actor: Actor, request_id: str | None = None, keys: Sequence[str] | None = None
) -> dict[str, object]:
    """Signed context data to hand a ClusterRpcProxy (CLI, tests) acting as ``actor``; ``keys`` default to
    ``PIIRI_CONTEXT_KEYS`` (piiri/signing.py)."""
    context = {ACTOR_KEY: actor.to_header(), REQUEST_ID_KEY: request_id or str(uuid.uuid4())}
    return signing.signed(context, keys or signing.context_keys())


class CallContext:
    """Per-worker view of the context: the actor (required) and the request id."""

    def __init__(self, worker_ctx: WorkerContext) -> None:
        self.worker_ctx = worker_ctx

    @property
    def actor(self) -> Actor:
        raw = self.worker_ctx.data.get(ACTOR_KEY)
        if not raw:
            raise NotAuthenticated("no acting user in the call context")
        return Actor.from_header(raw)

    @property
    def request_id(self) -> str:
        request_id: str = self.worker_ctx.data.get(REQUEST_ID_KEY) or self.worker_ctx.call_id
        return request_id

    def act_as(self, actor: Actor, request_id: str | None = None) -> None:
        """Set the actor for every RPC this worker makes from now on (used by the gateway)."""
        act_as_header(self.worker_ctx, actor.to_header(), request_id or str(uuid.uuid4()))

    def require(self, permission: str) -> Actor:
        actor = self.actor
        actor.require(permission)
        return actor


def act_as_header(worker_ctx: WorkerContext, actor_header: str, request_id: str) -> None:
    """Put the actor (a header from Actor.to_header) into the worker's context, signed with the
    container's first CONTEXT_KEYS key: every RPC and event this worker sends carries it."""
    worker_ctx.data[ACTOR_KEY] = actor_header
    worker_ctx.data[REQUEST_ID_KEY] = request_id
    keys = signing.context_keys(worker_ctx.container.config)
    worker_ctx.data[SIGNATURE_KEY] = signing.signature(actor_header, request_id, keys)


class ActAs(DependencyProvider):
    """``self.act_as(actor_header, request_id)`` in a background worker (an export, a sync, an invoice
    run): the worker's later RPC calls and events carry that actor, as the request that queued the job
    did (act_as_header)."""

    def get_dependency(self, worker_ctx: WorkerContext) -> Any:
        def act_as(actor_header: str, request_id: str) -> None:
            act_as_header(worker_ctx, actor_header, request_id)

        return act_as


class Context(DependencyProvider):
    def get_dependency(self, worker_ctx: WorkerContext) -> CallContext:
        return CallContext(worker_ctx)
