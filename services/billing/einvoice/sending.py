"""Sending one invoice as a Finvoice e-invoice (B3), the one way both the invoice page's "send" (rpc.py) and
an e-invoice run (worker.py) send: under the invoice's sending lock, refused when it was already sent (and
not rejected) or credited (a credit note is not sent either), the disclosure audited before the message
leaves, the operator's first answer recorded."""

import logging

from piiri.errors import Conflict, NotFound, ServiceUnavailable
from services.billing.einvoice import client, message, storage
from services.billing.invoices import storage as invoice_storage
from services.billing.invoices.views import PERSONAL_FIELDS, subjects

log = logging.getLogger(__name__)


def refusal(invoice):
    """Why ``invoice`` is not sent as an e-invoice at all (B3), or None: a credited invoice (its credit
    note cancelled it) and a credit note are not sent (the code names which)."""
    if invoice["kind"] != "invoice":
        return "billing.einvoice_credit_note"
    if invoice["status"] == "credited":
        return "billing.einvoice_credited"
    return None


def send(db, audit, actor, settings, config, operator, invoice_id, transmission):
    """The sending row of ``invoice_id`` sent to ``transmission`` (checked_transmission's) through
    ``operator`` (None: refused as not configured, after an invoice never sent is refused as such)."""
    key = invoice_storage.parse_id(invoice_id)
    # One transaction holds the invoice's sending lock from the check to the record, so two sends of
    # one invoice at once cannot both pass "already sent" and deliver it twice.
    with db.transaction() as session:
        invoice = invoice_storage.get(session, key) if key else None
        if invoice is None:
            raise NotFound("billing.invoice_not_found", {"id": str(invoice_id)})
        refused = refusal(invoice)
        if refused:  # whatever the operator: never sent
            raise Conflict(refused, params={"number": invoice["number"]})
        if operator is None:
            raise Conflict("billing.einvoice_not_configured")
        storage.lock_sending(session, invoice["id"])
        if any(row["status"] != "rejected" for row in storage.of_invoice(session, invoice["id"])):
            raise Conflict("billing.einvoice_already_sent", params={"number": invoice["number"]})
        lines = invoice_storage.lines_of(session, invoice["id"])
        document = message.build(invoice, lines, settings, config, transmission)
        audit.read(  # a disclosure to the operator: on record before the data leaves
            actor,
            "invoice.einvoice_sent",
            "contact",
            subjects([invoice]),
            PERSONAL_FIELDS,
            {"number": invoice["number"], "operator": transmission["to_intermediator"]},
        )
        try:
            answer = operator.send(document)
            outcome = {"message_id": answer["id"], "status": "accepted", "reason": None}
        except client.Refused as refused:
            outcome = {"message_id": None, "status": "rejected", "reason": refused.reason}
        except client.Unavailable as exc:
            log.warning("billing: the e-invoice operator did not take invoice %s: %s", invoice["number"], exc)
            raise ServiceUnavailable("billing.einvoice_operator_unavailable") from None
        return storage.record(
            session,
            {"invoice_id": invoice["id"], **transmission, **outcome, "actor_username": actor.username},
        )


def send_run(db, audit, actor, settings, config, run_id):
    """Send every e-invoice of the run not sent yet, to the address and operator each invoice took from
    its payer's contact: {"sent", "rejected"} counts, or None when no operator is configured. A run
    resumed after a crash sends what it had not; the operator away stops the round (the invoices stay
    unsent, to be sent from their page)."""
    operator = client.OperatorClient.from_config(config)
    if operator is None:
        return None
    counts = {"sent": 0, "rejected": 0}
    waiting = storage.unsent_of_run(db.session, run_id)
    db.session.rollback()
    for invoice in waiting:
        transmission = {
            "to_identifier": invoice["einvoice_address"],
            "to_intermediator": invoice["einvoice_operator"],
        }
        try:
            row = send(db, audit, actor, settings, config, operator, invoice["id"], transmission)
        except Conflict:
            continue  # sent meanwhile
        except ServiceUnavailable:
            break
        counts["sent" if row["status"] == "accepted" else "rejected"] += 1
    return counts
