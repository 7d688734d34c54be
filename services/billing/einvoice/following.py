"""Following e-invoices (B3) after they left: what the operator did with the sendings it took (delivered,
or rejected with its reason), and where an invoice's e-invoice goes unless told otherwise. Module
functions shared by the e-invoice RPCs (rpc.py) and the invoice page's one read (invoice_page/)."""

import logging

from services.billing.einvoice import client, storage

log = logging.getLogger(__name__)

# A look on demand (a page view) waits at most this long for the operator's answer (an invoice has one
# pending sending at most): an operator slow or away must not hold the invoice page; the timer goes on.
ON_DEMAND_TIMEOUT = 3.0


def settle(db, config, waiting, timeout=None):
    """Ask the operator about each of ``waiting`` (pending sendings) and record a settled answer; the
    operator away ends the round (the next one asks again)."""
    operator = client.OperatorClient.from_config(config)
    if operator is None:
        return
    if timeout is not None:
        operator.timeout = min(operator.timeout, timeout)
    for row in waiting:
        try:
            answer = operator.status(row["message_id"])
        except client.Unavailable as exc:
            log.warning("billing: no e-invoice status from the operator now: %s", exc)
            return
        if answer["status"] != "accepted":
            with db.transaction() as session:
                storage.set_outcome(session, row["id"], answer["status"], answer.get("reason"))


def settle_invoice(db, config, invoice_id):
    """Before the invoice's sendings are shown (its sendings' read, the invoice page): its pending sending,
    if any, brought up to date with the operator, waiting at most ON_DEMAND_TIMEOUT."""
    waiting = storage.pending(db.session, invoice_id, limit=1)
    db.session.rollback()
    if waiting:
        settle(db, config, waiting, timeout=ON_DEMAND_TIMEOUT)


def defaults(invoice, payer_page):
    """{"to_identifier", "to_intermediator", "source"}: the address and operator ``invoice`` was issued
    with ("invoice"), else the payer's e-invoice contact fields now ("contact", read with ``payer_page``:
    contacts.payer_page, audited there), else empty (source None). The caller audits a found address."""
    found = {"to_identifier": "", "to_intermediator": "", "source": None}
    if invoice.get("einvoice_address"):
        return {
            "to_identifier": invoice["einvoice_address"],
            "to_intermediator": invoice.get("einvoice_operator") or "",
            "source": "invoice",
        }
    if invoice.get("contact_id"):
        rows = payer_page({"kind": "ids", "ids": [str(invoice["contact_id"])]})["items"]
        row = rows[0] if rows else {}
        if row.get("einvoice_address") or row.get("einvoice_operator"):
            found = {
                "to_identifier": row.get("einvoice_address") or "",
                "to_intermediator": row.get("einvoice_operator") or "",
                "source": "contact",
            }
    return found
