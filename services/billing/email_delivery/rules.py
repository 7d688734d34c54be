"""Pure rules of sending documents by e-mail (B3): the invoice mail's words in the payer's language, the
generic mail request any billing document uses (``document_mail``: reminders call it too), and who a
run's "send by e-mail" leaves out and why. No I/O."""

from dataclasses import dataclass
from decimal import Decimal

from email_validator import EmailNotValidError, validate_email

from services.billing.contract import LANGUAGES
from services.billing.email_delivery.texts import INVOICE_MAIL, REMINDER_MAIL
from services.billing.invoices import money
from services.billing.references import rules as references

IN_FLIGHT = ("queued",)
DONE = ("queued", "sent")  # an invoice with such a delivery is not mailed again by a run


@dataclass(frozen=True)
class Template:
    """Subject and body per language, filled with str.format(**params)."""

    texts: dict

    def fill(self, language, params):
        words = self.texts.get(language) or self.texts["fi"]
        return words["subject"].format(**params), words["body"].format(**params)


INVOICE_TEMPLATE = Template(INVOICE_MAIL)
REMINDER_TEMPLATE = Template(REMINDER_MAIL)


def language_of(payer):
    language = (payer.get("language") or "fi").lower()
    return language if language in LANGUAGES else "fi"


def euros(amount, language):
    text = money.text(Decimal(amount))
    return (text if language == "en" else text.replace(".", ",")) + " €"


def day(value, language):
    return value.isoformat() if language == "en" else f"{value.day}.{value.month}.{value.year}"


def invoice_params(invoice, settings, language):
    reference = invoice["rf_reference"] if settings.reference_form == "rf" else invoice["reference"]
    return {
        "number": invoice["number"],
        "name": invoice["payer_name"],
        "total": euros(invoice["total"], language),
        "due": day(invoice["due_date"], language),
        "reference": references.paper(reference) if reference else "",
        "iban": " ".join(settings.iban[i : i + 4] for i in range(0, len(settings.iban), 4)),
        "bic": settings.bic,
        "payee": settings.payee_name,
    }


def document_mail(*, document, payer, template, params, disclosed_fields):
    """The mailing service's request (contract MailRequest, without its key and reference: the delivery's,
    EmailDeliveryRpc.deliver_document) for one billing document: ``document`` is (kind, id, file name),
    rendered by billing's mail_document when the mail is sent (the request stays small: no PDF travels on
    the bus until then); ``payer`` is {contact_id, email, language}; ``template`` a Template whose texts
    ``params`` fill."""
    language = language_of(payer)
    subject, body = template.fill(language, params)
    kind, document_id, file_name = document
    return {
        "to": payer["email"],
        "contact_id": str(payer["contact_id"]) if payer.get("contact_id") else None,
        "subject": subject,
        "body": body,
        "language": language,
        "attachments": [
            {
                "file_name": file_name,
                "content_type": "application/pdf",
                "source": {"service": "billing", "document": kind, "id": str(document_id)},
            }
        ],
        "disclosed_fields": list(disclosed_fields),
    }


def invoice_mail(invoice, settings):
    """The mail request of an invoice (the PDF attached by reference)."""
    language = language_of(invoice)
    return document_mail(
        document=("invoice", invoice["id"], f"{file_word(language)}-{invoice['number']}.pdf"),
        payer={"contact_id": invoice["contact_id"], "email": invoice["email"], "language": language},
        template=INVOICE_TEMPLATE,
        params=invoice_params(invoice, settings, language),
        disclosed_fields=("payer_name", "street", "postal_code", "city", "email"),
    )


def reminder_mail(reminder, invoice, settings, file_name):
    """The mail request of a payment reminder (B4): the reminder PDF attached by reference, the words with
    the reminder's new total and due date and the invoice's number, reference and the payee's IBAN."""
    language = language_of(invoice)
    payable = {**invoice, "total": reminder["total"], "due_date": reminder["due_date"]}
    return document_mail(
        document=("reminder", reminder["id"], file_name),
        payer={"contact_id": invoice["contact_id"], "email": invoice["email"], "language": language},
        template=REMINDER_TEMPLATE,
        params=invoice_params(payable, settings, language),
        disclosed_fields=("payer_name", "street", "postal_code", "city", "email"),
    )


def reminder_refusal(invoice, flagged):
    """Why a reminder of ``invoice`` cannot go by e-mail (it goes on paper then), or None: the invoice
    e-mail's own reasons (single_refusal: no or an invalid address, a bounced one, an erased payer); a
    reminder is one mail of its own, so earlier mailings of the invoice do not count."""
    return single_refusal(invoice, (), flagged)


def file_word(language):
    return {"fi": "lasku", "sv": "faktura"}.get(language, "invoice")


def email_valid(address):
    try:
        validate_email(address or "", check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def exclusion(invoice, statuses, flagged):
    """Why a run's "send by e-mail" leaves the invoice out, or None: ``statuses`` are the statuses of
    its earlier deliveries, ``flagged`` whether its payer's address bounced (the mailing service's flag)."""
    if invoice["kind"] != "invoice" or invoice["status"] == "credited":
        return "credited"
    if invoice.get("erased_at"):
        return "erased"
    if invoice["delivery"] == "einvoice":
        return "einvoice"
    if invoice["delivery"] == "print":
        return "paper"
    return single_refusal(invoice, statuses, flagged, DONE)


def single_refusal(invoice, statuses, flagged, done=IN_FLIGHT):
    """Why one invoice cannot be e-mailed now, or None (a user may e-mail an invoice whose payer chose
    paper; not one that is credited, without a valid address, bounced, or on its way already)."""
    if invoice["kind"] != "invoice":
        return "credit_note"
    if invoice["status"] == "credited":
        return "credited"
    if invoice.get("erased_at"):
        return "erased"
    if not invoice.get("email"):
        return "no_email"
    if not email_valid(invoice["email"]):
        return "invalid_email"
    if flagged:
        return "bounced"
    if any(status in done for status in statuses):
        return "already_sent"
    return None
