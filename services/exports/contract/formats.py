"""The catalogue of export formats (I2), part of the exports service's published contract: each
format's name, content type, file extension, labels, options schema and flags, in the order offered.

The gateway builds its export form, its OpenAPI option schemas and its checks from this catalogue;
the service's writers (services/exports/formats/, one module a format) register against these names
and never describe a format themselves. A new format adds its entry here and its writer there.
Only data, marshmallow schemas and pure checks: no I/O.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from piiri.errors import ValidationFailed, coded
from services.exports.contract.sheets import (
    CARD_SHEETS,
    DEFAULT_CARD_SHEET,
    DEFAULT_LABEL_SHEET,
    LABEL_SHEETS,
)

# The address a label may print: the primary one, or the first address entry of a kind.
ADDRESS_KINDS = ("primary", "home", "work", "postal", "billing", "other")


class NoOptions(Schema):
    """A format without options."""


class XlsxOptions(Schema):
    sheet_title = fields.String(
        load_default="Piiri",
        validate=[validate.Length(min=1, max=31), validate.Regexp(r"^[^\[\]:*?/\\]+$")],
        metadata={"description": "The sheet's name (at most 31 characters, none of []:*?/\\)."},
    )


class CsvOptions(Schema):
    separator = fields.String(
        load_default=";",
        validate=validate.OneOf([";", ","]),
        metadata={"description": "';' (Finnish Excel, default) or ','."},
    )


class EmailListOptions(Schema):
    all_addresses = fields.Boolean(
        load_default=False, metadata={"description": "Every address of a contact, not only the primary."}
    )


class EmailCsvOptions(EmailListOptions):
    separator = fields.String(
        load_default=";",
        validate=validate.OneOf([";", ","]),
        metadata={"description": "';' (Finnish Excel, default) or ','."},
    )


class VcardOptions(Schema):
    version = fields.String(
        load_default="4.0",
        validate=validate.OneOf(["4.0", "3.0"]),
        metadata={"description": "4.0 (default) or 3.0 for older phones and mail clients."},
    )


class QrOptions(Schema):
    image = fields.String(
        load_default="png", validate=validate.OneOf(["png", "svg"]), metadata={"description": "png or svg."}
    )
    scale = fields.Integer(load_default=6, validate=validate.Range(min=1, max=20))


class LabelOptions(Schema):
    sheet = fields.String(
        load_default=DEFAULT_LABEL_SHEET,
        validate=validate.OneOf(list(LABEL_SHEETS)),
        metadata={
            "description": "The label sheet: "
            + "; ".join(f"{key} = {sheet.label}" for key, sheet in LABEL_SHEETS.items())
            + "."
        },
    )
    top_mm = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=60),
        metadata={"description": "Top page margin in mm to the first row of labels (default: the sheet's)."},
    )
    left_mm = fields.Float(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=60),
        metadata={"description": "Left page margin in mm to the first column (default: the sheet's)."},
    )
    skip = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "Labels already used on the first sheet: printing starts after them."},
    )
    font_size = fields.Float(
        load_default=10.0,
        validate=validate.Range(min=6, max=16),
        metadata={"description": "Font size in points (6–16); a long line shrinks to fit its label."},
    )
    honorific = fields.Boolean(
        load_default=True, metadata={"description": "Print the honorific (e.g. 'tri') before the name."}
    )
    job_title = fields.Boolean(
        load_default=False, metadata={"description": "Print the job title under the name."}
    )
    organisation = fields.Boolean(
        load_default=False, metadata={"description": "Print the person's organisation under the name."}
    )
    one_per_couple = fields.Boolean(
        load_default=True,
        metadata={"description": "One label per couple, addressed to both ('Anna ja Matti Virtanen')."},
    )
    address_kind = fields.String(
        load_default="primary",
        validate=validate.OneOf(ADDRESS_KINDS),
        metadata={"description": "Which address: the primary one, or the first of a kind (e.g. postal)."},
    )
    outline = fields.Boolean(
        load_default=False, metadata={"description": "Draw each label's outline (for a test print)."}
    )

    @validates_schema
    def _fits(self, data: Mapping[str, Any], **kwargs: object) -> None:
        sheet = LABEL_SHEETS.get(data.get("sheet", ""))
        if sheet is None:
            return
        if data.get("skip", 0) >= sheet.per_page:
            raise ValidationError([_skip_error(sheet.key, sheet.per_page)], "skip")
        problem = sheet.with_margins(data.get("top_mm"), data.get("left_mm")).overhang()
        if problem:
            field = "left_mm" if problem["code"] == "exp.err.margin_left" else "top_mm"
            raise ValidationError([problem], field)


def _skip_error(kind: str, per_page: int) -> dict[str, Any]:
    return coded("exp.err.sheet_skip", kind=kind, n=per_page, most=per_page - 1)


class NameCardOptions(Schema):
    sheet = fields.String(
        load_default=DEFAULT_CARD_SHEET,
        validate=validate.OneOf(list(CARD_SHEETS)),
        metadata={
            "description": "The card sheet: "
            + "; ".join(f"{key} = {sheet.label}" for key, sheet in CARD_SHEETS.items())
            + "."
        },
    )
    event_title = fields.String(
        load_default="",
        validate=validate.Length(max=120),
        metadata={"description": "A line at the top of every card, e.g. the event's name."},
    )
    qr = fields.Boolean(
        load_default=False,
        metadata={
            "description": "A QR code of the contact's vCard (name, organisation, title, primary e-mail "
            "and phone, website: what a badge may show)."
        },
    )
    name_size = fields.Float(
        load_default=20.0,
        validate=validate.Range(min=10, max=36),
        metadata={"description": "Font size of the name in points (a long name shrinks to fit)."},
    )
    cut_marks = fields.Boolean(load_default=True, metadata={"description": "Cut marks in the margins."})
    skip = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0),
        metadata={"description": "Cards already used on the first sheet: printing starts after them."},
    )

    @validates_schema
    def _skip_fits(self, data: Mapping[str, Any], **kwargs: object) -> None:
        sheet = CARD_SHEETS.get(data.get("sheet", ""))
        if sheet is not None and data.get("skip", 0) >= sheet.per_page:
            raise ValidationError([_skip_error(sheet.key, sheet.per_page)], "skip")


class PdfListOptions(Schema):
    title = fields.String(
        load_default="",
        validate=validate.Length(max=200),
        metadata={"description": "The list's title (default 'Yhteystiedot' / 'Contacts')."},
    )
    orientation = fields.String(
        load_default="auto",
        validate=validate.OneOf(["auto", "portrait", "landscape"]),
        metadata={"description": "auto turns the page sideways for more than 7 columns."},
    )
    font_size = fields.Float(
        load_default=8.0,
        validate=validate.Range(min=6, max=12),
        metadata={"description": "Font size of the table in points (6–12)."},
    )


@dataclass(frozen=True)
class FormatInfo:
    name: str
    content_type: str
    extension: str
    label_fi: str
    label_sv: str
    label_en: str
    options: type[Schema] = NoOptions
    default_exclude_deceased: bool = False
    uses_columns: bool = True  # False for layouts (labels, vCard) that pick their own fields
    single_contact: bool = False  # True for formats of exactly one contact (qr_vcard)
    extra: dict[str, Any] = field(default_factory=dict)

    def label(self, language: str) -> str:
        return {"fi": self.label_fi, "sv": self.label_sv}.get(language, self.label_en)

    def load_options(self, data: object) -> dict[str, Any]:
        """The options loaded by the format's schema; ValidationFailed names each bad option."""
        if data is not None and not isinstance(data, dict):
            raise ValidationFailed("exp.err.options_invalid", {"options": ["exp.err.options_object"]})
        try:
            options: dict[str, Any] = self.options().load(data or {})
            return options
        except ValidationError as exc:
            raise ValidationFailed("exp.err.options_invalid", exc.normalized_messages()) from None

    def file_name(self, stem: str = "piiri-export") -> str:
        return f"{stem}.{self.extension}"


