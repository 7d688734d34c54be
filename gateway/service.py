"""The gateway service: one nameko service holding the API and web UI routes and the RPC proxies."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from gateway.api import ApiRoutes
from gateway.base import GatewayBase
from gateway.web import WebRoutes
from piiri.context import Context
from piiri.db import Database


class GatewayService(GatewayBase, ApiRoutes, WebRoutes):
    name = "gateway"

    config = Config()
    db = Database("gateway")
    context = Context()
    contacts = RpcProxy("contacts")
    audit = RpcProxy("audit")
