"""B3 (issue 15): the e-invoice address and operator as contact fields, pure: one rule for contacts and
billing (piiri/einvoice.py), the values kept compact, the schema and the import fast path agreeing, the
field's one name in import files and exports."""

import pytest

from piiri import einvoice
from services.billing.einvoice.message import checked_transmission
from services.contacts.contract import EDITABLE_FIELDS, ContactInput
from services.contacts.input_fast_path import load_plain
from services.exports.contract.rows import STANDARD_COLUMNS
from services.imports.cells import CellError, parse_einvoice_address, parse_einvoice_operator
from services.imports.mapping import build_catalogue, propose_mapping

PERSON = {"first_name": "Aino", "last_name": "Maksaja"}


@pytest.mark.parametrize(
    "given, kept",
    [
        ("0037 9876 5432", "003798765432"),
        ("003712345678ab1", "003712345678AB1"),
        ("fi21 1234 5600 0007 85", "FI2112345600000785"),
    ],
)
def test_b3_an_einvoice_address_is_kept_compact_by_the_schema_and_the_fast_path(given, kept):
    raw = {**PERSON, "einvoice_address": given, "einvoice_operator": " okoy fihh "}
    loaded = ContactInput().load(raw)
    assert (loaded["einvoice_address"], loaded["einvoice_operator"]) == (kept, "OKOYFIHH")
    assert load_plain(raw) == loaded


@pytest.mark.parametrize("address", ["12345", "0038123456789", "FI2112345600000786", "0037 1234"])
def test_b3_a_bad_einvoice_address_is_refused_by_contacts_billing_and_imports_alike(address):
    errors = ContactInput().validate({**PERSON, "einvoice_address": address})
    assert errors == {"einvoice_address": ["contact.einvoice_address_invalid"]}
    assert load_plain({**PERSON, "einvoice_address": address}) is None  # the schema decides
    assert not einvoice.valid_address(einvoice.compact(address))
    with pytest.raises(Exception) as refused:
        checked_transmission({"to_identifier": address, "to_intermediator": "NDEAFIHH"}, required=True)
    assert refused.value.details == {"to_identifier": ["billing.einvoice_address_invalid"]}
    with pytest.raises(CellError) as cell:
        parse_einvoice_address(address)
    assert cell.value.code == "import.cell.einvoice_address"


def test_b3_operator_codes_the_list_and_empty_values():
    assert ContactInput().validate({**PERSON, "einvoice_operator": "x"}) == {
        "einvoice_operator": ["contact.einvoice_operator_invalid"]
    }
    assert (
        ContactInput().load({**PERSON, "einvoice_address": "", "einvoice_operator": ""})["einvoice_address"]
        is None
    )
    assert parse_einvoice_operator("ndeafihh") == "NDEAFIHH"
    assert einvoice.operator_name("0037 2332 7487") == "Apix Messaging Oy"
    assert all(einvoice.valid_operator(code) for code, _ in einvoice.OPERATORS)


def test_b3_the_fields_are_editable_exported_and_imported_by_their_one_name():
    assert {"einvoice_address", "einvoice_operator"} <= set(EDITABLE_FIELDS)
    assert STANDARD_COLUMNS["einvoice_address"][:3] == (
        "Verkkolaskuosoite",
        "E-fakturaadress",
        "E-invoice address",
    )
    proposal = propose_mapping(["Verkkolaskuosoite", "E-invoice operator", "OVT-tunnus"], build_catalogue())
    assert proposal["Verkkolaskuosoite"] == "einvoice_address"
    assert proposal["E-invoice operator"] == "einvoice_operator"
