"""The billing service's published events (exchange ``billing.events``, docs/events.md): each event type
with the marshmallow schema of its payload and its schema_version (docs/events/ is generated from it)."""

from services.billing.contract import EXCHANGE, InvoiceCreditedEvent, InvoicePaidEvent, PaymentUnmatchedEvent

CATALOGUE: dict[str, dict] = {
    "invoice_paid": {"schema": InvoicePaidEvent, "version": 1, "exchange": EXCHANGE},
    "invoice_credited": {"schema": InvoiceCreditedEvent, "version": 1, "exchange": EXCHANGE},
    "payment_unmatched": {"schema": PaymentUnmatchedEvent, "version": 1, "exchange": EXCHANGE},
}
