"""SQL of a round's reviewers, their declared conflicts and their assignments (Q3)."""

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri import clock
from services.surveys.models import (
    applications,
    review_assignments,
    review_scores,
    reviewer_declarations,
    round_reviewers,
)

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
        query = (
            select(RD.reviewer_id, RD.application_id, RD.reason, RD.declared_by, RD.created_at)
            .where(RD.reviewer_id.in_(ids))
            .order_by(RD.created_at)
        )
        for row in session.execute(query):
            declared.setdefault(row.reviewer_id, []).append(
                {
                    "application_id": str(row.application_id),
                    "reason": row.reason or "",
                    "declared_by": row.declared_by,
                    "created_at": row.created_at.isoformat(),
                }
            )
    return [
        {
            **row,
            "assigned": load.get(row["id"], 0),
            "declared": sorted(item["application_id"] for item in declared.get(row["id"], [])),
            "declarations": declared.get(row["id"], []),
        }
        for row in rows
    ]


def delete_reviewer(session, reviewer_id):
    session.execute(delete(round_reviewers).where(RR.id == reviewer_id))


def declare(session, reviewer_id, application_id, reason="", declared_by=None):
    """Record a declared conflict (once; a second declaration keeps the first's reason)."""
    session.execute(
        pg_insert(reviewer_declarations)
        .values(
            reviewer_id=reviewer_id,
            application_id=application_id,
            reason=reason or None,
            declared_by=declared_by,
        )
        .on_conflict_do_nothing()
    )


def withdraw(session, assignment_id):
    """The reviewer's assignment goes (with its scores): a declared conflict takes the application from
    them."""
    session.execute(delete(review_assignments).where(RA.id == assignment_id))


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


def forget_applicant_words(session, application_ids):
    """G4: free text others wrote about an erased applicant's applications (reviewers' comments, declared
    conflicts' reasons) may name them: it goes; the scores and the facts of a declaration stay. How many
    rows were emptied."""
    if not application_ids:
        return 0
    comments = session.execute(
        update(review_scores)
        .where(
            review_scores.c.assignment_id.in_(
                select(RA.id).where(RA.application_id.in_(application_ids)).scalar_subquery()
            ),
            review_scores.c.comment != "",
        )
        .values(comment="")
    ).rowcount
    reasons = session.execute(
        update(reviewer_declarations)
        .where(RD.application_id.in_(application_ids), RD.reason.is_not(None))
        .values(reason=None)
    ).rowcount
    return comments + reasons


def forget_contact(session, contact_id):
    """G4: a reviewer's own contact is erased: the link to it goes (the reviewer stays a user)."""
    result = session.execute(
        update(round_reviewers).where(RR.contact_id == contact_id).values(contact_id=None)
    )
    return result.rowcount


def my_assignments(session, user_id, application_id=None):
    """The applications assigned to the reviewer user ``user_id`` (their assignment, round, application);
    with ``application_id`` only that one (None when it is not theirs)."""
    ar = applications.c
    query = (
        select(
            RA.id.label("assignment_id"),
            RA.submitted_at,
            RR.id.label("reviewer_id"),
            ar.id.label("application_id"),
            ar.round_id,
        )
        .join(round_reviewers, RR.id == RA.reviewer_id)
        .join(applications, ar.id == RA.application_id)
        .where(RR.user_id == str(user_id))
        .order_by(ar.round_id, ar.created_at)
    )
    if application_id is not None:
        query = query.where(ar.id == application_id)
    return [dict(row._mapping) for row in session.execute(query)]


def scores_of(session, assignment_ids):
    """{assignment id: {criterion id (text): {"score", "comment"}}}."""
    found = {assignment_id: {} for assignment_id in assignment_ids}
    if assignment_ids:
        query = select(review_scores).where(review_scores.c.assignment_id.in_(assignment_ids))
        for row in session.execute(query):
            found[row.assignment_id][str(row.criterion_id)] = {"score": row.score, "comment": row.comment}
    return found


def save_scores(session, assignment_id, scores, submit):
    """Replace the assignment's scores; ``submit`` locks them (submitted_at)."""
    session.execute(delete(review_scores).where(review_scores.c.assignment_id == assignment_id))
    rows = [
        {"assignment_id": assignment_id, "criterion_id": key, "score": float(value["score"]),
         "comment": str(value.get("comment") or "")}
        for key, value in scores.items()
        if value.get("score") not in (None, "")
    ]  # fmt: skip
    if rows:
        session.execute(insert(review_scores), rows)
    if submit:
        session.execute(
            update(review_assignments).where(RA.id == assignment_id).values(submitted_at=clock.now())
        )


def round_has_scores(session, round_id):
    query = (
        select(func.count())
        .select_from(review_scores)
        .join(review_assignments, RA.id == review_scores.c.assignment_id)
        .join(round_reviewers, RR.id == RA.reviewer_id)
        .where(RR.round_id == round_id)
    )
    return bool(session.execute(query).scalar())


def round_reviews(session, round_id):
    """{application id: [the submitted reviews' scores {criterion id (text): {"score", "comment"}}]} and
    {application id: reviewers assigned}: what the coordinator's results are made of (no reviewer names)."""
    query = (
        select(RA.id, RA.application_id, RA.submitted_at)
        .join(round_reviewers, RR.id == RA.reviewer_id)
        .where(RR.round_id == round_id)
    )
    rows = [dict(row._mapping) for row in session.execute(query)]
    assigned = {}
    for row in rows:
        assigned[row["application_id"]] = assigned.get(row["application_id"], 0) + 1
    submitted = [row for row in rows if row["submitted_at"] is not None]
    scores = scores_of(session, [row["id"] for row in submitted])
    reviews = {}
    for row in submitted:
        reviews.setdefault(row["application_id"], []).append(scores[row["id"]])
    return reviews, assigned
