"""Billing: fee types and the VAT table, invoices (PDF, Finvoice, credit notes), invoice runs, bank files
and payment matching, reminders and the collection list (B1-B4); paid-up membership on a contact's page
and in the contact list (B4)."""

from gateway.billing.api import BillingApiRoutes
from gateway.billing.paid_membership import PaidMembershipRoutes
from gateway.billing.reminders_api import RemindersApiRoutes
from gateway.billing.reminders_web import RemindersWebRoutes
from gateway.billing.web import BillingWebRoutes
from gateway.core import Area

AREA = Area(
    "billing",
    routes=(BillingApiRoutes, BillingWebRoutes, RemindersApiRoutes, RemindersWebRoutes, PaidMembershipRoutes),
    contact_sections=("billing/_paid_membership.html",),
    list_filters=("billing/_list_filter.html",),
)
