"""Issue 11 item 6 (stack.md trap 10): every RPC a service makes to another has a deadline. nameko's own
RpcProxy waits for ever for a stopped service; each service and worker declares piiri.rpc.RpcProxy
instead. Two callers keep nameko's proxy because they bound every call themselves: the gateway
(GatewayCore.call with its timeout) and the contacts service's access report (one deadline for all the
GDPR services it asks)."""

import importlib

from nameko import rpc as nameko_rpc

from piiri import rpc as piiri_rpc
from piiri_cli.cli import SERVICE_CLASSES

OWN_DEADLINES = {
    ("GatewayService", "contacts"),
    *(("GatewayService", name) for name in ("audit", "imports", "exports", "surveys", "mailing", "billing")),
    *(
        ("ContactsService", f"{name}_rpc")
        for name in ("audit", "imports", "exports", "surveys", "mailing", "billing")
    ),
}


def service_class(path):
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


def test_issue_11_every_rpc_proxy_of_a_service_has_a_deadline():
    without = []
    for path in SERVICE_CLASSES.values():
        cls = service_class(path)
        for attribute in dir(cls):
            value = getattr(cls, attribute, None)
            if isinstance(value, nameko_rpc.RpcProxy) and not isinstance(value, piiri_rpc.RpcProxy):
                if (cls.__name__, attribute) not in OWN_DEADLINES:
                    without.append(f"{cls.__name__}.{attribute}")
    assert without == []
