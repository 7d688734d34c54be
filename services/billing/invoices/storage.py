"""SQL of invoices (B1): VAT rates, gap-free numbers, payer numbers, invoices with their lines, the
"already invoiced for this fee" look-up, and payments applied to an invoice."""

import uuid

from sqlalchemy import Text, any_, bindparam, func, insert, or_, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.billing.models import invoice_lines, invoices, number_counters, payers, vat_rates
from services.billing.settlement import storage as splits

LIVE = invoices.c.status != "credited"


def parse_id(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def rates(session):
    """[(vat_class, rate, valid_from)] of the dated VAT table."""
    rows = session.execute(select(vat_rates.c.vat_class, vat_rates.c.rate, vat_rates.c.valid_from))
    return [tuple(row) for row in rows]


def take_number(session, series, first, count=1):
    """The next number of ``series`` (the first of ``count`` consecutive ones), the series' row locked
    until the transaction ends: numbers are gap-free because a rolled-back transaction gives its numbers
    back."""
    session.execute(
        pg_insert(number_counters).values(series=series, next_number=first).on_conflict_do_nothing()
    )
    number = session.execute(
        select(number_counters.c.next_number).where(number_counters.c.series == series).with_for_update()
    ).scalar_one()
    session.execute(
        update(number_counters).where(number_counters.c.series == series).values(next_number=number + count)
    )
    return number


def payer_sequences(session, contact_ids):
    """[(payer number, this invoice's sequence)] of the "payer" reference scheme for the invoices of
    ``contact_ids`` in this order (one invoice, or a run's page), as if issued one after another: a
    payer's row is created with the next payer number on their first invoice. One statement of each
    kind: the known payers' rows locked, the new ones numbered as one block of the "payer" series and
    inserted, the known ones' counts raised."""
    wanted = list(dict.fromkeys(contact_ids))
    rows = session.execute(
        select(payers.c.contact_id, payers.c.payer_number, payers.c.invoice_count)
        .where(payers.c.contact_id.in_(wanted))
        .with_for_update()
    )
    known = {row.contact_id: [row.payer_number, row.invoice_count] for row in rows}
    new = [key for key in wanted if key not in known]
    if new:
        first = take_number(session, "payer", 1, len(new))
        counts = {key: [first + index, 0] for index, key in enumerate(new)}
    else:
        counts = {}
    counts.update(known)
    found = []
    for key in contact_ids:
        counts[key][1] += 1
        found.append((counts[key][0], counts[key][1]))
    if new:
        session.execute(
            insert(payers),
            [
                {"contact_id": key, "payer_number": counts[key][0], "invoice_count": counts[key][1]}
                for key in new
            ],
        )
    if known:
        session.execute(
            update(payers)
            .where(payers.c.contact_id == bindparam("key"))
            .values(invoice_count=bindparam("count"))
            .execution_options(synchronize_session=False),
            [{"key": key, "count": counts[key][1]} for key in known],
        )
    return found


def insert_invoice(session, values, lines):
    """One invoice (or credit note) with its lines and their federation split (frozen with it)."""
    return insert_invoices(session, [values], lines)[0]


def insert_invoices(session, values, lines):
    """Invoices (B1), all with the same ``lines``, with their lines and their federation split; returns
    them as stored, in the order given. One invoice is an INSERT; a run's page is copied in (COPY of the
    invoices and of their lines, ids made here, then one SELECT), where an INSERT with RETURNING in the
    order given was one statement and one round trip per invoice."""
    if not values:
        return []
    if len(values) == 1:
        rows = [dict(session.execute(insert(invoices).returning(*invoices.c), values[0]).mappings().one())]
        session.execute(insert(invoice_lines), _line_rows([rows[0]["id"]], lines))
        splits.insert_splits_of_many(session, [rows[0]["id"]], lines)
        return rows
    values = [{**value, "id": value.get("id") or uuid.uuid4()} for value in values]
    keys = [value["id"] for value in values]
    copy_rows(session, invoices, values)
    copy_rows(session, invoice_lines, _line_rows(keys, lines))
    found = {
        row["id"]: dict(row)
        for row in session.execute(select(invoices).where(invoices.c.id == any_(keys))).mappings()
    }
    splits.insert_splits_of_many(session, keys, lines)
    return [found[key] for key in keys]


def _line_rows(invoice_ids, lines):
    return [
        {"invoice_id": key, **{k: v for k, v in line.items() if k != "split"}}
        for key in invoice_ids
        for line in lines
    ]


def copy_rows(session, table, rows):
    """COPY ``rows`` (dicts with the same keys: the table's columns) into ``table``, in the session's
    transaction (psycopg's COPY on the session's own connection)."""
    if not rows:
        return
    columns = list(rows[0])
    unknown = [name for name in columns if name not in table.c]
    if unknown:
        raise ValueError(f"copy_rows: {table.name} has no column {unknown[0]}")
    driver = session.connection().connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])


