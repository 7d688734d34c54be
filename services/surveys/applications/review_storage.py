"""SQL of a round's reviewers, their declared conflicts and their assignments (Q3)."""

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.surveys.models import applications, review_assignments, reviewer_declarations, round_reviewers

RR = round_reviewers.c
RA = review_assignments.c
RD = reviewer_declarations.c


def _one(session, statement):
    row = session.execute(statement).first()
    return dict(row._mapping) if row else None


def insert_reviewer(session, values):
    return _one(session, insert(round_reviewers).values(**values).returning(round_reviewers))


def reviewer_of_user(session, round_id, user_id):
    return _one(session, select(round_reviewers).where(RR.round_id == round_id, RR.user_id == user_id))


def get_reviewer(session, round_id, reviewer_id):
    return _one(session, select(round_reviewers).where(RR.round_id == round_id, RR.id == reviewer_id))


def reviewers(session, round_id):
    """The round's reviewers with their load and declared applications."""
    rows = [
        dict(row._mapping)
        for row in session.execute(
            select(round_reviewers).where(RR.round_id == round_id).order_by(RR.username)
        )
    ]
    ids = [row["id"] for row in rows]
    load = (
        dict(
            session.execute(
                select(RA.reviewer_id, func.count()).where(RA.reviewer_id.in_(ids)).group_by(RA.reviewer_id)
            )
            .tuples()
            .all()
        )
        if ids
        else {}
    )
    declared = {}
    if ids:
        for reviewer_id, application_id in session.execute(
            select(RD.reviewer_id, RD.application_id).where(RD.reviewer_id.in_(ids))
        ):
            declared.setdefault(reviewer_id, []).append(str(application_id))
    return [
        {**row, "assigned": load.get(row["id"], 0), "declared": sorted(declared.get(row["id"], []))}
        for row in rows
    ]


def delete_reviewer(session, reviewer_id):
    session.execute(delete(round_reviewers).where(RR.id == reviewer_id))


def declare(session, reviewer_id, application_id):
    session.execute(
        pg_insert(reviewer_declarations)
        .values(reviewer_id=reviewer_id, application_id=application_id)
        .on_conflict_do_nothing()
    )


def declarations(session, round_id):
    """{(reviewer id, application id)} declared in the round (as text)."""
    query = select(RD.reviewer_id, RD.application_id).join(round_reviewers, RR.id == RD.reviewer_id)
    return {(str(r), str(a)) for r, a in session.execute(query.where(RR.round_id == round_id))}


def assignments(session, round_id):
    query = (
        select(review_assignments, RR.username)
        .join(round_reviewers, RR.id == RA.reviewer_id)
        .where(RR.round_id == round_id)
        .order_by(RA.created_at, RR.username)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def insert_assignments(session, rows):
    if rows:
        session.execute(insert(review_assignments), rows)


def insert_assignment(session, values):
    return _one(session, insert(review_assignments).values(**values).returning(review_assignments))


def get_assignment(session, round_id, assignment_id):
    query = (
        select(review_assignments)
        .join(round_reviewers, RR.id == RA.reviewer_id)
        .where(RR.round_id == round_id, RA.id == assignment_id)
    )
    return _one(session, query)


def delete_assignment(session, assignment_id):
    session.execute(delete(review_assignments).where(RA.id == assignment_id))


def applicants(session, round_id):
    """[{"id", "contact_id"}] of the round's applications."""
    query = select(applications.c.id, applications.c.contact_id).where(applications.c.round_id == round_id)
    return [dict(row._mapping) for row in session.execute(query.order_by(applications.c.created_at))]


def of_contact(session, contact_id):
    """The person's reviewer entries (as a reviewer's own contact; G3)."""
    return [
        dict(row._mapping)
        for row in session.execute(select(round_reviewers).where(RR.contact_id == contact_id))
    ]


def forget_contact(session, contact_id):
    """G4: a reviewer's own contact is erased: the link to it goes (the reviewer stays a user)."""
    result = session.execute(
        update(round_reviewers).where(RR.contact_id == contact_id).values(contact_id=None)
    )
    return result.rowcount
