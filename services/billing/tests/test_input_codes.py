"""The billing service's input errors are codes, never marshmallow's English sentences."""

from marshmallow import ValidationError

from services.billing.contract import FeeTypeInput, RunInput, SingleInvoiceInput
from services.billing.input_codes import coded


def refusal(schema, data):
    try:
        schema().load(data)
    except ValidationError as exc:
        return coded(exc)
    raise AssertionError("the schema took it")


def test_each_refused_field_has_its_code():
    assert refusal(FeeTypeInput, {"name": "", "amount": "5", "vat_class": "x", "account": "1" * 21}) == {
        "name": ["billing.text_invalid"],
        "vat_class": ["billing.vat_class_unknown"],
        "account": ["billing.account_invalid"],
    }
    assert refusal(
        RunInput, {"fee_type_id": "x", "selection": {}, "due_date": "31.2.", "delivery": "fax"}
    ) == {
        "fee_type_id": ["billing.id_invalid"],
        "due_date": ["billing.date_invalid"],
        "delivery": ["billing.delivery_unknown"],
    }
    assert refusal(SingleInvoiceInput, {"contact_id": "x", "lines": [{"unit_price": "1"}], "extra": 1}) == {
        "contact_id": ["billing.id_invalid"],
        "lines": ["billing.line_invalid"],
        "extra": ["billing.field_unknown"],
    }


def test_a_validators_own_code_is_kept():
    assert refusal(
        FeeTypeInput, {"name": "Jäsenmaksu", "amount": "5", "membership_period": "ensi vuosi"}
    ) == {"membership_period": ["billing.membership_period_invalid"]}
