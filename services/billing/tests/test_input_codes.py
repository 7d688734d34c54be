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


def test_issue13_item9_a_fee_type_and_a_run_name_every_bad_field_at_once():
    """Issue 13 item 9: the schema's findings and the later checks (amount, name, dates) together, so a
    form shows all its mistakes after one save."""
    from piiri.errors import ValidationFailed
    from services.billing.fee_types.rpc import load_fee_type
    from services.billing.runs.rpc import load_run

    try:
        load_fee_type({"name": "   ", "amount": "kymppi", "vat_class": "x"})
    except ValidationFailed as exc:
        assert exc.details == {
            "vat_class": ["billing.vat_class_unknown"],
            "amount": ["billing.amount_invalid"],
            "name": ["billing.name_required"],
        }
    else:
        raise AssertionError("the fee type was taken")
    try:
        load_run(
            {
                "fee_type_id": "x",
                "selection": {"kind": "x"},
                "invoice_date": "2026-05-01",
                "due_date": "2026-04-01",
            },
            14,
        )
    except ValidationFailed as exc:
        assert exc.details == {
            "fee_type_id": ["billing.id_invalid"],
            "selection.kind": ["billing.selection_kind_unknown"],
            "due_date": ["billing.due_before_invoice_date"],
        }
    else:
        raise AssertionError("the run was taken")


def test_issue13_item9_an_empty_field_is_required_not_invalid():
    """An unchosen fee type or an empty name reads "required", a wrong one "not valid"."""
    from piiri.errors import ValidationFailed
    from services.billing.fee_types.rpc import load_fee_type

    try:
        load_fee_type({"name": "", "amount": ""})
    except ValidationFailed as exc:
        assert exc.details == {"name": ["billing.name_required"], "amount": ["billing.amount_invalid"]}
    else:
        raise AssertionError("the fee type was taken")
    refused = refusal(RunInput, {"fee_type_id": "", "selection": {"kind": "group"}})
    assert refused == {"fee_type_id": ["billing.id_invalid"]}  # without the input: the field's own code
    try:
        RunInput().load({"fee_type_id": "", "selection": {"kind": "group"}})
    except ValidationError as exc:
        assert coded(exc, {"fee_type_id": ""}) == {"fee_type_id": ["billing.value_required"]}
