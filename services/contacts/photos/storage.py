"""All SQL of contact photos (C2): one row per contact, read only here (lists and searches never join it)."""

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri.json_reads import Read
from services.contacts.models import contact_photos

ABOUT = [
    contact_photos.c.content_type,
    func.octet_length(contact_photos.c.data).label("size"),
    contact_photos.c.updated_at,
]


# The photo's type, size and time without its bytes; None if the contact has no photo (a read of the
# contact's record, photos/details.py).
ABOUT_PHOTO = Read(
    lambda contact_id: select(*ABOUT).where(contact_photos.c.contact_id == contact_id),
    shape=lambda rows: rows[0] if rows else None,
)


def about(session, contact_id):
    """The photo's type, size and time without its bytes; None if the contact has no photo."""
    return ABOUT_PHOTO.run(session, contact_id)


def read(session, contact_id):
    row = session.execute(
        select(contact_photos.c.data, *ABOUT).where(contact_photos.c.contact_id == contact_id)
    ).first()
    return dict(row._mapping) if row else None


def save(session, contact_id, content_type, data):
    statement = pg_insert(contact_photos).values(contact_id=contact_id, content_type=content_type, data=data)
    statement = statement.on_conflict_do_update(
        index_elements=["contact_id"],
        set_={"content_type": content_type, "data": data, "updated_at": func.now()},
    )
    session.execute(statement)
    return about(session, contact_id)


def remove(session, contact_id):
    """Delete the photo; its type, size and time, or None if there was none."""
    row = session.execute(
        delete(contact_photos)
        .where(contact_photos.c.contact_id == contact_id)
        .returning(contact_photos.c.content_type, func.octet_length(contact_photos.c.data).label("size"))
    ).first()
    return dict(row._mapping) if row else None


def keep_one_on_merge(session, survivor_id, merged_ids):
    """Merging (C11): the survivor keeps its photo, or takes the first merged contact's that has one."""
    if about(session, survivor_id) is not None:
        return
    source = session.execute(
        select(contact_photos.c.contact_id)
        .where(contact_photos.c.contact_id.in_(merged_ids))
        .order_by(contact_photos.c.updated_at.desc())
        .limit(1)
    ).scalar()
    if source is not None:
        session.execute(
            update(contact_photos).where(contact_photos.c.contact_id == source).values(contact_id=survivor_id)
        )
