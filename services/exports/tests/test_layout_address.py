"""I2 address labels in the Finnish postal layout (Posti): name, c/o, street, "00100 HELSINKI", the
country in capitals abroad, couples once, rows without a usable address left out."""

from services.exports.contract.rows import sample_row
from services.exports.layout.address import AddressOptions, CoupleFilter, label_lines, usable
from services.exports.layout.countries import country_name

COUPLE = {
    "id": "c1",
    "address_name_fi": "Anna ja Matti Virtanen",
    "address_name_sv": "Anna och Matti Virtanen",
    "address_name_en": "Anna and Matti Virtanen",
}


def test_i2_finnish_address_has_postal_code_and_city_in_capitals():
    assert label_lines(sample_row()) == ["Maija Meikäläinen", "Mannerheimintie 1 A 2", "00100 HELSINKI"]


def test_i2_preferred_name_and_honorific_as_chosen():
    row = sample_row(first_name="Maija Liisa", preferred_name="Liisa", honorific="tri")
    assert label_lines(row)[0] == "tri Liisa Meikäläinen"
    assert label_lines(row, AddressOptions(honorific=False))[0] == "Liisa Meikäläinen"


def test_i2_title_and_organisation_lines_when_chosen():
    row = sample_row()
    lines = label_lines(row, AddressOptions(title=True, organisation=True))
    assert lines[:3] == ["Maija Meikäläinen", "Toiminnanjohtaja", "Esimerkki ry"]
    assert "Esimerkki ry" not in label_lines(row)


def test_i2_organisation_contact_is_addressed_by_its_name():
    row = sample_row(kind="organisation", organisation_name="Esimerkki ry", first_name=None, last_name=None)
    assert label_lines(row, AddressOptions(organisation=True, title=True))[0] == "Esimerkki ry"
    assert len(label_lines(row)) == 3


def test_i2_care_of_and_multi_line_street():
    row = sample_row(care_of="Virtanen", street="Kotikatu 3 B 12\nPL 45")
    assert label_lines(row) == [
        "Maija Meikäläinen",
        "c/o Virtanen",
        "Kotikatu 3 B 12",
        "PL 45",
        "00100 HELSINKI",
    ]


def test_i2_address_abroad_ends_with_the_country_in_capitals_in_the_senders_language():
    row = sample_row(street="Drottninggatan 5", postal_code="111 51", city="Stockholm", country="SE")
    assert label_lines(row)[-2:] == ["111 51 STOCKHOLM", "RUOTSI"]
    assert label_lines(row, language="en")[-1] == "SWEDEN"
    uk = sample_row(street="10 Downing Street", postal_code="SW1A 2AA", city="London", country="GB")
    assert label_lines(uk, language="en")[-3:] == ["LONDON", "SW1A 2AA", "UNITED KINGDOM"]
    us = sample_row(street="1 Main St", postal_code="NY 10001", city="New York", country="US")
    assert label_lines(us)[-2:] == ["NEW YORK NY 10001", "YHDYSVALLAT"]
    assert country_name("ZZ") == "ZZ" and country_name("ee", "fi") == "Viro"


def test_i2_rows_without_a_usable_postal_address_give_no_label():
    assert label_lines(sample_row(postal_code=None)) is None
    assert label_lines(sample_row(city=None)) is None
    assert label_lines(sample_row(street=None, postal_code=None, city=None)) is None
    assert not usable({"street": "Main 1", "city": "", "country": "SE"})
    assert usable({"street": "Main 1", "city": "Oslo", "country": "NO"})


def test_i2_address_kind_picks_the_postal_address_when_there_is_one():
    postal = {
        "kind": "postal",
        "street": "PL 100",
        "postal_code": "00101",
        "city": "Helsinki",
        "country": "FI",
    }
    row = sample_row(addresses=[*sample_row()["addresses"], postal])
    assert label_lines(row, AddressOptions(address_kind="postal"))[1:] == ["PL 100", "00101 HELSINKI"]
    assert label_lines(sample_row(), AddressOptions(address_kind="postal"))[1] == "Mannerheimintie 1 A 2"


def test_i2_couple_is_addressed_once_with_the_couples_name():
    anna = sample_row(id="a", first_name="Anna", last_name="Virtanen", couple=COUPLE)
    matti = sample_row(id="m", first_name="Matti", last_name="Virtanen", couple=COUPLE)
    couples = CoupleFilter()
    printed = []
    for row in (anna, matti):
        if couples.done(row):
            continue
        printed.append(label_lines(row, as_couple=couples.as_couple(row))[0])
        couples.printed(row)
    assert printed == ["Anna ja Matti Virtanen"]
    assert label_lines(anna, language="en", as_couple=True)[0] == "Anna and Matti Virtanen"
    assert label_lines(anna, language="sv", as_couple=True)[0] == "Anna och Matti Virtanen"


def test_i2_couples_printed_separately_when_not_one_per_couple():
    couples = CoupleFilter(enabled=False)
    row = sample_row(couple=COUPLE)
    couples.printed(row)
    assert not couples.done(row) and not couples.as_couple(row)


def test_i2_partner_gets_the_couple_label_when_the_first_has_no_address():
    couples = CoupleFilter()
    first = sample_row(id="a", couple=COUPLE, city=None)
    assert not couples.done(first) and label_lines(first, as_couple=True) is None
    second = sample_row(id="m", couple=COUPLE)
    assert not couples.done(second)
