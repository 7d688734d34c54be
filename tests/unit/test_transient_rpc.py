"""Issue 18: RPC requests and replies are transient (piiri/rpc.py): the broker keeps them in memory, never
on disk, and a reply goes without a publisher confirm. Every RPC proxy of every service and worker sends
its requests so (piiri.rpc.RpcProxy or TransientRequests), and replies go out by TransientResponder."""

import importlib

from nameko import rpc as nameko_rpc
from nameko.constants import NON_PERSISTENT

from piiri import rpc as piiri_rpc
from piiri_cli.cli import SERVICE_CLASSES


def proxies():
    for path in SERVICE_CLASSES.values():
        module, name = path.split(":")
        cls = getattr(importlib.import_module(module), name)
        for attribute in dir(cls):
            value = getattr(cls, attribute, None)
            if isinstance(value, nameko_rpc.RpcProxy):
                yield f"{name}.{attribute}", value


def test_every_rpc_proxy_sends_transient_requests():
    found = dict(proxies())
    assert "GatewayService.contacts" in found  # the walk finds the proxies at all
    persistent = [
        name for name, proxy in found.items() if proxy.options.get("delivery_mode") != NON_PERSISTENT
    ]
    assert persistent == []


def test_a_deadline_proxy_keeps_other_options_and_transient_requests():
    proxy = piiri_rpc.RpcProxy("audit", timeout_key="AUDIT_RPC_TIMEOUT", default=3.0)
    assert proxy.options == {"delivery_mode": NON_PERSISTENT}
    assert (proxy.timeout_key, proxy.default_timeout) == ("AUDIT_RPC_TIMEOUT", 3.0)


def test_replies_are_transient_and_unconfirmed():
    publisher = piiri_rpc.TransientResponder.publisher_cls
    assert issubclass(publisher, nameko_rpc.Responder.publisher_cls)
    assert publisher.use_confirms is False
    assert publisher.delivery_mode == NON_PERSISTENT
