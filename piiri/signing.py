"""The signed acting-user context (issue 11 item 7): who acts travels between services as a signed header.

The context of every call and event carries ``actor`` (Actor.to_header), ``request_id`` and
``actor_signature``: HMAC-SHA256 over ``"<actor header>\\n<request id>"`` with the first key of
``CONTEXT_KEYS`` (config; env ``PIIRI_CONTEXT_KEYS``, comma-separated). Every key listed verifies, so a
key is rotated by listing the new key first and the old one second until every process has the new
list, then dropping the old one.

Who signs: the code that sets the actor (``CallContext.act_as``, ``context_data_for`` for the CLI and
tests, the export worker's ``ActAs``) and every Piiri publisher at publish time (the outbox relay, the
audit publisher: ``piiri.messaging.context_headers``), whose context came from a verified message or
from ``act_as``. Who verifies: the service container (piiri/container.py), before any RPC, event or
queue entrypoint runs. An RPC without an actor may come unsigned (the gateway's health ping: it can do
nothing that needs an actor); an event or queued message must always be signed, because its handler
acts as the system.
"""

import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence

ACTOR_KEY = "actor"
REQUEST_ID_KEY = "request_id"
SIGNATURE_KEY = "actor_signature"
DEV_KEY = "piiri-dev-context-key-change-me"


class BadSignature(Exception):
    """The context's signature is missing or does not verify with any configured key."""


def context_keys(config: Mapping[str, object] | None = None) -> list[str]:
    """The configured keys (first signs, all verify): ``CONTEXT_KEYS`` in config, else the environment
    variable ``PIIRI_CONTEXT_KEYS``, else the development key."""
    value = (config or {}).get("CONTEXT_KEYS") or os.environ.get("PIIRI_CONTEXT_KEYS") or DEV_KEY
    if isinstance(value, (list, tuple)):
        keys = [str(key).strip() for key in value]
    else:
        keys = [part.strip() for part in str(value).split(",")]
    keys = [key for key in keys if key]
    if not keys:
        raise ValueError("CONTEXT_KEYS names no key")
    return keys


def keyed_digests(config: Mapping[str, object] | None, text: str, length: int = 32) -> list[str]:
    """HMAC-SHA256 of ``text`` (hex, ``length`` characters) under each configured key, the first key's
    first: a value to keep or sign without keeping the value itself (make one with ``[0]``; check one
    against all, so that a value made before a key was rotated still verifies). Put the purpose in
    ``text`` ("subscribe:ip:...") so that two uses never share a digest."""
    return [
        hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()[:length]
        for key in context_keys(config)
    ]


def _digest(key: str, actor: object, request_id: object) -> str:
    message = f"{actor or ''}\n{request_id or ''}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def signature(actor: object, request_id: object, keys: Sequence[str]) -> str:
    """The signature of (actor header, request id) with the first key."""
    return _digest(keys[0], actor, request_id)


def signed(context: Mapping[str, object], keys: Sequence[str]) -> dict[str, object]:
    """``context`` (a dict of context data) with a fresh signature over its actor and request id."""
    data = dict(context)
    data[SIGNATURE_KEY] = signature(data.get(ACTOR_KEY), data.get(REQUEST_ID_KEY), keys)
    return data


def verify(context: Mapping[str, object] | None, keys: Sequence[str], required: bool = True) -> None:
    """Raise BadSignature unless ``context`` carries a signature that one of ``keys`` made. Unsigned
    context passes only when not ``required`` and it names no actor."""
    context = context or {}
    given = context.get(SIGNATURE_KEY)
    actor = context.get(ACTOR_KEY)
    if not given:
        if required or actor:
            raise BadSignature("the call context is not signed")
        return
    if not isinstance(given, str):
        raise BadSignature("the call context's signature is not text")
    request_id = context.get(REQUEST_ID_KEY)
    for key in keys:
        if hmac.compare_digest(given, _digest(key, actor, request_id)):
            return
    raise BadSignature("the call context's signature does not verify")
