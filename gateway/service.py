"""The gateway service: one nameko service holding the API and web UI routes and the RPC proxies."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from gateway.api import ApiRoutes
from gateway.api_access import AccessApiRoutes
from gateway.api_account import AccountApiRoutes
from gateway.api_advanced_search import AdvancedSearchApiRoutes
from gateway.api_affiliations import AffiliationsApiRoutes
from gateway.api_audit import AuditApiRoutes
from gateway.api_automations import AutomationsApiRoutes
from gateway.api_billing import BillingApiRoutes
from gateway.api_birthdays import BirthdaysApiRoutes
from gateway.api_custom_fields import CustomFieldsApi
from gateway.api_data_protection import DataProtectionApiRoutes
from gateway.api_exports import ExportsApiRoutes
from gateway.api_gdpr import GdprApiRoutes
from gateway.api_groups import GroupsApiRoutes
from gateway.api_imports import ImportsApiRoutes
from gateway.api_merge import MergeApiRoutes
from gateway.api_person import PersonApiRoutes
from gateway.api_saved_searches import SavedSearchesApiRoutes
from gateway.base import GatewayBase
from gateway.export_calls import ExportCalls
from gateway.gdpr import GdprCalls
from gateway.secret_box import SecretKeys
from gateway.web import WebRoutes
from gateway.web_access import AccessWebRoutes
from gateway.web_account import AccountWebRoutes
from gateway.web_advanced_search import AdvancedSearchWebRoutes
from gateway.web_affiliations import AffiliationsWebRoutes
from gateway.web_audit import AuditWebRoutes
from gateway.web_automations import AutomationsWebRoutes
from gateway.web_billing import BillingWebRoutes
from gateway.web_birthdays import BirthdaysWebRoutes
from gateway.web_custom_fields import CustomFieldsWeb
from gateway.web_data_protection import DataProtectionWebRoutes
from gateway.web_exports import ExportsWebRoutes
from gateway.web_gdpr import GdprWebRoutes
from gateway.web_groups import GroupsWebRoutes
from gateway.web_imports import ImportsWebRoutes
from gateway.web_merge import MergeWebRoutes
from gateway.web_person import PersonWebRoutes
from gateway.web_saved_searches import SavedSearchesWebRoutes
from piiri.audit import AuditTrail
from piiri.context import Context
from piiri.db import Database


class GatewayService(
    BillingApiRoutes,
    BillingWebRoutes,
    ExportsApiRoutes,
    ExportsWebRoutes,
    ExportCalls,
    ImportsApiRoutes,
    ImportsWebRoutes,
    DataProtectionApiRoutes,
    DataProtectionWebRoutes,
    GdprApiRoutes,
    GdprWebRoutes,
    GdprCalls,
    AccessApiRoutes,
    AccessWebRoutes,
    AccountApiRoutes,
    AccountWebRoutes,
    AuditApiRoutes,
    AuditWebRoutes,
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
    AffiliationsApiRoutes,
    AffiliationsWebRoutes,
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
    secret_keys = SecretKeys()  # issue 12 item 7h: the keys of the TOTP secrets at rest
    contacts = RpcProxy("contacts")
    imports = RpcProxy("imports")
    audit = RpcProxy("audit")
    exports = RpcProxy("exports")
    billing = RpcProxy("billing")
    # Audit records of the gateway's own changes and uses (users, roles, user groups, API tokens, S1 account
    # security).
    audit_trail = AuditTrail("gateway")
