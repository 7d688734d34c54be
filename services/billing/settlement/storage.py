"""SQL of the federation split (B1): settlement parties, fee type components, invoice line splits, and
the sums the settlement report is made of."""

from decimal import Decimal

from sqlalchemy import and_, delete, func, insert, select, update

from services.billing.models import (
    fee_type_components,
    invoice_line_splits,
    invoices,
    payments,
    settlement_parties,
)

PAYMENT_DAY = func.coalesce(payments.c.paid_on, payments.c.booked_on)


def insert_party(session, values):
    row = session.execute(insert(settlement_parties).values(**values).returning(*settlement_parties.c))
    return dict(row.mappings().one())


def party_by_business_id(session, business_id):
    row = session.execute(
        select(settlement_parties.c.id).where(settlement_parties.c.business_id == business_id)
    ).first()
    return row[0] if row else None


def list_parties(session, include_inactive=True):
    query = select(settlement_parties).order_by(settlement_parties.c.created_at, settlement_parties.c.name)
    if not include_inactive:
        query = query.where(settlement_parties.c.active)
    return [dict(row) for row in session.execute(query).mappings()]


def set_party_active(session, party_id, active):
    row = session.execute(
        update(settlement_parties)
        .where(settlement_parties.c.id == party_id)
        .values(active=active)
        .returning(*settlement_parties.c)
    )
    found = row.mappings().first()
    return dict(found) if found else None


def active_party_ids(session):
    rows = session.execute(select(settlement_parties.c.id).where(settlement_parties.c.active))
    return {str(row[0]) for row in rows}


def insert_components(session, fee_type_id, components):
    if components:
        session.execute(
            insert(fee_type_components),
            [
                {"fee_type_id": fee_type_id, "position": position + 1, **component}
                for position, component in enumerate(components)
            ],
        )


def replace_components(session, fee_type_id, components):
    """The fee type's components become ``components`` (checked ones), in their order."""
    session.execute(delete(fee_type_components).where(fee_type_components.c.fee_type_id == fee_type_id))
    insert_components(session, fee_type_id, components)


def components_of(session, fee_type_ids):
    """{fee type id: [{"party_id", "party_name", "amount"}]} in their order."""
    if not fee_type_ids:
        return {}
    rows = session.execute(
        select(
            fee_type_components.c.fee_type_id,
            fee_type_components.c.party_id,
            settlement_parties.c.name.label("party_name"),
            fee_type_components.c.amount,
        )
        .join(settlement_parties, settlement_parties.c.id == fee_type_components.c.party_id)
        .where(fee_type_components.c.fee_type_id.in_(list(fee_type_ids)))
        .order_by(fee_type_components.c.fee_type_id, fee_type_components.c.position)
    ).mappings()
    found: dict = {}
    for row in rows:
        found.setdefault(row["fee_type_id"], []).append(
            {"party_id": row["party_id"], "party_name": row["party_name"], "amount": row["amount"]}
        )
    return found


def insert_splits_of_many(session, invoice_ids, lines):
    """The same lines' split for each of ``invoice_ids`` (a run's page), in one INSERT."""
    rows = [
        {"invoice_id": invoice_id, "position": line["position"], **split}
        for invoice_id in invoice_ids
        for line in lines
        for split in line.get("split") or ()
    ]
    if rows:
        session.execute(insert(invoice_line_splits), rows)


def splits_of(session, invoice_ids):
    """{invoice id: {position: [{"party_id", "party_name", "amount"}]}}."""
    if not invoice_ids:
        return {}
    rows = session.execute(
        select(invoice_line_splits)
        .where(invoice_line_splits.c.invoice_id.in_(list(invoice_ids)))
        .order_by(invoice_line_splits.c.invoice_id, invoice_line_splits.c.position)
    ).mappings()
    found: dict = {}
    for row in rows:
        found.setdefault(row["invoice_id"], {}).setdefault(row["position"], []).append(
            {"party_id": row["party_id"], "party_name": row["party_name"], "amount": row["amount"]}
        )
    return found


def issued_sums(session, kind, start, end):
    """(per-party split sums {party id: amount}, the invoices' total) of the invoices or credit notes
    (``kind``) dated in [start, end)."""
    dated = and_(invoices.c.kind == kind, invoices.c.invoice_date >= start, invoices.c.invoice_date < end)
    rows = session.execute(
        select(invoice_line_splits.c.party_id, func.sum(invoice_line_splits.c.amount))
        .join(invoices, invoices.c.id == invoice_line_splits.c.invoice_id)
        .where(dated)
        .group_by(invoice_line_splits.c.party_id)
    )
    parts = {str(party): Decimal(amount) for party, amount in rows}
    total = session.execute(select(func.coalesce(func.sum(invoices.c.total), 0)).where(dated)).scalar_one()
    return parts, Decimal(total)


def paid_invoices(session, start, end):
    """The invoices with a matched payment dated in [start, end): [{"id", "total"}], and every matched
    payment of theirs (of any date: what was paid before the period counts for the cumulative split),
    [{"invoice_id", "day", "amount"}] in the order they were paid."""
    paid_ids = (
        select(payments.c.invoice_id)
        .where(payments.c.status == "matched", PAYMENT_DAY >= start, PAYMENT_DAY < end)
        .distinct()
        .scalar_subquery()
    )
    rows = session.execute(
        select(invoices.c.id, invoices.c.total).where(invoices.c.id.in_(paid_ids))
    ).mappings()
    found = [dict(row) for row in rows]
    if not found:
        return [], []
    made = session.execute(
        select(payments.c.invoice_id, PAYMENT_DAY.label("day"), payments.c.amount)
        .where(payments.c.status == "matched", payments.c.invoice_id.in_(paid_ids))
        .order_by(payments.c.invoice_id, PAYMENT_DAY, payments.c.matched_at, payments.c.id)
    ).mappings()
    return found, [dict(row) for row in made]
