"""Invoice runs page by page (B1): the preview (who, how many, what total, who is left out and why) and the
run itself, the same decision (runs/rules.py) on the same pages of contacts.payer_page.

A run issues a page's invoices in one go (issuing.issue_many: a block of numbers, one INSERT each of
the invoices, their lines and their splits) and commits them together with the run's next cursor and
counts, so a worker that dies loses at most the page it was on; the next worker resumes at the cursor.
The last page's commit also marks the run done. Invoices are unique per (fee, payer) among live ones,
and a page re-read after a crash finds its payers already invoiced, so a run started twice, or resumed,
invoices nobody twice.

Each page also queues its invoices' PDFs (B2, invoice_pdfs/: pending rows in the same transaction, and
``on_page`` queues the run's PDF message through the outbox), so the workers make the PDFs while the run
goes on.
"""

from decimal import Decimal

from sqlalchemy import text

from services.billing.invoice_pdfs import storage as pdf_storage
from services.billing.invoices import issuing, rules
from services.billing.invoices import storage as invoice_storage
from services.billing.runs import rules as run_rules
from services.billing.runs import storage
from services.billing.settlement.rules import with_fee_split

PAGE = 500


def fee_lines(fee_type, rates, invoice_date):
    """The run's one priced line: the fee type's name, amount, VAT class (at the invoice date), account,
    and its split among the fee's settlement parties (frozen on each invoice)."""
    lines = rules.priced_lines(
        [
            {
                "description": fee_type["name"],
                "quantity": "1",
                "unit_price": str(fee_type["amount"]),
                "vat_class": fee_type["vat_class"],
                "account": fee_type["account"],
            }
        ],
        rates,
        invoice_date,
    )
    return with_fee_split(lines, fee_type)


def page_rows(page, first):
    rows = list(page["items"])
    if first and page.get("missing"):
        return rows, run_rules.missing_rows(page["missing"])
    return rows, []


def _decide(session, fee_type_id, rows, delivery, per_couple, couples_taken):
    ids = [row["id"] for row in rows]
    invoiced = invoice_storage.invoiced_for_fee(session, fee_type_id, ids)
    return run_rules.decide(rows, delivery, per_couple, invoiced, couples_taken)


def preview(session, fetch, fee_type, values, rates):
    """{"count", "total", "payers": [... each with its "delivery"], "deliveries": {delivery: count} (an
    e-invoice run: who gets an e-invoice, who a paper invoice), "excluded": {reason: count},
    "excluded_contacts": [...]}.
    ``fetch(cursor)`` is one contacts.payer_page."""
    lines = fee_lines(fee_type, rates, values["invoice_date"])
    per_invoice = rules.totals_of(lines)["total"]
    couples_taken: set = set()
    count, listed, excluded, excluded_listed, deliveries = 0, [], {}, [], {}
    cursor, first = None, True
    while True:
        page = fetch(cursor)
        rows, erased = page_rows(page, first)
        decision = _decide(
            session, fee_type["id"], rows, values["delivery"], values["per_couple"], couples_taken
        )
        session.rollback()
        for row in decision.payers:
            count += 1
            delivery = run_rules.delivery_of(row, values["delivery"])
            deliveries[delivery] = deliveries.get(delivery, 0) + 1
            if len(listed) < run_rules.PREVIEW_LIST_LIMIT:
                listed.append({**_shown(row, values["per_couple"]), "delivery": delivery})
        for row, reason in [*decision.excluded, *((row, "erased") for row in erased)]:
            excluded[reason] = excluded.get(reason, 0) + 1
            if len(excluded_listed) < run_rules.PREVIEW_LIST_LIMIT:
                excluded_listed.append({"id": row["id"], "name": row.get("display_name"), "reason": reason})
        cursor, first = page.get("next_cursor"), False
        if not cursor:
            break
    return {
        "count": count,
        "amount_each": str(per_invoice),
        "total": str(per_invoice * count),
        "payers": listed,
        "deliveries": deliveries,
        "excluded": excluded,
        "excluded_contacts": excluded_listed,
    }


def _shown(row, per_couple):
    language = issuing.language_of(row)
    return {
        "id": row["id"],
        "name": issuing.payer_name(row, per_couple, language),
        "partner_id": row.get("partner_id") if per_couple and row.get("couple") else None,
    }


def run(db, settings, run_row, fee_type, fetch, beat=None, on_page=None):
    """Invoice the run's selection from its cursor to the end. ``on_page(session)`` runs in each page's
    transaction (the worker queues the PDF message there); ``beat()`` after each page's commit."""
    rates = invoice_storage.rates(db.session)
    lines = fee_lines(fee_type, rates, run_row["invoice_date"])
    db.session.rollback()
    cursor, first = run_row["cursor"], run_row["pages_done"] == 0
    while True:
        page = fetch(cursor)
        rows, erased = page_rows(page, first)
        next_cursor = page.get("next_cursor")
        with db.transaction() as session:
            decision = _decide(
                session, fee_type["id"], rows, run_row["delivery"], run_row["per_couple"], set()
            )
            invoices = issuing.issue_many(
                session,
                settings,
                decision.payers,
                lines,
                fee_type_id=fee_type["id"],
                invoice_date=run_row["invoice_date"],
                due_date=run_row["due_date"],
                delivery_of=lambda row: run_rules.delivery_of(row, run_row["delivery"]),
                per_couple=run_row["per_couple"],
                run_id=run_row["id"],
            )
            total = sum((invoice["total"] for invoice in invoices), Decimal("0.00"))
            issued = [invoice["id"] for invoice in invoices]
            pdf_storage.queue(session, run_row["id"], issued)
            if issued and on_page:
                on_page(session)
            excluded: dict[str, int] = {}
            for _, reason in [*decision.excluded, *((row, "erased") for row in erased)]:
                excluded[reason] = excluded.get(reason, 0) + 1
            storage.page_done(session, run_row["id"], next_cursor, len(decision.payers), total, excluded)
            if not next_cursor:
                storage.finish(session, run_row["id"], "done")
        if first and issued:
            with db.transaction() as session:
                analyze_filled_tables(session)
        if beat:
            beat()
        if not next_cursor:
            return
        cursor, first = next_cursor, False


FILLED_TABLES = ("invoices", "invoice_lines", "invoice_pdfs")


def analyze_filled_tables(session):
    """ANALYZE the tables a run fills, once, after its first page is committed. A run copies thousands
    of rows into them a page at a time, and the PDF batches read them back by key (their lines, the
    pending PDFs): a planner that last saw them (nearly) empty reads a batch's lines by a sequential scan
    of the whole table (19 ms a batch of 50 at 50,000 invoices against 0.5 ms by the primary key), so
    the run's PostgreSQL CPU grew with the square of its size. Statistics from the first page suffice:
    the planner scales them to the tables' size as they grow. Autovacuum would get there too, up to its
    naptime later, and not at all where it is off (as on the development machine)."""
    session.execute(text(f"ANALYZE {', '.join(FILLED_TABLES)}"))
