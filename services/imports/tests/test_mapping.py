"""I1: the importable fields and the proposed column-to-field mapping (Finnish, Swedish, English names)."""

from services.contacts.contract import EDITABLE_FIELDS
from services.imports import mapping
from services.imports.contract.messages import text

MEMBER_TYPE = {
    "key": "jasenlaji",
    "label_fi": "Jäsenlaji",
    "label_en": "Member type",
    "field_type": "choice",
    "required": True,
    "choices": [{"value": "full", "label_fi": "Varsinainen", "label_en": "Full"}],
}


def test_i1_catalogue_has_standard_list_and_custom_fields():
    catalogue = mapping.build_catalogue(
        [MEMBER_TYPE, {**MEMBER_TYPE, "key": "old", "removed_at": "2024-01-01"}]
    )
    flat = [key for key in EDITABLE_FIELDS if key not in ("emails", "phones", "addresses")]
    assert all(key in catalogue for key in flat)
    assert {
        "emails.work",
        "phones.mobile",
        "phones.fax",
        "addresses.home.street",
        "addresses.work.city",
    } <= set(catalogue)
    assert catalogue["custom.jasenlaji"].label_fi == "Jäsenlaji"
    assert catalogue["custom.jasenlaji"].label("en") == "Member type"
    assert "custom.old" not in catalogue  # a removed custom field cannot be imported into


def test_i1_proposes_fields_for_finnish_swedish_and_english_headers():
    catalogue = mapping.build_catalogue([MEMBER_TYPE])
    headers = [
        "Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Matkapuhelin", "Lähiosoite", "Postinumero",
        "Postitoimipaikka", "Syntymäaika", "Jäsenlaji", "Förnamn", "E-post", "Efternamn", "Työpuhelin",
        "Kotiosoite", "Work City", "Company", "Lisätiedot", "Tuntematon sarake",
    ]  # fmt: skip
    proposal = mapping.propose_mapping(headers, catalogue)
    assert list(proposal) == headers
    assert proposal == {
        "Etunimi": "first_name",
        "Sukunimi": "last_name",
        "Sähköposti": "email",
        "Puhelin": "phone",
        "Matkapuhelin": "phones.mobile",
        "Lähiosoite": "street",
        "Postinumero": "postal_code",
        "Postitoimipaikka": "city",
        "Syntymäaika": "birth_date",
        "Jäsenlaji": "custom.jasenlaji",
        "Förnamn": None,  # first_name is taken by Etunimi
        "E-post": "emails.other",  # a second e-mail column
        "Efternamn": None,
        "Työpuhelin": "phones.work",
        "Kotiosoite": "addresses.home.street",
        "Work City": "addresses.work.city",
        "Company": "organisation_name",
        "Lisätiedot": "notes",
        "Tuntematon sarake": None,
    }


def test_i1_swedish_and_english_files_alone():
    catalogue = mapping.build_catalogue()
    swedish = mapping.propose_mapping(
        ["Förnamn", "Efternamn", "E-post", "Telefon", "Postnummer", "Postort"], catalogue
    )
    assert list(swedish.values()) == ["first_name", "last_name", "email", "phone", "postal_code", "city"]
    english = mapping.propose_mapping(
        ["First Name", "Last Name", "E-mail Address", "Mobile Phone", "ZIP"], catalogue
    )
    assert list(english.values()) == ["first_name", "last_name", "email", "phones.mobile", "postal_code"]


def test_i1_numbered_columns_and_the_error_reports_own_columns():
    catalogue = mapping.build_catalogue()
    proposal = mapping.propose_mapping(
        ["Sähköposti 1", "Sähköposti 2", "Virheet / Errors", "Rivi / Row"], catalogue
    )
    assert proposal == {
        "Sähköposti 1": "email",
        "Sähköposti 2": "emails.other",
        "Virheet / Errors": None,
        "Rivi / Row": None,
    }


def test_i1_remembered_mapping_wins_where_its_field_still_exists():
    catalogue = mapping.build_catalogue([MEMBER_TYPE])
    remembered = {
        "Nimi": "last_name",
        "Laji": "custom.jasenlaji",
        "Vanha": "custom.poistettu",
        "Etunimi": None,
    }
    proposal = mapping.propose_mapping(["Nimi", "Laji", "Vanha", "Etunimi"], catalogue, remembered)
    assert proposal == {"Nimi": "last_name", "Laji": "custom.jasenlaji", "Vanha": None, "Etunimi": None}


def test_i1_mapping_errors_name_unknown_and_doubled_fields():
    catalogue = mapping.build_catalogue()
    errors = mapping.mapping_errors(
        {
            "A": "first_name",
            "B": "first_name",
            "C": "nope",
            "D": "emails.home",
            "E": "emails.home",
            "F": None,
        },
        catalogue,
    )
    assert errors == {
        "B": {"code": "import.mapping.field_taken", "params": {"column": "A"}},
        "C": {"code": "import.mapping.unknown_field", "params": {"field": "nope"}},
    }
    assert text(errors["B"], "en") == "The column A is already imported into this field."
    assert text(errors["C"], "sv") == "Fältet nope finns inte."


def test_i1_header_signature_is_stable_over_order_case_and_accents():
    first = mapping.header_signature(["Etunimi", "Sähköposti", "Puhelin"])
    assert first == mapping.header_signature(["puhelin", "SÄHKÖPOSTI", "etunimi"])
    assert first == mapping.header_signature(
        ["Etunimi", "Sähköposti", "Puhelin", "Virheet / Errors", "Rivi / Row"]
    )
    assert first != mapping.header_signature(["Etunimi", "Sähköposti"])
    assert len(first) == 32