def invoiced_for_fee(session, fee_type_id, contact_ids):
    """{contact id (text): "payer" | "partner"} of the contacts who already have a live invoice of the fee."""
    contact_ids = [parse_id(key) for key in contact_ids]
    if not contact_ids:
        return {}
    found = {}
    rows = session.execute(
        select(invoices.c.contact_id, invoices.c.partner_id).where(
            invoices.c.fee_type_id == fee_type_id,
            invoices.c.kind == "invoice",
            LIVE,
            or_(invoices.c.contact_id.in_(contact_ids), invoices.c.partner_id.in_(contact_ids)),
        )
    )
    wanted = set(contact_ids)
    for contact_id, partner_id in rows:
        if partner_id in wanted:
            found.setdefault(str(partner_id), "partner")
        if contact_id in wanted:
            found[str(contact_id)] = "payer"
    return found


def get(session, invoice_id, lock=False):
    query = select(invoices).where(invoices.c.id == invoice_id)
    row = session.execute(query.with_for_update() if lock else query).mappings().first()
    return dict(row) if row else None


def by_number(session, number, lock=False):
    query = select(invoices).where(invoices.c.number == number)
    row = session.execute(query.with_for_update() if lock else query).mappings().first()
    return dict(row) if row else None


def by_reference(session, reference, lock=False):
    query = select(invoices).where(invoices.c.reference == reference)
    row = session.execute(query.with_for_update() if lock else query).mappings().first()
    return dict(row) if row else None


def lines_of(session, invoice_id):
    """The invoice's lines, each with its frozen federation split (``split``: [] when none)."""
    rows = session.execute(
        select(invoice_lines)
        .where(invoice_lines.c.invoice_id == invoice_id)
        .order_by(invoice_lines.c.position)
    )
    lines = [dict(row) for row in rows.mappings()]
    split = splits.splits_of(session, [invoice_id]).get(invoice_id, {})
    return [{**line, "split": split.get(line["position"], [])} for line in lines]


def list_invoices(session, status=None, contact_id=None, run_id=None, limit=50, offset=0):
    query = select(invoices)
    if status:
        query = query.where(invoices.c.status == status)
    if contact_id:
        query = query.where(or_(invoices.c.contact_id == contact_id, invoices.c.partner_id == contact_id))
    if run_id:
        query = query.where(invoices.c.run_id == run_id)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(invoices.c.number.desc()).limit(limit).offset(offset)).mappings()
    return [dict(row) for row in rows], total


def set_status(session, invoice_id, status):
    session.execute(update(invoices).where(invoices.c.id == invoice_id).values(status=status))


def add_payment(session, invoice, values):
    """Write a payment's effect on the invoice ({paid_amount, status, paid_on}: matching.after_payment)."""
    session.execute(update(invoices).where(invoices.c.id == invoice["id"]).values(**values))
    return {**invoice, **values}


MATCHING_COLUMNS = (  # what matching a payment reads of its invoice (membership.paid_event_of included)
    "id",
    "number",
    "reference",
    "status",
    "total",
    "paid_amount",
    "paid_on",
    "fee_type_id",
    "contact_id",
    "partner_id",
    "reminder_fees",  # owed with the total (rules.charges_of)
    "reminder_interest",
)


def by_references(session, wanted, lock=False):
    """{reference: invoice (MATCHING_COLUMNS)} of the invoices with these references (a bank file's, in
    one statement)."""
    if not wanted:
        return {}
    references = bindparam("references", sorted(wanted), type_=ARRAY(Text))
    columns = [invoices.c[name] for name in MATCHING_COLUMNS]
    query = select(*columns).where(invoices.c.reference == any_(references)).order_by(invoices.c.id)
    rows = session.execute(query.with_for_update() if lock else query).mappings()
    return {row["reference"]: dict(row) for row in rows}


def write_payments(session, changed):
    """A bank file's effect on its invoices ({invoice id: {paid_amount, status, paid_on}}), by COPY into
    a scratch table and one UPDATE."""
    if not changed:
        return
    session.execute(
        text(
            "CREATE TEMP TABLE paid_invoices (id uuid PRIMARY KEY, paid_amount numeric(12, 2),"
            " status text, paid_on date) ON COMMIT DROP"
        )
    )
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy("COPY paid_invoices (id, paid_amount, status, paid_on) FROM STDIN") as copy:
        for key, values in changed.items():
            copy.write_row((key, values["paid_amount"], values["status"], values["paid_on"]))
    session.execute(
        text(
            "UPDATE invoices SET paid_amount = p.paid_amount, status = p.status, paid_on = p.paid_on"
            " FROM paid_invoices p WHERE invoices.id = p.id"
        )
    )
    session.execute(text("DROP TABLE paid_invoices"))


def credit_notes_of(session, invoice_id):
    """The credit notes that cancel the invoice (oldest first)."""
    rows = session.execute(
        select(invoices.c.id, invoices.c.number, invoices.c.invoice_date)
        .where(invoices.c.credited_invoice_id == invoice_id)
        .order_by(invoices.c.number)
    ).mappings()
    return [dict(row) for row in rows]
