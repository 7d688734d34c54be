"""The gateway service: one nameko service holding the API and web UI routes and the RPC proxies."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from gateway.api import ApiRoutes
from gateway.api_advanced_search import AdvancedSearchApiRoutes
from gateway.api_automations import AutomationsApiRoutes
from gateway.api_birthdays import BirthdaysApiRoutes
from gateway.api_custom_fields import CustomFieldsApi
from gateway.api_groups import GroupsApiRoutes
from gateway.api_merge import MergeApiRoutes
from gateway.api_person import PersonApiRoutes
from gateway.api_saved_searches import SavedSearchesApiRoutes
from gateway.base import GatewayBase
from gateway.web import WebRoutes
from gateway.web_advanced_search import AdvancedSearchWebRoutes
from gateway.web_automations import AutomationsWebRoutes
from gateway.web_birthdays import BirthdaysWebRoutes
from gateway.web_custom_fields import CustomFieldsWeb
from gateway.web_groups import GroupsWebRoutes
from gateway.web_merge import MergeWebRoutes
from gateway.web_person import PersonWebRoutes
from gateway.web_saved_searches import SavedSearchesWebRoutes
from piiri.context import Context
from piiri.db import Database


class GatewayService(
    AutomationsApiRoutes,
    AutomationsWebRoutes,
    AdvancedSearchApiRoutes,
    AdvancedSearchWebRoutes,
    MergeApiRoutes,
    MergeWebRoutes,
    GroupsApiRoutes,
    GroupsWebRoutes,
    PersonApiRoutes,
    PersonWebRoutes,
    CustomFieldsApi,
    CustomFieldsWeb,
    SavedSearchesApiRoutes,
    SavedSearchesWebRoutes,
    BirthdaysApiRoutes,
    BirthdaysWebRoutes,
    GatewayBase,
    ApiRoutes,
    WebRoutes,
):
    name = "gateway"

    config = Config()
    db = Database("gateway")
    context = Context()
    contacts = RpcProxy("contacts")
    audit = RpcProxy("audit")
