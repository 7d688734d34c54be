"""Delivering a reminder (B4): one function, ``deliver(document, payer)``, with one channel per way a payer
gets documents. "print": the PDF is ready to download (and print) from the invoice page; "einvoice": the
Finvoice message to the address the invoice itself was e-invoiced to. A channel is a function
``(document, payer) -> Outcome``; another channel (e-mail with the PDF attached) is added to CHANNELS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.billing.einvoice import client


@dataclass(frozen=True)
class Document:
    """What is delivered: its kind ("reminder"), a file name, and makers of its PDF and Finvoice bytes
    (made only by the channel that needs them)."""

    kind: str
    file_name: str
    pdf: Callable[[], bytes]
    finvoice: Callable[[dict], bytes]
    number: int


@dataclass(frozen=True)
class Payer:
    """Whom it goes to and how: the delivery chosen ("print", "einvoice", or another channel's name) and
    the addresses that channel needs."""

    name: str
    language: str
    delivery: str
    email: str | None = None
    einvoice: dict = field(default_factory=dict)  # {"to_identifier", "to_intermediator"}


@dataclass(frozen=True)
class Outcome:
    status: str  # ready | sent | failed
    detail: str | None = None  # the operator's message id, or the reason it failed


def print_channel(document: Document, payer: Payer, context: Any) -> Outcome:
    """Nothing leaves: the PDF is made on demand from the stored reminder (reminder_pdf)."""
    return Outcome("ready")


def einvoice_channel(document: Document, payer: Payer, context: Any) -> Outcome:
    operator = client.OperatorClient.from_config(context["config"])
    if operator is None:
        return Outcome("failed", "billing.einvoice_not_configured")
    try:
        answer = operator.send(document.finvoice(payer.einvoice))
    except client.Refused as refused:
        return Outcome("failed", str(refused.reason)[:500])
    except client.Unavailable:
        return Outcome("failed", "billing.einvoice_operator_unavailable")
    return Outcome("sent", str(answer.get("id") or ""))


CHANNELS: dict[str, Callable[[Document, Payer, Any], Outcome]] = {
    "print": print_channel,
    "einvoice": einvoice_channel,
}


def channel_for(invoice: dict, einvoice_address: tuple | None) -> str:
    """How an invoice's reminder goes: by e-invoice where the invoice was e-invoiced, else the way the
    invoice was delivered when that channel is here (an "email" channel once it is added), else print."""
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
