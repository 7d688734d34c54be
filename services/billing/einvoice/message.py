"""One invoice as the Finvoice message an operator gets (B3): the XML (documents/finvoice.py, validated
against the schema) addressed from the payee to the buyer's e-invoice address and operator."""

from piiri import einvoice
from piiri.errors import ValidationFailed
from services.billing.documents import finvoice, pdf

DEFAULT_OPERATOR = "PIIRIOPERATOR"
PLACEHOLDER_ADDRESS = "00370000000000"  # a download without a buyer's address


def checked_transmission(transmission, required):
    """{"to_identifier", "to_intermediator"} upper-cased without spaces; with ``required`` both must be
    given: an OVT code (0037 + business id digits + up to 5 characters) or an IBAN, and the operator's
    identifier (its BIC or OVT code): piiri/einvoice.py's rules, the same the payer's contact fields keep."""
    if transmission is None:
        transmission = {}
    if not isinstance(transmission, dict):
        raise ValidationFailed("billing.einvoice_invalid", {"transmission": ["billing.not_an_object"]})
    values = {
        name: einvoice.compact(transmission.get(name)) for name in ("to_identifier", "to_intermediator")
    }
    problems = {}
    address, operator = values["to_identifier"], values["to_intermediator"]
    if address and not einvoice.valid_address(address):
        problems["to_identifier"] = ["billing.einvoice_address_invalid"]
    elif required and not address:
        problems["to_identifier"] = ["request.required"]
    if operator and not einvoice.valid_operator(operator):
        problems["to_intermediator"] = ["billing.einvoice_operator_invalid"]
    elif required and not operator:
        problems["to_intermediator"] = ["request.required"]
    if problems:
        raise ValidationFailed("billing.einvoice_invalid", problems)
    return values


def build(invoice, lines, settings, config, transmission):
    """The invoice's Finvoice XML (bytes) to ``transmission`` (checked_transmission's)."""
    own_operator = str(config.get("BILLING_EINVOICE_OPERATOR") or DEFAULT_OPERATOR)
    addresses = {
        "from_identifier": settings.payee_business_id.replace("-", "") or PLACEHOLDER_ADDRESS,
        "from_intermediator": own_operator,
        "to_identifier": transmission.get("to_identifier") or PLACEHOLDER_ADDRESS,
        "to_intermediator": transmission.get("to_intermediator") or own_operator,
    }
    try:
        return finvoice.build(invoice, lines, settings, addresses, pdf.barcode_of(invoice, settings))
    except finvoice.InvalidFinvoice as exc:
        raise ValidationFailed(exc.code, {"finvoice": [{"code": exc.code, "params": exc.params}]}) from None
