"""B4: the real bank files (fixtures/, from ../shared/data/billing/) read into payments, and broken or
wrong files refused naming the file and the line or element."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.billing.bank_files import reading
from services.billing.bank_files.errors import BankFileError

FIXTURES = Path(__file__).with_name("fixtures")
KTL = (FIXTURES / "ktl_sample_jbank.SVM").read_bytes()
CAMT = (FIXTURES / "camt054_fi_example_jbank.xml").read_bytes()


def test_b4_ktl_reference_payment_file():
    file_format, payments = reading.read(KTL, "547392460.SVM")
    assert file_format == "ktl"
    [payment] = payments
    assert payment.archive_id == "02042588WWRV0212"
    assert payment.account == "47300010416310"
    assert (payment.booked_on, payment.paid_on) == (date(2018, 2, 5), date(2018, 2, 4))
    assert payment.reference == "13013"
    assert payment.amount == Decimal("49.00")
    assert payment.payer_name == "KATAJAINEN J"


def test_b4_camt054_entries_with_structured_and_free_text_references():
    file_format, payments = reading.read(CAMT, "camt.xml")
    assert file_format == "camt"
    assert [(p.archive_id, p.amount, p.reference, p.reference_source) for p in payments] == [
        ("201701312588CECZ0804", Decimal("88.16"), "9597349", "free_text"),
        ("20170123456", Decimal("742.45"), "9544208", "structured"),
        ("201702013131LG123456", Decimal("6000.54"), None, "none"),
        ("170130313190U60111", Decimal("216.85"), None, "none"),
    ]
    assert {p.account for p in payments} == {"FI1431313001234567"}
    assert payments[1].payer_name == "TEST OY"
    assert sum(p.amount for p in payments) == Decimal("7048.00")  # TxsSummry/Sum


def broken_ktl(change):
    lines = KTL.decode("latin-1").split("\r\n")
    change(lines)
    return "\r\n".join(lines).encode("latin-1")


@pytest.mark.parametrize(
    "data,code,where",
    [
        (broken_ktl(lambda lines: lines.pop(2)), "billing.bank_file_truncated", {"line": 2}),
        (
            broken_ktl(lambda lines: lines.__setitem__(1, lines[1][:80])),
            "billing.bank_file_bad_number",
            {"line": 2},
        ),
        (
            broken_ktl(lambda lines: lines.__setitem__(2, lines[2].replace("000049000", "000049001", 1))),
            "billing.bank_file_sum_mismatch",
            {"line": 3},
        ),
        (
            broken_ktl(lambda lines: lines.__setitem__(1, "7" + lines[1][1:])),
            "billing.bank_file_unknown_record",
            {"line": 2},
        ),
        (CAMT[: len(CAMT) // 2], "billing.bank_file_malformed_xml", {}),
        (
            CAMT.replace(b'<Amt Ccy="EUR">742.45</Amt>', b'<Amt Ccy="EUR">742.455</Amt>', 1),
            "billing.bank_file_bad_amount",
            {"element": "Ntry 2"},
        ),
        (
            CAMT.replace(b'<Amt Ccy="EUR">88.16</Amt>', b'<Amt Ccy="EUR">-88.16</Amt>', 1),
            "billing.bank_file_bad_amount",
            {"element": "Ntry 1"},
        ),
        (b"%PDF-1.4 not a bank file", "billing.bank_file_unknown_type", {}),
        (b"", "billing.bank_file_empty", {}),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"/>',
            "billing.bank_file_not_camt",
            {"element": "Document"},
        ),
    ],
)
def test_b4_bad_bank_files_are_refused_naming_file_and_place(data, code, where):
    with pytest.raises(BankFileError) as error:
        reading.read(data, "bad.file")
    assert error.value.code == code
    assert error.value.params["file"] == "bad.file"
    for key, value in where.items():
        assert error.value.params[key] == value


def test_b4_xml_entities_are_not_expanded():
    evil = CAMT.replace(
        b'<?xml version="1.0" encoding="UTF-8"?>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>',
    ).replace(b"<Nm>TEST OY</Nm>", b"<Nm>&x;</Nm>")
    _, payments = reading.read(evil, "evil.xml")
    assert all("root:" not in (payment.payer_name or "") for payment in payments)
