"""Delivering a reminder (B4): one function, ``deliver(document, payer)``, with one channel per way a payer
gets documents. "print": the PDF is ready to download (and print) from the invoice page; "einvoice": the
Finvoice message to the address the invoice itself was e-invoiced to (the operator away: failed, to be
retried with a growing wait, retrying.py; refused by the operator: failed with its reason); "email": a
mail with the PDF attached to the address the invoice was e-mailed to, stored as an e-mail delivery of
kind "reminder" in the transaction that records the reminder delivered (email_delivery: the
hand_over_emails timer gives it to the mailing service, whose events follow it to sent, bounced or
failed). A payer the invoice e-mail's rules would not mail (no or an invalid address, a bounced one) gets
the reminder on paper, the reason recorded. A channel is a function ``(document, payer, context) ->
Outcome``."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.billing.einvoice import client
from services.billing.email_delivery.storage import store as store_delivery


@dataclass(frozen=True)
class Document:
    """What is delivered: its kind ("reminder"), a file name, and makers of its PDF and Finvoice bytes
    (made only by the channel that needs them)."""

    kind: str
    file_name: str
    pdf: Callable[[], bytes]
    finvoice: Callable[[dict], bytes]
    number: int
    id: Any = None  # the reminder's id and its invoice's (the e-mail delivery names both)
    invoice_id: Any = None
    mail: Callable[[], dict] | None = None  # the mail request (email_delivery.rules.reminder_mail)
    # Records (audits) the disclosure of the payer's data to the e-invoice operator, given the
    # transmission, before the message leaves; raising stops the sending (fail-closed).
    disclose: Callable[[dict], None] | None = None


@dataclass(frozen=True)
class Payer:
    """Whom it goes to and how: the delivery chosen ("print", "einvoice", or another channel's name) and
    the addresses that channel needs."""

    name: str
    language: str
    delivery: str
    email: str | None = None
    einvoice: dict = field(default_factory=dict)  # {"to_identifier", "to_intermediator"}
    email_refusal: str | None = None  # why e-mail is not possible (email_delivery.rules.reminder_refusal)


@dataclass(frozen=True)
class Outcome:
    status: str  # ready | sent | failed
    detail: str | None = None  # the operator's message id, the e-mail delivery's id, or a reason
    channel: str | None = None  # the channel it went by when not the payer's (e-mail fell back to print)
    retry: bool = False  # a failure worth trying again later (the e-invoice operator was away)


def print_channel(document: Document, payer: Payer, context: Any) -> Outcome:
    """Nothing leaves: the PDF is made on demand from the stored reminder (reminder_pdf)."""
    return Outcome("ready")


def einvoice_channel(document: Document, payer: Payer, context: Any) -> Outcome:
    operator = client.OperatorClient.from_config(context["config"])
    if operator is None:
        return Outcome("failed", "billing.einvoice_not_configured")
    if document.disclose:  # on record before the data leaves
        document.disclose(payer.einvoice)
    try:
        answer = operator.send(document.finvoice(payer.einvoice))
    except client.Refused as refused:
        return Outcome("failed", str(refused.reason)[:500])
    except client.Unavailable:  # nothing is known of the message: offered again later (retrying.py)
        return Outcome("failed", "billing.einvoice_operator_unavailable", retry=True)
    return Outcome("sent", str(answer.get("id") or ""))


def email_channel(document: Document, payer: Payer, context: Any) -> Outcome:
    """Store the reminder mail as an e-mail delivery (kind "reminder") in ``context["session"]``'s
    transaction, queued as ``context["actor"]``: sent (to e-mail) with the delivery's id as the detail; a
    payer who cannot be mailed gets it on paper instead (ready, the reason code as the detail)."""
    if payer.email_refusal:
        return Outcome("ready", f"billing.email_{payer.email_refusal}", channel="print")
    if document.mail is None:
        return Outcome("failed", "billing.document_unknown")
    delivery = store_delivery(
        context["session"], context["actor"], document.kind, document.id, document.invoice_id, document.mail()
    )
    return Outcome("sent", str(delivery["id"]))


CHANNELS: dict[str, Callable[[Document, Payer, Any], Outcome]] = {
    "print": print_channel,
    "einvoice": einvoice_channel,
    "email": email_channel,
}


def channel_for(invoice: dict, einvoice_address: tuple | None) -> str:
    """How an invoice's reminder goes: by e-invoice where the invoice was e-invoiced, else the way the
    invoice was delivered when that channel is here (e-mail: the address it was mailed to), else print."""
    if einvoice_address:
        return "einvoice"
    chosen = invoice.get("delivery")
    return chosen if chosen in CHANNELS and chosen != "einvoice" else "print"


def deliver(document: Document, payer: Payer, context: Any = None) -> Outcome:
    """Deliver ``document`` to ``payer`` through the payer's channel (an unknown one: failed, named)."""
    channel = CHANNELS.get(payer.delivery)
    if channel is None:
        return Outcome("failed", f"billing.delivery_unknown:{payer.delivery}")
    return channel(document, payer, context)
