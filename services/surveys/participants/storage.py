"""SQL of survey participants (Q1): who was pushed to which linked survey, with LimeSurvey's tid and token
and the invited / reminded / completed states read back from it."""

from sqlalchemy import bindparam, delete, insert, select, update

from services.surveys.models import survey_participants

P = survey_participants.c


def pushed_contact_ids(session, link_id):
    return {row for row in session.execute(select(P.contact_id).where(P.link_id == link_id)).scalars()}


def insert_participants(session, rows):
    if rows:
        session.execute(insert(survey_participants), rows)


def update_states(session, link_id, states):
    """``states`` read from LimeSurvey: [{"tid", "invited_at", "reminded_at", "reminder_count",
    "completed_at"}]."""
    if not states:
        return
    statement = (
        update(survey_participants)
        .where(P.link_id == link_id, P.tid == bindparam("b_tid"))
        .values(
            invited_at=bindparam("b_invited"),
            reminded_at=bindparam("b_reminded"),
            reminder_count=bindparam("b_count"),
            completed_at=bindparam("b_completed"),
        )
    )
    session.connection().execute(
        statement,
        [
            {
                "b_tid": s["tid"],
                "b_invited": s["invited_at"],
                "b_reminded": s["reminded_at"],
                "b_count": s["reminder_count"],
                "b_completed": s["completed_at"],
            }
            for s in states
        ],
    )


def page(session, link_id, limit, offset):
    query = (
        select(survey_participants).where(P.link_id == link_id).order_by(P.tid).limit(limit).offset(offset)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def contacts_by_token(session, link_id, tokens):
    if not tokens:
        return {}
    query = select(P.token, P.contact_id).where(P.link_id == link_id, P.token.in_(list(tokens)))
    return {token: contact_id for token, contact_id in session.execute(query)}


def of_contact(session, contact_id):
    """Every participant row of the contact, with its survey's sid (G3, G4)."""
    from services.surveys.models import survey_links

    query = (
        select(survey_participants, survey_links.c.sid, survey_links.c.title)
        .join(survey_links, survey_links.c.id == P.link_id)
        .where(P.contact_id == contact_id)
        .order_by(survey_links.c.sid)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def move_to_survivor(session, survivor, merged):
    """The merged contacts' participant entries become the survivor's (C11); how many."""
    statement = update(survey_participants).where(P.contact_id.in_(merged)).values(contact_id=survivor)
    return session.execute(statement).rowcount


def delete_of_contact(session, contact_id):
    return session.execute(delete(survey_participants).where(P.contact_id == contact_id)).rowcount
