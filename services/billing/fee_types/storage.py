"""SQL of fee types (B1): the fees a run or an invoice line can charge."""

from sqlalchemy import insert, select, update

from piiri.errors import NotFound, ValidationFailed
from services.billing.invoices.storage import parse_id
from services.billing.models import fee_types
from services.billing.settlement.storage import components_of


def insert_fee_type(session, values):
    return dict(session.execute(insert(fee_types).values(**values).returning(*fee_types.c)).mappings().one())


def with_components(session, rows):
    """The fee types with their components (the federation split), [] when a fee has none."""
    found = components_of(session, [row["id"] for row in rows])
    return [{**row, "components": found.get(row["id"], [])} for row in rows]


def get(session, fee_type_id):
    row = session.execute(select(fee_types).where(fee_types.c.id == fee_type_id)).mappings().first()
    return with_components(session, [dict(row)])[0] if row else None


def list_fee_types(session, include_inactive=False):
    query = select(fee_types).order_by(fee_types.c.created_at, fee_types.c.name)
    if not include_inactive:
        query = query.where(fee_types.c.active)
    return with_components(session, [dict(row) for row in session.execute(query).mappings()])


def set_active(session, fee_type_id, active):
    row = (
        session.execute(
            update(fee_types)
            .where(fee_types.c.id == fee_type_id)
            .values(active=active)
            .returning(*fee_types.c)
        )
        .mappings()
        .first()
    )
    return with_components(session, [dict(row)])[0] if row else None


def active_fee_type(session, fee_type_id, field="fee_type_id"):
    """The fee type an invoice or a run charges: NotFound when there is none, ValidationFailed (named
    ``field``) when it is retired."""
    key = parse_id(fee_type_id)
    row = get(session, key) if key else None
    if row is None:
        raise NotFound("billing.fee_type_not_found", {field: str(fee_type_id)})
    if not row["active"]:
        raise ValidationFailed("billing.fee_type_inactive", {field: ["billing.fee_type_inactive"]})
    return row
