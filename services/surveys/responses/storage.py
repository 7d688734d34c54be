"""SQL of responses taken in (Q2) and of the changes they propose to contacts."""

from sqlalchemy import delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri import clock
from services.surveys.models import survey_links, survey_proposals, survey_responses

R = survey_responses.c
PR = survey_proposals.c


def insert_response(session, values):
    row = session.execute(insert(survey_responses).values(**values).returning(R.id)).one()
    return row.id


def insert_responses(session, rows):
    """Many responses at once; one already stored (link, response id) is left as it is. The ids inserted."""
    if not rows:
        return []
    statement = (
        pg_insert(survey_responses)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["link_id", "response_id"])
    )
    return list(session.execute(statement.returning(R.id)).scalars())


def insert_proposal(session, values):
    session.execute(insert(survey_proposals).values(**values))


def page(session, link_id, limit, offset):
    query = (
        select(survey_responses)
        .where(R.link_id == link_id)
        .order_by(R.response_id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def proposals(session, link_id, state, limit):
    query = select(survey_proposals).order_by(PR.created_at, PR.id).limit(limit)
    if link_id is not None:
        query = query.where(PR.link_id == link_id)
    if state is not None:
        query = query.where(PR.state == state)
    return [dict(row._mapping) for row in session.execute(query)]


def get_proposal(session, proposal_id, for_update=False):
    query = select(survey_proposals).where(PR.id == proposal_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def decide(session, proposal_id, state, actor_username):
    row = session.execute(
        update(survey_proposals)
        .where(PR.id == proposal_id)
        .values(state=state, decided_by=actor_username, decided_at=clock.now())
        .returning(survey_proposals)
    ).one()
    return dict(row._mapping)


def of_contact(session, contact_id):
    """The contact's responses (with their survey's sid) and proposals (G3, G4)."""
    query = (
        select(survey_responses, survey_links.c.sid, survey_links.c.title)
        .join(survey_links, survey_links.c.id == R.link_id)
        .where(R.contact_id == contact_id)
        .order_by(survey_links.c.sid, R.response_id)
    )
    responses = [dict(row._mapping) for row in session.execute(query)]
    found = [
        dict(row._mapping)
        for row in session.execute(select(survey_proposals).where(PR.contact_id == contact_id))
    ]
    return responses, found


def move_to_survivor(session, survivor, merged):
    """The merged contacts' responses and proposed changes become the survivor's (C11); how many."""
    moved = session.execute(
        update(survey_responses).where(R.contact_id.in_(merged)).values(contact_id=survivor)
    )
    proposals = session.execute(
        update(survey_proposals).where(PR.contact_id.in_(merged)).values(contact_id=survivor)
    )
    return moved.rowcount + proposals.rowcount


def delete_of_contact(session, contact_id):
    proposals_deleted = session.execute(delete(survey_proposals).where(PR.contact_id == contact_id)).rowcount
    responses_deleted = session.execute(delete(survey_responses).where(R.contact_id == contact_id)).rowcount
    return responses_deleted, proposals_deleted
