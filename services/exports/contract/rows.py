"""The row an export format receives for each contact: what contacts.export_page returns (I2).

A row is a plain dict (JSON-safe: dates are ISO strings) with these keys:

- id (str, UUID), kind ('person' | 'organisation'), display_name (str)
- first_name, middle_name, preferred_name, last_name, organisation_name, title, honorific (str or None)
- email, phone (str or None): the primary e-mail and phone (E.164)
- street, postal_code, city, country (str or None; country a two-letter code): the primary address
- emails: [{address, kind, primary}], phones: [{number, kind, primary}],
  addresses: [{kind, street, postal_code, city, country, primary}] (as in services/contacts/contract.py)
- birth_date (ISO date str or None), language (str), tags ([str]), website (str or None)
- einvoice_address, einvoice_operator (str or None): the e-invoice address (OVT code or IBAN) and operator
- deceased_on (ISO date str or None), active_statuses ([status kind str], today's)
- custom: {custom field key: JSON value}; only the custom fields asked for as columns
- couple: {id, member_ids, address_name_fi, address_name_sv, address_name_en} or None: the person's
  couple (C10), both members' ids (the address name names the partner: the exports service records
  them as held in the file, G3/G4) and how the couple is addressed on a label in Finnish, Swedish and
  English
- organisation: the name of the person's primary affiliation's organisation, or None

Columns: a format with columns (uses_columns) writes the columns the user chose (`STANDARD_COLUMNS` keys
and `custom.<key>`), and its rows hold only those fields plus id, kind, display_name and the name parts
(data minimisation: contacts.export_page reads only what is exported); layout formats (labels, name
cards, vCard, JSON) get every field of ROW_FIELDS.
"""

from typing import Any, TypedDict


class Couple(TypedDict):
    id: str
    member_ids: list[str]
    address_name_fi: str
    address_name_sv: str
    address_name_en: str


class Row(TypedDict):
    id: str
    kind: str
    display_name: str
    first_name: str | None
    middle_name: str | None
    preferred_name: str | None
    last_name: str | None
    organisation_name: str | None
    title: str | None
    honorific: str | None
    email: str | None
    phone: str | None
    street: str | None
    postal_code: str | None
    city: str | None
    country: str | None
    emails: list[dict[str, Any]]
    phones: list[dict[str, Any]]
    addresses: list[dict[str, Any]]
    birth_date: str | None
    language: str
    tags: list[str]
    website: str | None
    einvoice_address: str | None
    einvoice_operator: str | None
    deceased_on: str | None
    active_statuses: list[str]
    custom: dict[str, Any]
    couple: Couple | None
    organisation: str | None


# Every field of a row but the custom values: the fields a layout format (labels, vCard, JSON) exports.
ROW_FIELDS = tuple(name for name in Row.__annotations__ if name != "custom")

# The standard columns a user can choose, in the order offered:
# key -> (Finnish label, Swedish label, English label, type).
# Types: text, date, list (joined with ", " in flat formats).
STANDARD_COLUMNS = {
    "display_name": ("Nimi", "Namn", "Name", "text"),
    "kind": ("Tyyppi", "Typ", "Type", "text"),
    "first_name": ("Etunimi", "Förnamn", "First name", "text"),
    "middle_name": ("Toinen nimi", "Mellannamn", "Middle name", "text"),
    "preferred_name": ("Kutsumanimi", "Tilltalsnamn", "Preferred name", "text"),
    "last_name": ("Sukunimi", "Efternamn", "Last name", "text"),
    "organisation_name": ("Yhteisön nimi", "Sammanslutningens namn", "Organisation name", "text"),
    "title": ("Ammatti- tai työnimike", "Yrkes- eller befattningstitel", "Professional or job title", "text"),
    "honorific": ("Arvonimi", "Titel", "Honorific", "text"),
    "email": ("Sähköposti", "E-post", "E-mail", "text"),
    "phone": ("Puhelin", "Telefon", "Phone", "text"),
    "street": ("Katuosoite", "Gatuadress", "Street address", "text"),
    "postal_code": ("Postinumero", "Postnummer", "Postal code", "text"),
    "city": ("Paikkakunta", "Ort", "City", "text"),
    "country": ("Maa", "Land", "Country", "text"),
    "birth_date": ("Syntymäaika", "Födelsedatum", "Date of birth", "date"),
    "language": ("Asiointikieli", "Kontaktspråk", "Preferred language", "text"),
    "tags": ("Tunnisteet", "Taggar", "Tags", "list"),
    "website": ("Verkkosivu", "Webbplats", "Website", "text"),
    "einvoice_address": ("Verkkolaskuosoite", "E-fakturaadress", "E-invoice address", "text"),
    "einvoice_operator": ("Verkkolaskuoperaattori", "E-fakturaoperatör", "E-invoice operator", "text"),
    "deceased_on": ("Kuolinpäivä", "Dödsdatum", "Date of death", "date"),
    "active_statuses": ("Voimassa olevat tilat", "Gällande statusar", "Active statuses", "list"),
    "organisation": ("Organisaatio", "Organisation", "Organisation", "text"),
    "id": ("Tunniste", "Id", "Id", "text"),
    # M5: bounce and unsubscribe flags, filled by the exports worker from the mailing service
    # (services/exports/mailing_flags.py), not a field of the contacts service's rows
    "mailing_flags": ("Postituksen estot", "Utskicksspärrar", "Mailing flags", "text"),
}
DEFAULT_COLUMNS = ("display_name", "email", "phone", "street", "postal_code", "city")
CUSTOM_PREFIX = "custom."


def sample_row(**overrides: Any) -> dict[str, Any]:
    """A complete row for tests: a Finnish person with one of everything; keys overridden by `overrides`."""
    row: dict[str, Any] = {
        "id": "6f1c3a52-6d3e-4b8e-9a51-3f2f0d7c1a10",
        "kind": "person",
        "display_name": "Maija Meikäläinen",
        "first_name": "Maija",
        "middle_name": None,
        "preferred_name": None,
        "last_name": "Meikäläinen",
        "organisation_name": None,
        "title": "Toiminnanjohtaja",
        "honorific": None,
        "email": "maija@example.fi",
        "phone": "+358401234567",
        "street": "Mannerheimintie 1 A 2",
        "postal_code": "00100",
        "city": "Helsinki",
        "country": "FI",
        "emails": [{"address": "maija@example.fi", "kind": "home", "primary": True}],
        "phones": [{"number": "+358401234567", "kind": "mobile", "primary": True}],
        "addresses": [
            {
                "kind": "home",
                "street": "Mannerheimintie 1 A 2",
                "postal_code": "00100",
                "city": "Helsinki",
                "country": "FI",
                "primary": True,
            }
        ],
        "birth_date": "1980-05-17",
        "language": "fi",
        "tags": ["hallitus"],
        "website": None,
        "einvoice_address": None,
        "einvoice_operator": None,
        "deceased_on": None,
        "active_statuses": ["member"],
        "custom": {},
        "couple": None,
        "organisation": "Esimerkki ry",
    }
    row.update(overrides)
    return row
