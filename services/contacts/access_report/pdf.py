"""The readable PDF of a G3 access report (reportlab platypus): a title page part (whose data, when, by
whom), then one section per service with its parts as tables, page numbers in the footer, in Finnish,
Swedish or English. Text is set in DejaVu Sans (Debian's fonts-dejavu-core), which has Finnish, Swedish
and Cyrillic letters; without it reportlab's own Vera is used (Latin-1 only) and a warning is logged.

A document for the person, not a dump (issue 13 item 8): fields by their names (``field.<key>``), coded
values in words (kinds, genders, languages, audit actions, export formats, statuses), times in the
organisation's time zone in the reader's format (piiri.formatting), and no internal ids or configuration
tables; the JSON file keeps everything as stored.
"""

import io
import re

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from piiri import formatting
from piiri.pdf_fonts import fonts
from services.contacts.access_report.words import Translator

MAX_CELL = 600  # characters of one value shown in a table cell (the JSON file has everything)
MAX_ROWS = 2000  # rows of one table in the PDF (the JSON file has everything)
# Internal keys the PDF leaves out (ids, versions, configuration tables); the JSON file has them.
HIDDEN = re.compile(
    r"^(id|version|version_after|schema_version|builtin|status_kinds|label_(fi|en|sv))$|_ids?$"
)
WIDE_TABLE = 4  # records with more fields than this are shown one field/value table each
# Coded values in words: the column's value through the first of these catalog prefixes that has it.
VALUE_WORDS = {
    "kind": ("kind", "name_kind", "status_kind", "email_kind", "phone_kind", "address_kind"),
    "gender": ("gender",),
    "language": ("language",),
    "action": ("action",),
    "format": ("exp.format",),
    "status": ("exp.status", "imp.status", "bil.einvoice_status", "sub.status"),
    "service": ("auditlog.service",),
    "purpose": ("purpose",),
    "basis": ("basis",),
    "source": ("source",),
    "outcome": ("au.o",),
    "role": ("affiliation_role",),
}
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:?\d{2}|Z)?)?$")


def _styles():
    regular, bold = fonts()
    return {
        "title": ParagraphStyle("title", fontName=bold, fontSize=18, leading=22, spaceAfter=6),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=14, leading=18, spaceBefore=10, spaceAfter=4),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3),
        "body": ParagraphStyle("body", fontName=regular, fontSize=9, leading=12),
        "cell": ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=9.5),
        "head": ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=9.5),
    }


def _label(key, t):
    """A field's name in the reader's language; an unknown key with spaces for underscores."""
    return t(f"field.{key}") if t.has(f"field.{key}") else str(key).replace("_", " ")


def _word(column, value, t):
    """A coded value of ``column`` in words, or None when it is not a code the catalog knows."""
    for prefix in VALUE_WORDS.get(column, ()):
        if t.has(f"{prefix}.{value}"):
            return t(f"{prefix}.{value}")
    return None


def _text(value, t, column=None):
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return t("report.yes") if value else t("report.no")
    if isinstance(value, str) and column and _word(column, value, t):
        return _word(column, value, t)
    if column == "fields" and isinstance(value, list):
        value = ", ".join(_label(name, t) for name in value)
    if (
        isinstance(value, str)
        and TIMESTAMP.match(value)
        or not isinstance(value, str | int | float | dict | list)
    ):
        shown = formatting.format_datetime(value, t.language)
        if shown:
            return shown
    if isinstance(value, dict):
        value = "; ".join(
            f"{_label(key, t)}: {_text(item, t, key)}"
            for key, item in value.items()
            if not HIDDEN.search(key)
        )
    elif isinstance(value, list):
        value = ", ".join(_text(item, t, column) for item in value)
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " …"


