"""SQL of application rounds (Q3): rounds, their rubric's criteria, applications and attachments."""

from sqlalchemy import delete, func, insert, select, update

from piiri import clock
from services.surveys.models import (
    application_attachments,
    application_rounds,
    applications,
    round_criteria,
    survey_links,
    survey_responses,
)

RO = application_rounds.c
A = applications.c
AT = application_attachments.c
ATTACHMENT_COLUMNS = (AT.id, AT.application_id, AT.filename, AT.content_type, AT.size, AT.created_at)


def _one(session, statement):
    row = session.execute(statement).first()
    return dict(row._mapping) if row else None


def insert_round(session, values):
    return _one(session, insert(application_rounds).values(**values).returning(application_rounds))


def update_round(session, round_id, values):
    statement = update(application_rounds).where(RO.id == round_id).values(**values)
    return _one(session, statement.returning(application_rounds))


def get_round(session, round_id, for_update=False):
    query = select(application_rounds).where(RO.id == round_id)
    return _one(session, query.with_for_update() if for_update else query)


def all_rounds(session):
    return [dict(row._mapping) for row in session.execute(select(application_rounds).order_by(RO.created_at))]


def delete_round(session, round_id):
    session.execute(delete(application_rounds).where(RO.id == round_id))


def link_exists(session, link_id):
    return session.execute(select(survey_links.c.id).where(survey_links.c.id == link_id)).first() is not None


def criteria(session, round_ids):
    """{round id: [criterion, …]} in their order."""
    found = {round_id: [] for round_id in round_ids}
    if round_ids:
        query = (
            select(round_criteria)
            .where(round_criteria.c.round_id.in_(round_ids))
            .order_by(round_criteria.c.round_id, round_criteria.c.position)
        )
        for row in session.execute(query):
            found[row.round_id].append(dict(row._mapping))
    return found


def replace_criteria(session, round_id, items):
    session.execute(delete(round_criteria).where(round_criteria.c.round_id == round_id))
    if items:
        rows = [{**item, "round_id": round_id, "position": n} for n, item in enumerate(items, start=1)]
        session.execute(insert(round_criteria), rows)


def state_counts(session, round_ids):
    """{round id: {state: n}}."""
    found = {round_id: {} for round_id in round_ids}
    if round_ids:
        query = select(A.round_id, A.state, func.count()).where(A.round_id.in_(round_ids))
        for round_id, state, count in session.execute(query.group_by(A.round_id, A.state)):
            found[round_id][state] = count
    return found


def insert_application(session, values, files):
    """The new application and its attachments (without content)."""
    row = _one(session, insert(applications).values(**values).returning(applications))
    stored = []
    for item in files:
        statement = insert(application_attachments).values(**item, application_id=row["id"])
        stored.append(_one(session, statement.returning(*ATTACHMENT_COLUMNS)))
    return row, stored


def get_application(session, round_id, application_id, for_update=False):
    query = select(applications).where(A.id == application_id, A.round_id == round_id)
    return _one(session, query.with_for_update() if for_update else query)


def round_applications(session, round_id, limit, offset):
    query = select(applications).where(A.round_id == round_id).order_by(A.created_at, A.id)
    return [dict(row._mapping) for row in session.execute(query.limit(limit).offset(offset))]


def attachments_of(session, application_ids):
    """{application id: [attachment without content]}."""
    found = {application_id: [] for application_id in application_ids}
    if application_ids:
        query = select(*ATTACHMENT_COLUMNS).where(AT.application_id.in_(application_ids))
        for row in session.execute(query.order_by(AT.created_at, AT.filename)):
            found[row.application_id].append(dict(row._mapping))
    return found


def attachment(session, application_id, attachment_id):
    query = select(application_attachments).where(AT.id == attachment_id, AT.application_id == application_id)
    return _one(session, query)


def delete_application(session, application_id):
    session.execute(delete(applications).where(A.id == application_id))


def imported_response_ids(session, round_id):
    query = select(A.response_id).where(A.round_id == round_id, A.response_id.is_not(None))
    return set(session.execute(query).scalars())


def linked_responses(session, link_id):
    """{LimeSurvey response id: contact id} of a link's responses that Q2 tied to a contact."""
    r = survey_responses.c
    query = select(r.response_id, r.contact_id).where(r.link_id == link_id, r.contact_id.is_not(None))
    return {int(response_id): contact_id for response_id, contact_id in session.execute(query)}


def of_contact(session, contact_id):
    """The person's applications with their round's name and attachments' names (G3)."""
    query = (
        select(applications, RO.name.label("round_name"))
        .join(application_rounds, RO.id == A.round_id)
        .where(A.contact_id == contact_id)
        .order_by(A.created_at)
    )
    rows = [dict(row._mapping) for row in session.execute(query)]
    files = attachments_of(session, [row["id"] for row in rows])
    return [{**row, "attachments": files[row["id"]]} for row in rows]


def ids_of_contact(session, contact_id):
    return list(session.execute(select(A.id).where(A.contact_id == contact_id)).scalars())


def pseudonymise_of_contact(session, contact_id):
    """G4: the person's applications lose the applicant, title, texts, attachments and the decision's
    note (the letter to them); the rows (their round, state, decision and their reviews' scores) stay
    without identity. How many."""
    ids = ids_of_contact(session, contact_id)
    if not ids:
        return 0
    session.execute(delete(application_attachments).where(AT.application_id.in_(ids)))
    session.execute(
        update(applications)
        .where(A.id.in_(ids))
        .values(
            contact_id=None,
            title=None,
            texts={},
            applicant_name=None,
            decision_note=None,
            pseudonymised_at=clock.now(),
        )
    )
    return len(ids)


def move_to_survivor(session, survivor, merged):
    """The merged contacts' applications become the survivor's (C11); how many."""
    result = session.execute(update(applications).where(A.contact_id.in_(merged)).values(contact_id=survivor))
    return result.rowcount


def decide(session, application_id, state, note, username):
    statement = (
        update(applications)
        .where(A.id == application_id)
        .values(state=state, decision_note=note, decided_by=username, decided_at=clock.now())
        .returning(applications)
    )
    return _one(session, statement)
