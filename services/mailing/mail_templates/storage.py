"""SQL of mail templates (M2)."""

from sqlalchemy import func, insert, select, update

from piiri.collation import finnish
from services.mailing.models import mail_templates


def _one(row):
    return dict(row._mapping) if row else None


def insert_template(session, values):
    return _one(session.execute(insert(mail_templates).values(**values).returning(*mail_templates.c)).one())


def get_template(session, template_id, for_update=False):
    query = select(mail_templates).where(mail_templates.c.id == template_id)
    if for_update:
        query = query.with_for_update()
    return _one(session.execute(query).first())


def name_taken(session, name, other_than=None):
    query = select(mail_templates.c.id).where(
        func.lower(mail_templates.c.name) == name.lower(), mail_templates.c.archived_at.is_(None)
    )
    if other_than is not None:
        query = query.where(mail_templates.c.id != other_than)
    return session.execute(query).first() is not None


def all_templates(session):
    query = (
        select(mail_templates)
        .where(mail_templates.c.archived_at.is_(None))
        .order_by(finnish(mail_templates.c.name), mail_templates.c.id)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def update_template(session, template_id, values):
    query = (
        update(mail_templates)
        .where(mail_templates.c.id == template_id)
        .values(**values, updated_at=func.now())
        .returning(*mail_templates.c)
    )
    return _one(session.execute(query).one())