def _para(value, style, t, column=None):
    escaped = _text(value, t, column).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def _heading(text, style):
    escaped = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def _table(rows, styles, t, width, labelled=False):
    """A list of dicts as a table (a column per key); a dict as a two-column key/value table. Keys are
    field names unless ``labelled`` (the title table's keys are words already)."""
    if isinstance(rows, dict):
        data = [
            [
                _heading(key if labelled else _label(key, t), styles["head"]),
                _para(value, styles["cell"], t, key),
            ]
            for key, value in rows.items()
            if labelled or not HIDDEN.search(key)
        ]
        widths = [width * 0.3, width * 0.7]
    else:
        columns = []
        for row in rows[:MAX_ROWS]:
            for key in row if isinstance(row, dict) else ["value"]:
                if key not in columns and not HIDDEN.search(key):
                    columns.append(key)
        data = [[_heading(_label(name, t), styles["head"]) for name in columns]]
        for row in rows[:MAX_ROWS]:
            row = row if isinstance(row, dict) else {"value": row}
            data.append([_para(row.get(name), styles["cell"], t, name) for name in columns])
        widths = [width / max(len(columns), 1)] * len(columns)
    if not data or not data[0]:
        return Paragraph(_para_text(t("gdpr.pdf.nothing")), styles["body"])
    pairs = isinstance(rows, dict)
    heading = ((0, 0), (0, -1)) if pairs else ((0, 0), (-1, 0))  # the key column, or the header row
    table = Table(data, colWidths=widths, repeatRows=0 if pairs else 1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", *heading, colors.HexColor("#eef2f6")),
            ]
        )
    )
    return table


def _empty(value):
    return value is None or value == "" or value == [] or value == {}


def _visible_columns(rows):
    columns = []
    for row in rows:
        for key in row:
            if key not in columns and not HIDDEN.search(key):
                columns.append(key)
    return columns


def _section(name, part, styles, t, width):
    """Flowables of one part of a service's answer: a short list of records as a table, a longer record
    as a field/value table each, a record's plain fields in one table and its parts as subsections."""
    if HIDDEN.search(name):
        return []
    label = t(f"gdpr.part.{name}") if t.has(f"gdpr.part.{name}") else _label(name, t)
    flowables = [_heading(label, styles["h2"])]
    if _empty(part):
        flowables.append(Paragraph(t("gdpr.pdf.nothing"), styles["body"]))
    elif isinstance(part, list) and all(isinstance(item, dict) for item in part):
        if len(_visible_columns(part[:MAX_ROWS])) <= WIDE_TABLE:
            flowables.append(_table(part, styles, t, width))
        else:
            for item in part[:MAX_ROWS]:
                shown = {key: value for key, value in item.items() if not _empty(value)}
                flowables.extend([_table(shown, styles, t, width), Spacer(1, 2 * mm)])
        if len(part) > MAX_ROWS:
            flowables.append(Paragraph(t("gdpr.pdf.more_rows", count=len(part) - MAX_ROWS), styles["body"]))
    elif isinstance(part, dict):
        plain = {
            key: value
            for key, value in part.items()
            if not _empty(value) and not isinstance(value, dict) and not _is_records(value)
        }
        if plain:
            flowables.append(_table(plain, styles, t, width))
        for key, value in part.items():
            if key not in plain and not _empty(value):
                flowables.extend(_section(key, value, styles, t, width))
    elif isinstance(part, list):
        flowables.append(_para(part, styles["body"], t, name))
    else:
        flowables.append(_para(part, styles["body"], t, name))
    return flowables


def _is_records(value):
    return isinstance(value, list) and bool(value) and all(isinstance(item, dict) for item in value)


def render(report, language):
    """The report as PDF bytes, in ``language`` (fi, sv or en)."""
    t = Translator(language)
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=t("gdpr.pdf.title", name=report["display_name"]),
        author="Piiri",
    )
    width = document.width
    story = [
        Paragraph(_para_text(t("gdpr.pdf.title", name=report["display_name"])), styles["title"]),
        Paragraph(_para_text(t("gdpr.pdf.intro")), styles["body"]),
        Spacer(1, 4 * mm),
        _table(
            {
                t("gdpr.pdf.person"): report["display_name"],
                t("gdpr.pdf.generated_at"): formatting.format_datetime(report["generated_at"], t.language),
                t("gdpr.pdf.generated_by"): report["generated_by"],
                t("gdpr.pdf.services"): ", ".join(service_name(service, t) for service in report["services"]),
            },
            styles,
            t,
            width,
            labelled=True,
        ),
    ]
    for service, sections in report["services"].items():
        story.append(_heading(t("gdpr.pdf.service", service=service_name(service, t)), styles["h1"]))
        for name, part in sections.items():
            story.extend(_section(name, part, styles, t, width))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(fonts()[0], 8)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, t("gdpr.pdf.page", page=doc.page))
        canvas.drawString(15 * mm, 10 * mm, formatting.format_datetime(report["generated_at"], t.language))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def service_name(service, t):
    """A service by its name for people ("Yhteystiedot", not "contacts")."""
    key = f"report.service.{service}"
    return t(key) if t.has(key) else service


def _para_text(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
