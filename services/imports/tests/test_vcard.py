"""I1: vCard 3.0 and 4.0 files read as import rows that map and validate like a spreadsheet."""

import pytest

from services.contacts.contract import ContactInput
from services.imports import mapping, validation, vcard
from services.imports.contract.messages import text as words
from services.imports.reading import ImportFileError, open_table
from services.imports.tests import corpus


def imported(text):
    table = open_table(text.encode(), "kortit.vcf")
    catalogue = mapping.build_catalogue()
    proposal = mapping.propose_mapping(table.headers, catalogue)
    assert all(proposal[header] == header for header in table.headers)  # the headers are field keys
    check = validation.RowValidator(catalogue, proposal)
    return [(number, *check.validate(number, cells)) for number, cells in table.rows()]


def test_i1_vcard_3():
    (first_number, first, first_errors), (second_number, second, second_errors) = imported(corpus.VCARD_3)
    assert (first_number, second_number) == (1, 2)
    assert first_errors == {} and second_errors == {}
    assert first["first_name"] == "Äijä" and first["last_name"] == "Öhman"
    assert first["middle_name"] == "Maria" and first["honorific"] == "tri"
    assert first["organisation_name"] == "Esimerkki ry" and first["title"] == "Puheenjohtaja"
    assert first["emails"] == [
        {"address": "aija@example.fi", "kind": "home", "primary": True},  # PREF first
        {"address": "aija.ohman@example.fi", "kind": "work", "primary": False},
    ]
    assert first["phones"] == [
        {"number": "+358401234567", "kind": "mobile", "primary": True},
        {"number": "+358912345678", "kind": "work", "primary": False},
    ]
    assert first["addresses"] == [
        {"kind": "home", "street": "Mannerheimintie 1 A, 3", "postal_code": "00100", "city": "Helsinki",
         "country": "FI", "primary": True},
    ]  # fmt: skip
    assert first["birth_date"] == "1980-02-01"
    assert first["notes"] == "Rivi yksi\nrivi kaksi; ja puolipiste"
    assert first["tags"] == ["hallitus", "vapaaehtoinen"]
    assert first["website"] == "https://example.fi"
    assert ContactInput().validate(first) == {}
    assert second["phones"] == [{"number": "+46701234567", "kind": "mobile", "primary": True}]


def test_i1_vcard_4():
    (_, person, person_errors), (_, organisation, organisation_errors) = imported(corpus.VCARD_4)
    assert person_errors == {} and organisation_errors == {}
    assert person["first_name"] == "Matti" and person["last_name"] == "Meikäläinen"
    assert person["emails"] == [{"address": "matti@example.fi", "kind": "work", "primary": True}]
    assert person["phones"] == [{"number": "+358501234567", "kind": "mobile", "primary": True}]
    assert person["gender"] == "male" and person["birth_date"] == "1975-06-15"
    assert person["addresses"][0] == {
        "kind": "work", "street": "Työkatu 5", "postal_code": "33100", "city": "Tampere", "country": "FI",
        "primary": True,
    }  # fmt: skip
    assert person["notes"] == "Pitkä muistiinpano joka on taitettu kahdelle riville"  # folded line
    assert organisation["kind"] == "organisation" and organisation["organisation_name"] == "Esimerkki Oy"


def test_i1_vcard_2_1_quoted_printable():
    text = (
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=A4kel=C3=A4;Liisa\r\n"
        "TEL;CELL:0401234567\r\nEND:VCARD\r\n"
    )
    ((_, values, errors),) = imported(text)
    assert errors == {}
    assert values["last_name"] == "Mäkelä" and values["phones"][0]["number"] == "+358401234567"


def test_i1_vcard_without_name_is_a_row_error():
    ((_, values, errors),) = imported("BEGIN:VCARD\nVERSION:3.0\nEMAIL:x@example.fi\nEND:VCARD\n")
    assert errors == {"last_name": "import.row.person_name"}


def test_i1_broken_vcards():
    with pytest.raises(ImportFileError) as caught:
        vcard.read_vcards(b"BEGIN:VCARD\nVERSION:3.0\nFN:Kesken\n")
    assert caught.value.code == "truncated" and caught.value.message == "import.file.vcard_unclosed"
    assert "line 1 " in words(caught.value.entry, "en") and "rivillä 1 " in words(caught.value.entry, "fi")
    with pytest.raises(ImportFileError) as caught:
        vcard.read_vcards(b"BEGIN:VCARD\nEND:VCARD\n"[:0] + b"VERSION:3.0\n")
    assert caught.value.code == "empty"
