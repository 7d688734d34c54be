"""The PDF list export (I2): a table of the chosen columns (standard and custom fields) with a title, the
time it was made, page numbers "sivu 1/12", the header row on every page, long text wrapped, landscape when
there are many columns. Drawing is services/exports/layout/table.py; this module is its writer
(the options: services/exports/contract/formats.py)."""

from piiri import clock
from services.exports.columns import label, text_value
from services.exports.formats import export_format
from services.exports.layout.table import TableStyle, TableWriter

DEFAULT_TITLE = {"fi": "Yhteystiedot", "sv": "Kontakter", "en": "Contacts"}
# Relative column widths: wide for names, addresses and long text, narrow for codes and dates.
WEIGHTS = {
    "display_name": 1.6,
    "email": 1.8,
    "street": 1.6,
    "organisation": 1.4,
    "organisation_name": 1.4,
    "postal_code": 0.7,
    "country": 0.5,
    "language": 0.5,
    "kind": 0.8,
    "birth_date": 0.9,
    "deceased_on": 0.9,
    "id": 2.4,
}
TYPE_WEIGHTS = {"date": 0.9, "boolean": 0.6, "number": 0.7, "integer": 0.7}


def generated_line(language, now=None):
    now = (now or clock.now()).astimezone(clock.timezone())
    if language == "fi":
        return f"Luotu {now.day}.{now.month}.{now.year} klo {now:%H.%M}"
    if language == "sv":
        return f"Skapad {now.day}.{now.month}.{now.year} kl. {now:%H.%M}"
    return f"Generated {now:%Y-%m-%d %H:%M}"


def weight(column):
    return WEIGHTS.get(column["key"], TYPE_WEIGHTS.get(column.get("type"), 1.0))


@export_format("pdf_list")
def write(rows, options, out, language):
    columns = options["columns"]
    size = options["font_size"]
    writer = TableWriter(
        out,
        [label(column, language) for column in columns],
        [weight(column) for column in columns],
        title=options["title"].strip() or DEFAULT_TITLE.get(language, DEFAULT_TITLE["en"]),
        subtitle=generated_line(language),
        language=language,
        orientation=options["orientation"],
        style=TableStyle(font_size=size, header_size=size),
    )
    for row in rows:
        writer.add([text_value(row, column, language) for column in columns])
    writer.finish()
