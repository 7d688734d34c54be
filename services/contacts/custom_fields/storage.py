"""All SQL of custom fields: definitions, values per contact, unique checks under a lock."""

from sqlalchemy import Text, cast, delete, func, insert, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PG_UUID
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri.collation import finnish
from piiri.json_reads import Read
from services.contacts.models import contacts, custom_fields, custom_values
from services.contacts.storage import display_name

VALUE_TEXT_LENGTH = 500  # value_text keeps this many normalised characters (fits a btree entry)
FIELD_COLUMNS = [column for column in custom_fields.c]


def normalised(text_form):
    """SQL for the value_text of a text form: piiri_norm (lower, unaccent), its first 500 characters."""
    return func.left(func.piiri_norm(text_form), VALUE_TEXT_LENGTH)


def list_fields(session, include_removed=False, counts=False):
    query = select(*FIELD_COLUMNS)
    if counts:
        count = (
            select(func.count())
            .where(custom_values.c.field_id == custom_fields.c.id)
            .scalar_subquery()
            .label("value_count")
        )
        query = query.add_columns(count)
    if not include_removed:
        query = query.where(custom_fields.c.removed_at.is_(None))
    rows = session.execute(query.order_by(custom_fields.c.position, finnish(custom_fields.c.label_fi))).all()
    return [dict(row._mapping) for row in rows]


def get_field(session, field_id, for_update=False):
    query = select(*FIELD_COLUMNS).where(custom_fields.c.id == field_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def key_taken(session, key):
    return session.execute(select(custom_fields.c.id).where(custom_fields.c.key == key)).first() is not None


def insert_field(session, values):
    row = session.execute(insert(custom_fields).values(**values).returning(*FIELD_COLUMNS)).one()
    return dict(row._mapping)


def update_field(session, field_id, values):
    row = session.execute(
        update(custom_fields).where(custom_fields.c.id == field_id).values(**values).returning(*FIELD_COLUMNS)
    ).one()
    return dict(row._mapping)


def value_count(session, field_id):
    query = select(func.count()).select_from(custom_values).where(custom_values.c.field_id == field_id)
    return session.execute(query).scalar_one()


def choice_use(session, field_id, field_type, choice_values):
    """{choice value: number of contacts holding it} for the given choice values."""
    use = {}
    for value in choice_values:
        if field_type == "multi_choice":
            condition = custom_values.c.value.contains([value])
        else:
            condition = custom_values.c.value == func.to_jsonb(text(":choice").bindparams(choice=value))
        query = select(func.count()).where(custom_values.c.field_id == field_id, condition)
        count = session.execute(query).scalar_one()
        if count:
            use[value] = count
    return use


def has_duplicate_values(session, field_id):
    query = (
        select(custom_values.c.value_text)
        .where(custom_values.c.field_id == field_id)
        .group_by(custom_values.c.value_text)
        .having(func.count() > 1)
        .limit(1)
    )
    return session.execute(query).first() is not None


def purge_values(session, field_id):
    """Delete every value of the field; the ids of the contacts that had one."""
    result = session.execute(
        delete(custom_values)
        .where(custom_values.c.field_id == field_id)
        .returning(custom_values.c.contact_id)
    )
    return [row.contact_id for row in result]


def delete_field(session, field_id):
    session.execute(delete(custom_fields).where(custom_fields.c.id == field_id))


def values_by_field(session, contact_id):
    """{field_id: value} of the contact, for every field (removed ones too; callers pick)."""
    rows = session.execute(
        select(custom_values.c.field_id, custom_values.c.value).where(
            custom_values.c.contact_id == contact_id
        )
    ).all()
    return {row.field_id: row.value for row in rows}


# {key: value} of the contact's values in active (not removed) fields; a read of the contact's record.
ACTIVE_VALUES = Read(
    lambda contact_id: (
        select(custom_fields.c.key, custom_values.c.value)
        .join_from(custom_values, custom_fields, custom_fields.c.id == custom_values.c.field_id)
        .where(custom_values.c.contact_id == contact_id, custom_fields.c.removed_at.is_(None))
        .order_by(custom_fields.c.position, custom_fields.c.key)
    ),
    shape=lambda rows: {row["key"]: row["value"] for row in rows},
)


def active_values(session, contact_id):
    """{key: value} of the contact's values in active (not removed) fields."""
    return ACTIVE_VALUES.run(session, contact_id)


def lock_unique_field(session, field_id):
    """Serialise unique checks of one field until this transaction ends (two writers cannot both pass)."""
    session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"piiri.custom_unique:{field_id}"},
    )


def value_taken(session, field_id, text_form, contact_id):
    """Whether another contact holds this value (case- and accent-insensitively)."""
    query = select(custom_values.c.contact_id).where(
        custom_values.c.field_id == field_id,
        custom_values.c.value_text == normalised(text_form),
        custom_values.c.contact_id != contact_id,
    )
    return session.execute(query.limit(1)).first() is not None


def _linked_query(contact_id):
    return (
        select(
            custom_fields.c.key,
            contacts.c.id,
            contacts.c.kind,
            contacts.c.first_name,
            contacts.c.preferred_name,
            contacts.c.last_name,
            contacts.c.organisation_name,
        )
        .join_from(custom_values, custom_fields, custom_fields.c.id == custom_values.c.field_id)
        .join(
            contacts,
            cast(custom_values.c.value.op("#>>")(literal([], ARRAY(Text))), PG_UUID(as_uuid=True))
            == contacts.c.id,
        )
        .where(
            custom_values.c.contact_id == contact_id,
            custom_fields.c.field_type == "contact_link",
            custom_fields.c.removed_at.is_(None),
        )
        .order_by(custom_fields.c.position, custom_fields.c.key)
    )


# {key: {"id", "display_name"}} of the contacts the contact's contact_link values (active fields) name
# (C3: the contact page shows the linked person's name, the form's person picker starts from it).
LINKED_CONTACTS = Read(
    _linked_query,
    shape=lambda rows: {
        row["key"]: {"id": str(row["id"]), "display_name": display_name(row)} for row in rows
    },
)


def linked_contacts(session, contact_id):
    """LINKED_CONTACTS of one contact."""
    return LINKED_CONTACTS.run(session, contact_id)


def existing_contacts(session, ids):
    if not ids:
        return set()
    rows = session.execute(select(contacts.c.id).where(contacts.c.id.in_(list(ids)))).all()
    return {str(row.id) for row in rows}


def put_value(session, contact_id, field_id, value, text_form):
    statement = pg_insert(custom_values).values(
        contact_id=contact_id, field_id=field_id, value=value, value_text=normalised(text_form)
    )
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[custom_values.c.contact_id, custom_values.c.field_id],
            set_={"value": statement.excluded.value, "value_text": statement.excluded.value_text},
        )
    )


def clear_value(session, contact_id, field_id):
    session.execute(
        delete(custom_values).where(
            custom_values.c.contact_id == contact_id, custom_values.c.field_id == field_id
        )
    )
