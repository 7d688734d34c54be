"""The collection list (B4): invoices whose last reminder level passed without payment, as rows to hand
to a collection agency (payer, address, invoice, reference, principal, fees, interest, amount owed), and
the list as a CSV (semicolon-separated, UTF-8 with BOM: opens in a Finnish Excel) or xlsx file."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook

from piiri.errors import ValidationFailed
from services.billing.invoices import money
from services.billing.reminders import rules

FORMATS = ("csv", "xlsx")
EXPORT_LIMIT = 100_000
PERSONAL = ("payer_name", "street", "postal_code", "city", "country", "email")
COLUMNS = (
    "invoice_number",
    "payer_name",
    "payer_kind",
    "street",
    "postal_code",
    "city",
    "country",
    "email",
    "invoice_date",
    "due_date",
    "reference",
    "total",
    "paid_amount",
    "principal_open",
    "fees_open",
    "interest_open",
    "amount_owed",
    "last_level",
    "last_reminder_date",
    "last_reminder_due_date",
    "days_overdue",
)


def check_page(limit, offset):
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 500:
        raise ValidationFailed("billing.list_invalid", {"limit": ["billing.limit_invalid"]})
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise ValidationFailed("billing.list_invalid", {"offset": ["billing.offset_invalid"]})


def item(invoice, reminder):
    """One row: what is owed now (payments allocated to fees, then interest, then principal)."""
    fees, interest = Decimal(invoice["reminder_fees"]), Decimal(invoice["reminder_interest"])
    total = Decimal(invoice["total"])
    paid = rules.allocate(Decimal(invoice["paid_amount"]), fees, interest, total)
    principal_open = total - paid.principal
    fees_open, interest_open = fees - paid.fees, interest - paid.interest
    return {
        "invoice_id": str(invoice["id"]),
        "contact_id": str(invoice["contact_id"]) if invoice.get("contact_id") else None,
        "invoice_number": invoice["number"],
        "payer_name": invoice["payer_name"],
        "payer_kind": invoice["payer_kind"],
        "street": invoice.get("street"),
        "postal_code": invoice.get("postal_code"),
        "city": invoice.get("city"),
        "country": invoice.get("country"),
        "email": invoice.get("email"),
        "invoice_date": invoice["invoice_date"].isoformat(),
        "due_date": invoice["due_date"].isoformat(),
        "reference": invoice["reference"],
        "total": money.text(total),
        "paid_amount": money.text(Decimal(invoice["paid_amount"])),
        "principal_open": money.text(principal_open),
        "fees_open": money.text(fees_open),
        "interest_open": money.text(interest_open),
        "amount_owed": money.text(principal_open + fees_open + interest_open),
        "last_level": reminder["level"],
        "last_reminder_date": reminder["reminder_date"].isoformat(),
        "last_reminder_due_date": reminder["due_date"].isoformat(),
        "days_overdue": None,
    }


def export(items, file_format, today: date):
    """{"file_name", "content_type", "data" (bytes)} of the rows in COLUMNS order."""
    for row in items:
        row["days_overdue"] = (today - date.fromisoformat(row["due_date"])).days
    name = f"collection-{today.isoformat()}"
    if file_format == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.title = "collection"
        sheet.append(list(COLUMNS))
        for row in items:
            sheet.append([_cell(row[column]) for column in COLUMNS])
        out = io.BytesIO()
        book.save(out)
        return {
            "file_name": f"{name}.xlsx",
            "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "data": out.getvalue(),
        }
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in items:
        writer.writerow([_text(row[column]) for column in COLUMNS])
    return {
        "file_name": f"{name}.csv",
        "content_type": "text/csv; charset=utf-8",
        "data": ("\ufeff" + text.getvalue()).encode("utf-8"),
    }


def _text(value):
    """A cell as text; one starting with =, +, - or @ is prefixed with ' (no formula runs in Excel)."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and not _is_number(text)):
        return "'" + text
    return text


def _is_number(text):
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value
    return value
