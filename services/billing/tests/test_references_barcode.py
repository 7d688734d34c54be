"""B1, B2: Finnish and RF references, the virtual barcode and the EPC QR payload, against the test
vectors of ../shared/formats.md §1-2 (FFI's Bank Bar Code Guide, via bank-barcode, aksel, nocfo)."""

from datetime import date
from decimal import Decimal

import pytest

from services.billing.documents import barcode, epc_qr
from services.billing.references import rules as references


@pytest.mark.parametrize(
    "base,reference",
    [("12345", "123453"), ("1234", "12344"), ("1000", "10003"), ("123", "1232"), ("1301", "13013")],
)
def test_b1_national_reference_check_digit(base, reference):
    assert references.national(base) == reference
    assert references.is_national(reference)
    assert not references.is_national(reference[:-1] + str((int(reference[-1]) + 1) % 10))


@pytest.mark.parametrize(
    "national,rf",
    [("10003", "RF6810003"), ("11112", "RF9811112"), ("868516259619897", "RF09868516259619897")],
)
def test_b1_rf_form_of_a_national_reference(national, rf):
    assert references.rf(national) == rf
    assert references.is_rf(rf)
    assert references.normalise(rf) == national
    assert references.normalise("000000000000" + national) == national  # bank files' zero padding


def test_b1_references_printed_in_groups_and_bad_ones_refused():
    assert references.paper("868516259619897") == "86851 62596 19897"
    assert references.paper("RF09868516259619897") == "RF09 8685 1625 9619 897"
    assert references.normalise("13014") is None
    assert references.normalise("RF6810004") is None
    assert references.normalise("abc") is None
    with pytest.raises(references.BadReference):
        references.rf("13014")


def test_b1_reference_schemes():
    assert references.base_for("invoice", 1000, None, None) == "1000"
    assert references.base_for("payer", 1000, 42, 7) == "42007"
    with pytest.raises(references.BadReference) as error:
        references.base_for("payer", 1000, None, None)
    assert error.value.code == "billing.reference_payer_missing"


VECTORS = [
    (
        "FI7944052020036082",
        "4883.15",
        "868516259619897",
        date(2010, 6, 12),
        "479440520200360820048831500000000868516259619897100612",
    ),
    (
        "FI5810171000000122",
        "482.99",
        "559582243294671",
        date(2012, 1, 31),
        "458101710000001220004829900000000559582243294671120131",
    ),
    (
        "FI7944052020036082",
        "4883.15",
        "RF09868516259619897",
        date(2010, 6, 12),
        "579440520200360820048831509000000868516259619897100612",
    ),
    (
        "FI3715903000000776",
        "12.25",
        "11112",
        date(2016, 12, 21),
        "437159030000007760000122500000000000000000011112161221",
    ),
    (
        "FI3715903000000776",
        "1.10",
        "RF9811112",
        date(2017, 1, 1),
        "537159030000007760000011098000000000000000011112170101",
    ),
    (
        "FI2112345600000785",
        "50.00",
        "10003",
        date(2025, 1, 29),
        "421123456000007850000500000000000000000000010003250129",
    ),
    (
        "FI2112345600000785",
        "50.00",
        "RF6810003",
        date(2025, 1, 29),
        "521123456000007850000500068000000000000000010003250129",
    ),
]


@pytest.mark.parametrize("iban,amount,reference,due,digits", VECTORS)
def test_b2_virtual_barcode_test_vectors_and_decoding(iban, amount, reference, due, digits):
    assert barcode.virtual_barcode(iban, Decimal(amount), reference, due) == digits
    decoded = barcode.decode(digits)
    assert (decoded.iban, decoded.amount, decoded.reference, decoded.due_date) == (
        iban,
        Decimal(amount),
        reference,
        due,
    )


def test_b2_code128_set_c_values_of_the_first_vector():
    values = barcode.code128c_values(VECTORS[0][4])
    assert values[:5] == [105, 47, 94, 40, 52]
    assert len(values) == 29


def test_b2_barcode_refuses_foreign_iban_and_bad_reference():
    with pytest.raises(barcode.BadBarcode) as error:
        barcode.virtual_barcode("SE4550000000058398257466", Decimal("1.00"), "10003", None)
    assert error.value.code == "billing.barcode_iban_not_finnish"
    with pytest.raises(barcode.BadBarcode):
        barcode.virtual_barcode("FI2112345600000785", Decimal("1.00"), "10004", None)


def test_b2_epc_qr_payload_with_reference_and_due_date():
    data = epc_qr.payload(
        "Esimerkkiyhdistys ry",
        "FI21 1234 5600 0007 85",
        "NDEAFIHH",
        Decimal("50.00"),
        "RF6810003",
        date(2025, 1, 29),
    )
    assert data == (
        "BCD\n001\n1\nSCT\nNDEAFIHH\nEsimerkkiyhdistys ry\nFI2112345600000785\nEUR50.00\n\nRF6810003\n\n"
        "ReqdExctnDt/2025-01-29"
    )
    assert epc_qr.qr_png(data).startswith(b"\x89PNG")
