"""The lines of a postal address label in the Finnish layout (Posti) from an export row (I2): the name line
(honorific if chosen; a couple's address name when couples are addressed once), an optional title and
organisation line, c/o, street, "00100 HELSINKI", and abroad the country name in capitals on the last line.
Also the couple filter that addresses each couple once.
"""

from dataclasses import dataclass

from services.exports.layout.countries import country_name

HOME_COUNTRY = "FI"
# Countries whose postal code follows the city (on the same line, or on a line of its own for GB/IE).
CODE_AFTER_CITY = {"US", "CA", "AU"}
CODE_BELOW_CITY = {"GB", "IE"}


@dataclass(frozen=True)
class AddressOptions:
    """What a label shows besides the address: honorific before the name, job title and organisation
    lines, which address (the primary one, or the first of a kind such as 'postal'), couples once."""

    honorific: bool = True
    title: bool = False
    organisation: bool = False
    address_kind: str = "primary"
    one_per_couple: bool = True


def _clean(value):
    return " ".join(str(value).split()) if value else ""


def postal_address(row, kind="primary"):
    """The address to print: the first address entry of `kind` if asked and present, else the primary
    (flat) address of the row; a dict with street, postal_code, city, country (and care_of if the row has
    one)."""
    if kind != "primary":
        for entry in row.get("addresses") or ():
            if entry.get("kind") == kind:
                return {**entry, "care_of": entry.get("care_of") or row.get("care_of")}
    return {key: row.get(key) for key in ("street", "postal_code", "city", "country", "care_of")}


def usable(address):
    """An address mail can reach: a city and a street or postal code; in Finland a postal code too."""
    country = (address.get("country") or HOME_COUNTRY).upper()
    if not _clean(address.get("city")):
        return False
    if country == HOME_COUNTRY:
        return bool(_clean(address.get("postal_code")))
    return bool(_clean(address.get("street")) or _clean(address.get("postal_code")))


def person_name(row, honorific=True):
    """'tri Anna Virtanen': honorific (if chosen), preferred or first name, last name; an organisation's
    own name for an organisation."""
    if row.get("kind") == "organisation":
        return _clean(row.get("organisation_name") or row.get("display_name"))
    given = row.get("preferred_name") or row.get("first_name")
    parts = [row.get("honorific") if honorific else None, given, row.get("last_name")]
    name = " ".join(_clean(part) for part in parts if _clean(part))
    return name or _clean(row.get("display_name"))


def couple_name(row, language):
    couple = row.get("couple") or {}
    name = couple.get(f"address_name_{language}") or couple.get("address_name_en")
    return _clean(name or couple.get("address_name_fi"))


def place_lines(address, language):
    """The postal code and city line(s) and, abroad, the country line."""
    country = (address.get("country") or HOME_COUNTRY).upper()
    code, city = _clean(address.get("postal_code")), _clean(address.get("city")).upper()
    if country == HOME_COUNTRY:
        return [" ".join(part for part in (code, city) if part)]
    if country in CODE_BELOW_CITY:
        lines = [city, code]
    elif country in CODE_AFTER_CITY:
        lines = [" ".join(part for part in (city, code) if part)]
    else:
        lines = [" ".join(part for part in (code, city) if part)]
    return [line for line in lines if line] + [country_name(country, language).upper()]


def label_lines(row, options=AddressOptions(), language="fi", as_couple=False):
    """The lines of one label, top to bottom; None when the row has no usable postal address or name."""
    address = postal_address(row, options.address_kind)
    if not usable(address):
        return None
    name = couple_name(row, language) if as_couple else ""
    name = name or person_name(row, options.honorific)
    if not name:
        return None
    lines = [name]
    if options.title and not as_couple and row.get("kind") != "organisation" and _clean(row.get("title")):
        lines.append(_clean(row["title"]))
    if options.organisation and not as_couple and row.get("kind") != "organisation":
        organisation = _clean(row.get("organisation") or row.get("organisation_name"))
        if organisation:
            lines.append(organisation)
    care_of = _clean(address.get("care_of"))
    if care_of:
        lines.append(care_of if care_of.lower().startswith("c/o") else f"c/o {care_of}")
    for street_line in str(address.get("street") or "").splitlines():
        if _clean(street_line):
            lines.append(_clean(street_line))
    return lines + place_lines(address, language)


class CoupleFilter:
    """Addresses each couple once: the first row of a couple that gets a label is addressed with the
    couple's address name, and the partner's row is skipped. Keeps only the ids of couples printed."""

    def __init__(self, enabled=True):
        self.enabled = enabled
        self.seen = set()

    def _couple_id(self, row):
        couple = row.get("couple") if self.enabled else None
        return (couple or {}).get("id")

    def as_couple(self, row):
        """Is this row addressed as its couple (couples once, and the row has a couple)?"""
        return self._couple_id(row) is not None

    def done(self, row):
        """Has the row's couple been addressed already (so this row is skipped)?"""
        couple_id = self._couple_id(row)
        return couple_id is not None and couple_id in self.seen

    def printed(self, row):
        """Note that the row got its label."""
        couple_id = self._couple_id(row)
        if couple_id is not None:
            self.seen.add(couple_id)
