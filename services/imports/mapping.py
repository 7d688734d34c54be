"""The importable fields (I1) and the proposed column-to-field mapping of an import file, pure.

Owns the catalogue: the contact's standard fields (services/contacts/contract.py EDITABLE_FIELDS),
one field per kind of e-mail, phone and address part ('emails.work', 'phones.mobile',
'addresses.home.street') and the custom fields ('custom.<key>'); the Finnish, Swedish and English
column names each is known by; the proposal from a file's headers; and the signature under which a
mapping chosen for one header set is remembered.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from piiri.errors import coded
from services.contacts.contract import ADDRESS_KINDS, EMAIL_KINDS, PHONE_KINDS

# Columns of Piiri's own error report (error_report.py): ignored when its file is imported again.
REPORT_COLUMNS = ("Virheet / Errors", "Rivi / Row")
ADDRESS_PARTS = ("street", "postal_code", "city", "country")
# Fields several columns may fill (values are added up: more entries, more tags, longer notes).
MULTI_COLUMN_TYPES = ("email_list", "phone_list", "tags", "notes")


@dataclass(frozen=True)
class ImportField:
    """One field a column can be mapped to. ``type`` says how validation.py reads a cell."""

    key: str
    label_fi: str
    label_en: str
    type: str = "text"
    max_length: int | None = None
    synonyms: tuple = ()
    custom: dict | None = field(default=None, compare=False, hash=False)

    def label(self, language="fi"):
        return self.label_en if language == "en" else self.label_fi


def normalise(header):
    """A header as matched: no accents, case, spaces or punctuation ('Sähkö-posti 2' -> 'sahkoposti2')."""
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode().casefold()
    return re.sub(r"[^a-z0-9]+", "", text)


def _words(*words):
    return tuple(normalise(word) for word in words)


# key: (label_fi, label_en, type, max_length, the column names it is known by, separated by '|')
STANDARD = {
    "kind": ("Tyyppi", "Type", "kind", None,
        "tyyppi|laji|kontaktin tyyppi|type|kind|typ"),
    "first_name": ("Etunimi", "First name", "text", 100,
        "etunimi|etunimet|first name|firstname|given name|forename|förnamn"),
    "preferred_name": ("Kutsumanimi", "Preferred name", "text", 100,
        "kutsumanimi|lempinimi|nickname|preferred name|tilltalsnamn|smeknamn"),
    "middle_name": ("Toinen nimi", "Middle name", "text", 100,
        "toinen nimi|toiset nimet|middle name|mellannamn|additional name"),
    "last_name": ("Sukunimi", "Last name", "text", 100,
        "sukunimi|last name|lastname|surname|family name|efternamn"),
    "organisation_name": ("Yhteisön nimi", "Organisation name", "text", 200,
        "organisaatio|organisaation nimi|yhteisön nimi|yritys|yrityksen nimi|yhteisö|yhdistys|firma|"
        "organisation|organization|organisation name|company|company name|företag|"
        "organisation namn|employer|työnantaja"),
    "title": ("Ammatti- tai työnimike", "Professional or job title", "text", 100,
        "titteli|tehtävänimike|tehtävä|ammatti|ammattinimike|ammatti- tai työnimike|työnimike|nimike|"
        "job title|title|position|professional or job title|befattning|yrkestitel|titel"),
    "honorific": ("Arvonimi", "Honorific", "text", 60,
        "arvonimi|puhuttelunimike|honorific|prefix|name prefix|hederstitel"),
    "gender": ("Sukupuoli", "Gender", "gender", None,
        "sukupuoli|gender|sex|kön"),
    "birth_date": ("Syntymäaika", "Date of birth", "birth_date", None,
        "syntymäaika|syntymäpäivä|synt pvm|syntynyt|birth date|date of birth|birthday|birthdate|"
        "dob|born|födelsedatum|födelsedag|född"),
    "language": ("Asiointikieli", "Preferred language", "language", None,
        "kieli|asiointikieli|äidinkieli|language|preferred language|språk|kontaktspråk|modersmål"),
    "email": ("Sähköposti", "E-mail", "email", 254,
        "sähköposti|sähköpostiosoite|s-posti|sposti|email|e-mail|e-mail address|email address|"
        "mail|e-post|epost|e-postadress"),
    "phone": ("Puhelin", "Phone", "phone", 40,
        "puhelin|puhelinnumero|puh|puh nro|phone|phone number|telephone|tel|telefon|telefonnummer"),
    "street": ("Katuosoite", "Street address", "text", 200,
        "lähiosoite|katuosoite|osoite|postiosoite|jakeluosoite|street|street address|address|"
        "address line 1|gatuadress|adress|postadress|utdelningsadress"),
    "postal_code": ("Postinumero", "Postal code", "postal_code", 20,
        "postinumero|postinro|postinro|zip|zip code|postcode|postal code|postnummer|postnr"),
    "city": ("Paikkakunta", "City", "text", 100,
        "postitoimipaikka|kaupunki|paikkakunta|kotikunta|city|town|postort|ort|stad|postal town"),
    "country": ("Maa", "Country", "country", 2,
        "maa|valtio|country|land"),
    "website": ("Verkkosivu", "Website", "website", 300,
        "verkkosivu|verkkosivut|kotisivu|kotisivut|www|website|web page|url|homepage|webbplats|"
        "hemsida"),
    "einvoice_address": ("Verkkolaskuosoite", "E-invoice address", "einvoice_address", 35,
        "verkkolaskuosoite|verkkolaskutusosoite|ovt|ovt-tunnus|edi|e-invoice address|einvoice address|"
        "electronic invoice address|e-fakturaadress|nätfakturaadress"),
    "einvoice_operator": ("Verkkolaskuoperaattori", "E-invoice operator", "einvoice_operator", 35,
        "verkkolaskuoperaattori|operaattori|operaattoritunnus|välittäjätunnus|välittäjä|e-invoice operator|"
        "einvoice operator|intermediator|e-fakturaoperatör|operatör|förmedlare"),
    "tags": ("Tunnisteet", "Tags", "tags", None,
        "tunnisteet|tunniste|tagit|avainsanat|tags|tag|taggar|categories"),
    "notes": ("Lisätiedot", "Notes", "notes", 10000,
        "lisätiedot|lisätietoja|huomautukset|muistiinpanot|kommentit|notes|note|comments|remarks|"
        "anteckningar|övrigt"),
}  # fmt: skip


KIND_WORDS = {
    "home": ("koti", "home", "hem", "private", "personal", "oma", "privat"),
    "work": ("työ", "work", "business", "office", "arbete", "arbets", "jobb"),
    "postal": ("posti", "postal", "mailing", "post"),
    "billing": ("laskutus", "billing", "invoice", "faktura", "fakturerings"),
    "mobile": ("matka", "mobile", "mobil", "cell", "gsm", "kännykkä"),
    "fax": ("faksi", "fax", "telefax"),
    "other": ("muu", "other", "annan", "övrig", "2", "3"),
}
KIND_LABELS = {
    "home": ("koti", "home"),
    "work": ("työ", "work"),
    "postal": ("posti", "postal"),
    "billing": ("laskutus", "billing"),
    "mobile": ("matkapuhelin", "mobile"),
    "fax": ("faksi", "fax"),
    "other": ("muu", "other"),
}
PART_WORDS = {
    "street": (
        "osoite",
        "katuosoite",
        "lähiosoite",
        "address",
        "street",
        "adress",
        "gatuadress",
        "street address",
    ),
    "postal_code": ("postinumero", "postal code", "zip", "postcode", "zip code", "postnummer"),
    "city": ("postitoimipaikka", "kaupunki", "city", "town", "postort", "ort"),
    "country": ("maa", "country", "land"),
}
EMAIL_WORDS = ("sähköposti", "sposti", "email", "e-mail", "email address", "e-mail address", "e-post", "mail")
PHONE_WORDS = ("puhelin", "numero", "phone", "telephone", "tel", "telefon", "puh")


def _list_fields():
    fields = []
    for kind in EMAIL_KINDS:
        synonyms = _compounds(KIND_WORDS[kind], EMAIL_WORDS)
        fields.append(_list_field(f"emails.{kind}", kind, "Sähköposti", "E-mail", "email_list", synonyms))
    for kind in PHONE_KINDS:
        synonyms = _compounds(KIND_WORDS[kind], PHONE_WORDS)
        if kind == "mobile":
            synonyms += _words(
                "matkapuhelin", "matkapuh", "kännykkä", "gsm", "mobiili", "mobile", "mobiltelefon"
            )
        if kind == "fax":
            synonyms += _words("faksi", "fax", "telefax")
        fields.append(_list_field(f"phones.{kind}", kind, "Puhelin", "Phone", "phone_list", synonyms))
    for kind in ADDRESS_KINDS:
        for part in ADDRESS_PARTS:
            label_fi, label_en, field_type, length, _ = STANDARD[part]
            fields.append(
                ImportField(
                    f"addresses.{kind}.{part}",
                    f"{label_fi} ({KIND_LABELS[kind][0]})",
                    f"{label_en} ({KIND_LABELS[kind][1]})",
                    field_type,
                    length,
                    _compounds(KIND_WORDS[kind], PART_WORDS[part]),
                )
            )
    return fields


def _list_field(key, kind, label_fi, label_en, field_type, synonyms):
    fi, en = KIND_LABELS[kind]
    return ImportField(key, f"{label_fi} ({fi})", f"{label_en} ({en})", field_type, None, synonyms)


def _compounds(kind_words, words):
    """'työ' + 'puhelin' -> 'tyopuhelin', 'work phone' -> 'workphone', 'puhelin (työ)' -> 'puhelintyo'."""
    pairs = set()
    for kind_word in kind_words:
        for word in words:
            pairs.add(normalise(kind_word + word))
            pairs.add(normalise(word + kind_word))
    return tuple(sorted(pairs))


def build_catalogue(custom_field_definitions=()):
    """Every importable field, by key: the standard ones, the list ones, then each active custom field
    (a definition dict of the contacts service: key, label_fi, label_en, field_type, required, choices)."""
    fields = [
        ImportField(key, fi, en, kind, length, _words(*names.split("|")))
        for key, (fi, en, kind, length, names) in STANDARD.items()
    ]
    fields.extend(_list_fields())
    for definition in custom_field_definitions or ():
        if definition.get("removed_at"):
            continue
        fields.append(
            ImportField(
                f"custom.{definition['key']}",
                definition.get("label_fi") or definition["key"],
                definition.get("label_en") or definition.get("label_fi") or definition["key"],
                f"custom_{definition['field_type']}",
                None,
                _words(definition["key"], definition.get("label_fi") or "", definition.get("label_en") or ""),
                dict(definition),
            )
        )
    return {item.key: item for item in fields}


def _index(catalogue):
    """normalised name -> field key: keys and labels first, then synonyms (custom fields win over
    the standard synonyms for their own labels)."""
    index = {}
    for item in catalogue.values():
        for name in item.synonyms:
            index.setdefault(name, item.key)
    for item in catalogue.values():
        for name in (normalise(item.key), normalise(item.label_fi), normalise(item.label_en)):
            if item.custom is not None or name not in index:
                index[name] = item.key
    return index


def propose_mapping(headers, catalogue, remembered=None):
    """{header: field key or None} for a file's headers.

    A mapping remembered for this header set (``remembered``: {header: key or None}) is used where its
    field still exists; other headers are matched by name: the field's key, its labels and its
    Finnish, Swedish and English synonyms, ignoring case, accents, spaces and punctuation, then
    without a trailing number ('Sähköposti 2'). A field is proposed for one column only, except
    e-mails, phones, tags and notes: a second e-mail or phone column becomes an 'other' one.
    """
    index = _index(catalogue)
    remembered = remembered or {}
    proposal, taken = {}, set()
    for header in headers:
        if header in remembered and (remembered[header] is None or remembered[header] in catalogue):
            proposal[header] = remembered[header]
            if remembered[header]:
                taken.add(remembered[header])
    for header in headers:
        if header in proposal:
            continue
        if header in REPORT_COLUMNS:
            proposal[header] = None
            continue
        name = normalise(header)
        key = header if header in catalogue else index.get(name) or index.get(re.sub(r"\d+$", "", name))
        if key in taken and catalogue[key].type not in MULTI_COLUMN_TYPES:
            key = {"email": "emails.other", "phone": "phones.other"}.get(key)
            if key in taken and catalogue[key].type not in MULTI_COLUMN_TYPES:
                key = None
        proposal[header] = key
        if key:
            taken.add(key)
    return proposal


def mapping_errors(mapping, catalogue):
    """What is wrong with a chosen mapping: {header: coded message} (unknown field, a field mapped twice)."""
    errors, used = {}, {}
    for header, key in mapping.items():
        if not key:
            continue
        if key not in catalogue:
            errors[header] = coded("import.mapping.unknown_field", field=key)
            continue
        if key in used and catalogue[key].type not in MULTI_COLUMN_TYPES:
            errors[header] = coded("import.mapping.field_taken", column=used[key])
        used.setdefault(key, header)
    return errors


def header_signature(headers):
    """A stable key of a header set (order, case, accents and the error report's columns ignored), to
    remember the mapping chosen for files with the same columns."""
    names = sorted({normalise(header) for header in headers if header not in REPORT_COLUMNS})
    return hashlib.sha256("\x1f".join(names).encode()).hexdigest()[:32]
