"""Contacts: the contact list and search, a contact's page, its form, deleting it (C1, C2)."""

from gateway.contacts.api import ContactsApiRoutes
from gateway.contacts.web import ContactsWebRoutes
from gateway.core import Area

AREA = Area(
    "contacts",
    routes=(ContactsApiRoutes, ContactsWebRoutes),
    list_filters=("rich/_list_filters.html",),
)
