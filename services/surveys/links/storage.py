"""SQL of survey links (Q1): a row per linked LimeSurvey survey, with its participant and response counts."""

import uuid
from datetime import timedelta

from sqlalchemy import func, insert, or_, select, update

from piiri import clock
from services.surveys.models import survey_links, survey_participants, survey_responses


def parse_id(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError):
        return None


def insert_link(session, values):
    return dict(session.execute(insert(survey_links).values(**values).returning(survey_links)).one()._mapping)


def get_link(session, link_id, for_update=False):
    query = select(survey_links).where(survey_links.c.id == link_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def link_of_sid(session, sid):
    row = session.execute(select(survey_links).where(survey_links.c.sid == sid)).first()
    return dict(row._mapping) if row else None


def links_due(session, every_seconds):
    """Links not synced within ``every_seconds`` (never synced first)."""
    due = clock.now() - timedelta(seconds=every_seconds)
    query = (
        select(survey_links)
        .where(or_(survey_links.c.synced_at.is_(None), survey_links.c.synced_at < due))
        .order_by(survey_links.c.synced_at.nulls_first())
    )
    return [dict(row._mapping) for row in session.execute(query)]


def all_links(session):
    return [
        dict(row._mapping)
        for row in session.execute(select(survey_links).order_by(survey_links.c.created_at))
    ]


def update_link(session, link_id, values):
    row = session.execute(
        update(survey_links).where(survey_links.c.id == link_id).values(**values).returning(survey_links)
    ).one()
    return dict(row._mapping)


def delete_link(session, link_id):
    session.execute(survey_links.delete().where(survey_links.c.id == link_id))


def record_sync(session, link_id, error_code=None, last_response_id=None, anonymized=None):
    values = {"synced_at": clock.now(), "sync_error": error_code}
    if last_response_id is not None:
        values["last_response_id"] = last_response_id
    if anonymized is not None:
        values["anonymized"] = anonymized
    session.execute(update(survey_links).where(survey_links.c.id == link_id).values(**values))


def counts(session, link_ids):
    """{link id: {"participants", "invited", "reminded", "completed", "responses"}}."""
    p = survey_participants.c
    found = {
        link_id: {"participants": 0, "invited": 0, "reminded": 0, "completed": 0, "responses": 0}
        for link_id in link_ids
    }
    if not link_ids:
        return found
    query = (
        select(
            p.link_id,
            func.count(),
            func.count(p.invited_at),
            func.count(p.reminded_at),
            func.count(p.completed_at),
        )
        .where(p.link_id.in_(link_ids))
        .group_by(p.link_id)
    )
    for link_id, total, invited, reminded, completed in session.execute(query):
        found[link_id].update(participants=total, invited=invited, reminded=reminded, completed=completed)
    r = survey_responses.c
    query = select(r.link_id, func.count()).where(r.link_id.in_(link_ids)).group_by(r.link_id)
    for link_id, total in session.execute(query):
        found[link_id]["responses"] = total
    return found
