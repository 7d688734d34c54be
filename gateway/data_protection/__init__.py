"""Data protection: purposes, consents and legal bases of contacts, retention rules."""

from gateway.core import Area
from gateway.data_protection.api import DataProtectionApiRoutes
from gateway.data_protection.web import DataProtectionWebRoutes

AREA = Area(
    "data_protection",
    routes=(DataProtectionApiRoutes, DataProtectionWebRoutes),
    contact_sections=("data_protection/_section.html",),
    list_filters=("data_protection/_list_filter.html",),
)
