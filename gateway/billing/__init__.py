"""Billing: fee types and the VAT table, invoices (PDF, Finvoice, credit notes), invoice runs, bank files
and payment matching (B1-B4)."""

from gateway.billing.api import BillingApiRoutes
from gateway.billing.web import BillingWebRoutes
from gateway.core import Area

AREA = Area("billing", routes=(BillingApiRoutes, BillingWebRoutes))
