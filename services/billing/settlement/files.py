"""The settlement report (B1) as a download: an Excel workbook (XlsxWriter) or a CSV file (";" separated,
UTF-8 with a byte-order mark, decimal comma, as Finnish spreadsheets open it), headings in the user's
language. Sums per party only: no personal data."""

import csv
import io
from decimal import Decimal

import xlsxwriter

from services.billing.invoices import money

HEADINGS = {
    "fi": {
        "title": "Tilitysraportti {period}",
        "party": "Osapuoli",
        "business_id": "Y-tunnus",
        "iban": "IBAN",
        "invoiced": "Laskutettu",
        "credited": "Hyvitetty",
        "paid": "Maksettu",
        "owed": "Tilitettävä",
        "own": "Oma osuus (laskuttaja)",
        "total": "Yhteensä",
        "overpaid": "Liikasuoritukset (maksajien saatavia)",
    },
    "sv": {
        "title": "Redovisningsrapport {period}",
        "party": "Part",
        "business_id": "FO-nummer",
        "iban": "IBAN",
        "invoiced": "Fakturerat",
        "credited": "Krediterat",
        "paid": "Betalt",
        "owed": "Att redovisa",
        "own": "Egen andel (fakturerare)",
        "total": "Totalt",
        "overpaid": "Överbetalningar (betalarnas fordringar)",
    },
    "en": {
        "title": "Settlement report {period}",
        "party": "Party",
        "business_id": "Business ID",
        "iban": "IBAN",
        "invoiced": "Invoiced",
        "credited": "Credited",
        "paid": "Paid",
        "owed": "Owed",
        "own": "Own part (the payee)",
        "total": "Total",
        "overpaid": "Overpayments (owed to payers)",
    },
}
FIGURES = ("invoiced", "credited", "paid", "owed")
FORMATS = ("xlsx", "csv")


def rows_of(report, words):
    """[[party, business id, IBAN, invoiced, credited, paid, owed]] with the own part and the totals."""
    rows = [
        [row["name"], row["business_id"], row["iban"] or "", *(Decimal(row[f]) for f in FIGURES)]
        for row in report["parties"]
    ]
    rows.append([words["own"], "", "", *(Decimal(report["own"][f]) for f in FIGURES)])
    rows.append([words["total"], "", "", *(Decimal(report["totals"][f]) for f in FIGURES)])
    return rows


def make(report, file_format, language):
    """{"file_name", "content_type", "data" (bytes)}."""
    words = HEADINGS.get(language, HEADINGS["fi"])
    headings = [words[key] for key in ("party", "business_id", "iban", *FIGURES)]
    rows = rows_of(report, words)
    name = f"settlement-{report['period']}"
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow([words["title"].format(period=report["period"])])
        writer.writerow(headings)
        for row in rows:
            writer.writerow([*row[:3], *(money.comma(value) for value in row[3:])])
        writer.writerow([words["overpaid"], "", "", "", "", money.comma(Decimal(report["overpaid"])), ""])
        return {"file_name": f"{name}.csv", "content_type": "text/csv; charset=utf-8",
                "data": ("\ufeff" + out.getvalue()).encode("utf-8")}  # fmt: skip
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(report["period"])
    bold = book.add_format({"bold": True})
    euros = book.add_format({"num_format": "#,##0.00"})
    sheet.write(0, 0, words["title"].format(period=report["period"]), bold)
    sheet.write_row(2, 0, headings, bold)
    for index, row in enumerate(rows, start=3):
        sheet.write_row(index, 0, row[:3], bold if index == len(rows) + 2 else None)
        for column, value in enumerate(row[3:], start=3):
            sheet.write_number(index, column, float(value), euros)  # a cell's number; the text is exact
    last = len(rows) + 4
    sheet.write(last, 0, words["overpaid"])
    sheet.write_number(last, 5, float(Decimal(report["overpaid"])), euros)
    sheet.set_column(0, 0, 34)
    sheet.set_column(1, 2, 22)
    sheet.set_column(3, 6, 14)
    book.close()
    return {
        "file_name": f"{name}.xlsx",
        "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "data": buffer.getvalue(),
    }