CATALOGUE = (
    FormatInfo(
        "xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        extension="xlsx",
        label_fi="Excel (.xlsx)",
        label_sv="Excel (.xlsx)",
        label_en="Excel (.xlsx)",
        options=XlsxOptions,
    ),
    FormatInfo(
        "csv",
        content_type="text/csv; charset=utf-8",
        extension="csv",
        label_fi="CSV (Excel, puolipiste)",
        label_sv="CSV (Excel, semikolon)",
        label_en="CSV (Excel, semicolon)",
        options=CsvOptions,
    ),
    FormatInfo(
        "email_list",
        content_type="text/plain; charset=utf-8",
        extension="txt",
        label_fi="Sähköpostilista (liitettävä teksti)",
        label_sv="E-postlista (text att klistra in)",
        label_en="E-mail list (text to paste)",
        options=EmailListOptions,
        default_exclude_deceased=True,
        uses_columns=False,
    ),
    FormatInfo(
        "email_csv",
        content_type="text/csv; charset=utf-8",
        extension="csv",
        label_fi="Sähköpostilista (CSV)",
        label_sv="E-postlista (CSV)",
        label_en="E-mail list (CSV)",
        options=EmailCsvOptions,
        default_exclude_deceased=True,
        uses_columns=False,
    ),
    FormatInfo(
        "vcard",
        content_type="text/vcard; charset=utf-8",
        extension="vcf",
        label_fi="vCard (.vcf, puhelimeen tai sähköpostiin)",
        label_sv="vCard (.vcf, för telefoner och e-postprogram)",
        label_en="vCard (.vcf, for phones and mail clients)",
        options=VcardOptions,
        uses_columns=False,
    ),
    FormatInfo(
        "qr_vcard",
        content_type="image/png",
        extension="png",
        label_fi="QR-koodi (vCard yhdestä yhteystiedosta)",
        label_sv="QR-kod (vCard för en kontakt)",
        label_en="QR code (vCard of one contact)",
        options=QrOptions,
        uses_columns=False,
        single_contact=True,
    ),
    FormatInfo(
        "ndjson",
        content_type="application/x-ndjson",
        extension="ndjson",
        label_fi="NDJSON (rivi per yhteystieto)",
        label_sv="NDJSON (en kontakt per rad)",
        label_en="NDJSON (one contact per line)",
        uses_columns=False,
    ),
    FormatInfo(
        "json",
        content_type="application/json",
        extension="json",
        label_fi="JSON",
        label_sv="JSON",
        label_en="JSON",
        uses_columns=False,
    ),
    FormatInfo(
        "labels",
        content_type="application/pdf",
        extension="pdf",
        label_fi="Osoitetarrat (PDF)",
        label_sv="Adressetiketter (PDF)",
        label_en="Address labels (PDF)",
        options=LabelOptions,
        default_exclude_deceased=True,
        uses_columns=False,
    ),
    FormatInfo(
        "name_cards",
        content_type="application/pdf",
        extension="pdf",
        label_fi="Nimikortit ja -kyltit (PDF)",
        label_sv="Namnkort och namnskyltar (PDF)",
        label_en="Name cards and badges (PDF)",
        options=NameCardOptions,
        default_exclude_deceased=True,
        uses_columns=False,
    ),
    FormatInfo(
        "pdf_list",
        content_type="application/pdf",
        extension="pdf",
        label_fi="PDF-luettelo",
        label_sv="PDF-förteckning",
        label_en="PDF list",
        options=PdfListOptions,
    ),
)
_BY_NAME = {item.name: item for item in CATALOGUE}


def formats() -> list[FormatInfo]:
    """Every format, in the order offered."""
    return list(CATALOGUE)


def get_format(name: str) -> FormatInfo:
    """The format called `name`; ValidationFailed if there is none."""
    try:
        return _BY_NAME[name]
    except (KeyError, TypeError):
        known = ", ".join(_BY_NAME)
        raise ValidationFailed(
            "exp.err.invalid", {"format": [coded("value.one_of", choices=known)]}
        ) from None
