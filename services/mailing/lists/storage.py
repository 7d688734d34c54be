"""SQL of mailing lists (M1)."""

import secrets
import uuid

from sqlalchemy import func, insert, select, update

from piiri.collation import finnish
from services.mailing.models import mailing_lists, sync_runs


def _one(row):
    return dict(row._mapping) if row else None


def parse_id(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def insert_list(session, values):
    values = {**values, "webhook_secret": secrets.token_urlsafe(24)}
    return _one(session.execute(insert(mailing_lists).values(**values).returning(*mailing_lists.c)).one())


def get_list(session, list_id, for_update=False):
    query = select(mailing_lists).where(mailing_lists.c.id == list_id)
    if for_update:
        query = query.with_for_update()
    return _one(session.execute(query).first())


def name_taken(session, name, other_than=None):
    query = select(mailing_lists.c.id).where(
        func.lower(mailing_lists.c.name) == name.lower(), mailing_lists.c.archived_at.is_(None)
    )
    if other_than is not None:
        query = query.where(mailing_lists.c.id != other_than)
    return session.execute(query).first() is not None


def all_lists(session, archived=False):
    query = select(mailing_lists).order_by(finnish(mailing_lists.c.name), mailing_lists.c.id)
    if not archived:
        query = query.where(mailing_lists.c.archived_at.is_(None))
    return [dict(row._mapping) for row in session.execute(query)]


def synced_lists(session):
    """The lists that exist at Campaign Monitor and are not archived (incremental sync follows them)."""
    query = select(mailing_lists).where(
        mailing_lists.c.archived_at.is_(None), mailing_lists.c.cm_list_id.is_not(None)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def update_list(session, list_id, values):
    query = (
        update(mailing_lists)
        .where(mailing_lists.c.id == list_id)
        .values(**values, updated_at=func.now())
        .returning(*mailing_lists.c)
    )
    return _one(session.execute(query).one())


def last_runs(session, list_ids):
    """{list id: its newest sync run}."""
    if not list_ids:
        return {}
    query = (
        select(sync_runs)
        .where(sync_runs.c.list_id.in_(list_ids))
        .distinct(sync_runs.c.list_id)
        .order_by(sync_runs.c.list_id, sync_runs.c.created_at.desc())
    )
    return {row.list_id: dict(row._mapping) for row in session.execute(query)}
