"""SQL of the mailing audience (M1): why a contact may not be mailed for a purpose today, as one SQL
expression over ``contacts`` (so a page, a reason's list and the counts per reason are each one query)."""

from sqlalchemy import case, exists, func, literal, not_, or_, select

from piiri import clock
from piiri.db import any_uuid
from services.contacts.mailing_audience.contract import (
    REASON_DECEASED,
    REASON_INVALID_EMAIL,
    REASON_NO_CONSENT,
    REASON_NO_EMAIL,
    TRACKING_PURPOSE,
)
from services.contacts.mailing_audience.rules import MAILABLE
from services.contacts.models import consent_current, contacts, legal_bases, processing_purposes

TRACKING_BASIS = "consent"  # the default basis of TRACKING_PURPOSE (migration 0028)


def purpose(session, code):
    query = select(processing_purposes.c.code, processing_purposes.c.legal_basis).where(
        processing_purposes.c.code == code
    )
    row = session.execute(query).first()
    return dict(row._mapping) if row else None


def lawful(purpose_code, default_basis):
    """Processing for the purpose is lawful today (services/contacts/consents/rules.effective_basis in SQL):
    the person's active legal basis that started last (then the newest) or the purpose's default; under
    ``consent`` only while the current consent is a given one."""
    today = clock.sql_today()
    person_basis = (
        select(legal_bases.c.basis)
        .where(
            legal_bases.c.contact_id == contacts.c.id,
            legal_bases.c.purpose == purpose_code,
            func.coalesce(legal_bases.c.starts_on <= today, True),
            func.coalesce(legal_bases.c.ends_on >= today, True),
        )
        .order_by(legal_bases.c.starts_on.desc().nulls_last(), legal_bases.c.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    given = exists().where(
        consent_current.c.contact_id == contacts.c.id,
        consent_current.c.purpose == purpose_code,
        consent_current.c.given,
    )
    return or_(func.coalesce(person_basis, literal(default_basis)) != "consent", given)


def reason(purpose_code, default_basis, lawful_now=None):
    """The first reason that leaves the contact out, or NULL when they may be mailed. ``lawful_now``: the
    lawfulness expression to use (default ``lawful``, correlated subqueries: right for a page)."""
    if lawful_now is None:
        lawful_now = lawful(purpose_code, default_basis)
    return case(
        (contacts.c.deceased_on.is_not(None), REASON_DECEASED),
        (or_(contacts.c.email.is_(None), func.btrim(contacts.c.email) == ""), REASON_NO_EMAIL),
        (not_(contacts.c.email.op("~")(MAILABLE)), REASON_INVALID_EMAIL),
        (not_(lawful_now), REASON_NO_CONSENT),
        else_=None,
    )


def reasons_of(session, condition, purpose_code, default_basis):
    """{reason: contacts} of the selection (``condition``), the mailable ones under None.

    The whole selection at once, so lawfulness is joined, not asked per contact: the person's legal basis
    that applies today (DISTINCT ON: the same choice as ``lawful``'s ORDER BY ... LIMIT 1) and the given
    consents, each read once and hash-joined. With ``lawful``'s correlated subqueries a 500,000-member
    group took 9.4 s, two index probes per contact (bench/audience_bench.py)."""
    today = clock.sql_today()
    bases = (
        select(legal_bases.c.contact_id, legal_bases.c.basis)
        .where(
            legal_bases.c.purpose == purpose_code,
            func.coalesce(legal_bases.c.starts_on <= today, True),
            func.coalesce(legal_bases.c.ends_on >= today, True),
        )
        .distinct(legal_bases.c.contact_id)
        .order_by(
            legal_bases.c.contact_id,
            legal_bases.c.starts_on.desc().nulls_last(),
            legal_bases.c.created_at.desc(),
        )
        .subquery("person_basis")
    )
    given = (
        select(consent_current.c.contact_id)
        .where(consent_current.c.purpose == purpose_code, consent_current.c.given)
        .subquery("given")
    )
    lawful_now = or_(
        func.coalesce(bases.c.basis, literal(default_basis)) != "consent", given.c.contact_id.is_not(None)
    )
    why = reason(purpose_code, default_basis, lawful_now).label("reason")
    joined = contacts.outerjoin(bases, bases.c.contact_id == contacts.c.id).outerjoin(
        given, given.c.contact_id == contacts.c.id
    )
    query = select(why, func.count()).select_from(joined).where(condition).group_by(why)
    return {row[0]: row[1] for row in session.execute(query)}


def tracking_consented(session, ids):
    """The ids among ``ids`` whose opens and clicks may be tracked (M4): processing for TRACKING_PURPOSE is
    lawful today for them (under its default basis, consent: a given consent)."""
    if not ids:
        return set()
    query = select(contacts.c.id).where(
        contacts.c.id == any_uuid(ids), lawful(TRACKING_PURPOSE, TRACKING_BASIS)
    )
    return set(session.execute(query).scalars())


def reasons_by_id(session, ids, purpose_code, default_basis):
    """{contact id: reason or None} of the given contacts."""
    if not ids:
        return {}
    query = select(contacts.c.id, reason(purpose_code, default_basis)).where(contacts.c.id == any_uuid(ids))
    return {row[0]: row[1] for row in session.execute(query)}
