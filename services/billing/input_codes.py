"""The billing service's input errors as codes: marshmallow's English messages ("Length must be between 1
and 200.", "Not a valid UUID.") become one error code per field, which the gateway's catalogs put into the
user's language. Pure, no I/O."""

from marshmallow import ValidationError

from piiri.errors import is_code

# The code of a field whose value the input schemas (services.billing.contract) refused.
FIELD_CODES = {
    "name": "billing.text_invalid",
    "description": "billing.text_invalid",
    "account": "billing.account_invalid",
    "amount": "billing.amount_invalid",
    "unit_price": "billing.amount_invalid",
    "quantity": "billing.quantity_invalid",
    "vat_class": "billing.vat_class_unknown",
    "contact_id": "billing.id_invalid",
    "fee_type_id": "billing.id_invalid",
    "invoice_date": "billing.date_invalid",
    "due_date": "billing.date_invalid",
    "delivery": "billing.delivery_unknown",
    "selection": "billing.selection_kind_unknown",
    "per_couple": "billing.boolean_required",
    "lines": "billing.line_invalid",
    "components": "billing.components_invalid",
    "business_id": "billing.business_id_invalid",
    "iban": "billing.iban_invalid",
}
UNKNOWN_FIELD = "billing.field_unknown"


# The code of a field left empty (given the input): "required", not "not valid" (issue 13 item 9).
EMPTY_CODES = {"name": "billing.name_required", "lines": "billing.lines_required"}
EMPTY = "billing.value_required"


def coded(error: ValidationError, data: object = None) -> dict[str, list[str]]:
    """{field: [code]} for a schema's refusal: a validator's own codes as they are, a field's English
    message as the field's code (with the input ``data``: an empty or missing field as required), and a
    field the schema does not know as billing.field_unknown."""
    messages = error.normalized_messages()
    fields = messages if isinstance(messages, dict) else {"_schema": messages}
    found = {}
    for name, refused in fields.items():
        own = (
            [text for text in refused if isinstance(text, str) and is_code(text)]
            if isinstance(refused, list)
            else []
        )
        empty = isinstance(data, dict) and name in FIELD_CODES and data.get(name) in (None, "", [])
        if empty and not own:
            own = [EMPTY_CODES.get(name, EMPTY)]
        found[name] = own or [FIELD_CODES.get(name, UNKNOWN_FIELD)]
    return found
