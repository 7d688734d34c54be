"""The readable PDF of a G3 access report (reportlab platypus): a title page part (whose data, when, by
whom), then one section per service with its parts as tables, page numbers in the footer, in Finnish or
English. Text is set in DejaVu Sans (Debian's fonts-dejavu-core), which has Finnish, Swedish and Cyrillic
letters; without it reportlab's own Vera is used (Latin-1 only) and a warning is logged.
"""

import io
import json
from datetime import date, datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gateway import i18n_gdpr  # noqa: F401  (registers the words the PDF uses)
from gateway.i18n import Translator
from piiri.pdf_fonts import fonts

MAX_CELL = 600  # characters of one value shown in a table cell (the JSON file has everything)
MAX_ROWS = 2000  # rows of one table in the PDF (the JSON file has everything)


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


def _text(value, language):
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return ("kyllä" if value else "ei") if language == "fi" else ("yes" if value else "no")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, default=str)
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " …"


def _para(value, style, language):
    escaped = _text(value, language).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(escaped, style)


def _table(rows, styles, language, width):
    """A list of dicts as a table (a column per key); a dict as a two-column key/value table."""
    if isinstance(rows, dict):
        data = [
            [_para(key, styles["head"], language), _para(value, styles["cell"], language)]
            for key, value in rows.items()
        ]
        widths = [width * 0.3, width * 0.7]
    else:
        columns = []
        for row in rows[:MAX_ROWS]:
            for key in row if isinstance(row, dict) else ["value"]:
                if key not in columns:
                    columns.append(key)
        data = [[_para(name, styles["head"], language) for name in columns]]
        for row in rows[:MAX_ROWS]:
            row = row if isinstance(row, dict) else {"value": row}
            data.append([_para(row.get(name), styles["cell"], language) for name in columns])
        widths = [width / max(len(columns), 1)] * len(columns)
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


def _section(name, part, styles, t, width):
    """Flowables of one part of a service's answer."""
    label = t(f"gdpr.part.{name}") if t.has(f"gdpr.part.{name}") else name
    flowables = [Paragraph(label, styles["h2"])]
    if part is None or part == [] or part == {}:
        flowables.append(Paragraph(t("gdpr.pdf.nothing"), styles["body"]))
    elif isinstance(part, list) and all(isinstance(item, dict) for item in part):
        flowables.append(_table(part, styles, t.language, width))
        if len(part) > MAX_ROWS:
            flowables.append(Paragraph(t("gdpr.pdf.more_rows", count=len(part) - MAX_ROWS), styles["body"]))
    elif isinstance(part, dict) and all(not isinstance(value, list | dict) for value in part.values()):
        flowables.append(_table(part, styles, t.language, width))
    elif isinstance(part, dict):
        for key, value in part.items():
            flowables.extend(_section(key, value, styles, t, width))
    elif isinstance(part, list):
        flowables.append(_table(part, styles, t.language, width))
    else:
        flowables.append(_para(part, styles["body"], t.language))
    return flowables


def render(report, language):
    """The report as PDF bytes, in ``language`` (fi or en)."""
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
                t("gdpr.pdf.contact_id"): report["contact_id"],
                t("gdpr.pdf.generated_at"): report["generated_at"],
                t("gdpr.pdf.generated_by"): report["generated_by"],
                t("gdpr.pdf.services"): ", ".join(report["services"]),
            },
            styles,
            t.language,
            width,
        ),
    ]
    for service, sections in report["services"].items():
        story.append(Paragraph(_para_text(t("gdpr.pdf.service", service=service)), styles["h1"]))
        for name, part in sections.items():
            story.extend(_section(name, part, styles, t, width))

    def footer(canvas, doc):
        canvas.saveState()
        canvas.setFont(fonts()[0], 8)
        canvas.drawRightString(A4[0] - 15 * mm, 10 * mm, t("gdpr.pdf.page", page=doc.page))
        canvas.drawString(15 * mm, 10 * mm, _text(report["generated_at"], t.language)[:19].replace("T", " "))
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


def _para_text(text):
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
