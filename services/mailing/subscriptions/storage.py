"""SQL of subscription forms (M3): a list's form and consent texts, pending and confirmed subscriptions,
the rate limits' attempts, the purge after expiry, and a person's rows (access report, erasure)."""

from sqlalchemy import and_, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.mailing.models import (
    mail_messages,
    mailing_lists,
    subscription_attempts,
    subscription_consent_texts,
    subscription_forms,
    subscriptions,
)

ATTEMPTS_KEPT_HOURS = 24


def _one(row):
    return dict(row._mapping) if row else None


def form_of(session, list_id, for_update=False):
    query = select(subscription_forms).where(subscription_forms.c.list_id == list_id)
    return _one(session.execute(query.with_for_update() if for_update else query).first())


def create_form(session, list_id, token, texts, actor_name):
    """The list's form, made the first time it is asked for (off, consent text version 1)."""
    session.execute(
        pg_insert(subscription_forms)
        .values(list_id=list_id, token=token, updated_by=actor_name)
        .on_conflict_do_nothing(index_elements=["list_id"])
    )
    session.execute(
        pg_insert(subscription_consent_texts)
        .values(list_id=list_id, version=1, texts=texts, created_by=actor_name)
        .on_conflict_do_nothing()
    )
    return form_of(session, list_id)


def form_by_token(session, token):
    """(form, its list) of a public token, or (None, None)."""
    row = session.execute(
        select(subscription_forms, mailing_lists.c.name, mailing_lists.c.purpose,
               mailing_lists.c.source_kind, mailing_lists.c.source_id, mailing_lists.c.archived_at)
        .join(mailing_lists, mailing_lists.c.id == subscription_forms.c.list_id)
        .where(subscription_forms.c.token == str(token))
    ).first()  # fmt: skip
    return _one(row)


def texts_of(session, list_id, version):
    row = session.execute(
        select(subscription_consent_texts.c.texts).where(
            subscription_consent_texts.c.list_id == list_id, subscription_consent_texts.c.version == version
        )
    ).first()
    return dict(row.texts) if row else {}


def versions_of(session, list_id):
    """Every version of the list's consent texts, newest first (a consent names the version it was given
    under: what the person saw stays readable)."""
    query = (
        select(subscription_consent_texts)
        .where(subscription_consent_texts.c.list_id == list_id)
        .order_by(subscription_consent_texts.c.version.desc())
    )
    return [dict(row._mapping) for row in session.execute(query)]


def update_form(session, list_id, values):
    query = (
        update(subscription_forms)
        .where(subscription_forms.c.list_id == list_id)
        .values(**values, updated_at=func.now())
        .returning(subscription_forms)
    )
    return _one(session.execute(query).first())


def add_texts(session, list_id, version, texts, actor_name):
    session.execute(
        insert(subscription_consent_texts).values(
            list_id=list_id, version=version, texts=texts, created_by=actor_name
        )
    )


def counts(session, list_id):
    """{pending (not expired), confirmed} of a list."""
    now = func.now()
    rows = session.execute(
        select(subscriptions.c.status, func.count())
        .where(
            subscriptions.c.list_id == list_id,
            (subscriptions.c.status == "confirmed") | (subscriptions.c.expires_at > now),
        )
        .group_by(subscriptions.c.status)
    ).all()
    found = {"pending": 0, "confirmed": 0}
    found.update({row[0]: row[1] for row in rows})
    return found


# --- rate limits ------------------------------------------------------------------------------------------


def attempts_since(session, kind, digest, since):
    return session.execute(
        select(func.count()).where(
            subscription_attempts.c.kind == kind,
            subscription_attempts.c.digest == digest,
            subscription_attempts.c.at > since,
        )
    ).scalar_one()


def record_attempts(session, keys):
    session.execute(
        insert(subscription_attempts), [{"kind": kind, "digest": digest} for kind, digest in keys]
    )


def latest_pending(session, list_id, email, for_update=False):
    """The newest pending subscription of the address to the list."""
    query = (
        select(subscriptions)
        .where(
            subscriptions.c.list_id == list_id,
            subscriptions.c.status == "pending",
            func.lower(subscriptions.c.email) == email.lower(),
        )
        .order_by(subscriptions.c.created_at.desc())
        .limit(1)
    )
    return _one(session.execute(query.with_for_update() if for_update else query).first())


# --- subscriptions ----------------------------------------------------------------------------------------


def insert_pending(session, values):
    return _one(session.execute(insert(subscriptions).values(**values).returning(subscriptions)).first())


def by_code_hash(session, digest, for_update=False):
    query = select(subscriptions).where(subscriptions.c.code_hash == digest)
    return _one(session.execute(query.with_for_update() if for_update else query).first())


def confirmed(session, subscription_id, contact_id):
    """Confirmed: the contact holds the address and names now, so the row keeps only who and when; the
    confirmation mail is the contact's from now on (their message log, their erasure)."""
    session.execute(
        update(mail_messages)
        .where(
            mail_messages.c.reference_kind == "subscription",
            mail_messages.c.reference_id == str(subscription_id),
        )
        .values(contact_id=contact_id)
    )
    return _one(
        session.execute(
            update(subscriptions)
            .where(subscriptions.c.id == subscription_id)
            .values(
                status="confirmed", contact_id=contact_id, confirmed_at=func.now(),
                email=None, first_name=None, last_name=None,
            )
            .returning(subscriptions)
        ).first()
    )  # fmt: skip


def _empty_mails(session, subscription_ids):
    """Empty the confirmation mails of these subscriptions; one not yet sent is not sent."""
    if not subscription_ids:
        return 0
    keys = [str(key) for key in subscription_ids]
    condition = and_(mail_messages.c.reference_kind == "subscription", mail_messages.c.reference_id.in_(keys))
    session.execute(
        update(mail_messages)
        .where(condition, mail_messages.c.status.in_(("queued", "sending")))
        .values(status="failed", code="mailing.mail_recipient_erased", failed_at=func.now(), lease_until=None)
    )
    return session.execute(
        update(mail_messages)
        .where(condition)
        .values(recipient=None, subject=None, body=None, detail=None, erased_at=func.now())
    ).rowcount


def delete_pending(session, subscription_ids):
    """Delete pending subscriptions (replaced, expired or erased) and empty their mails."""
    if not subscription_ids:
        return 0
    _empty_mails(session, subscription_ids)
    return session.execute(
        delete(subscriptions).where(
            subscriptions.c.id.in_(subscription_ids), subscriptions.c.status == "pending"
        )
    ).rowcount


def purge(session, limit=1000):
    """Delete the pending subscriptions past expiry and the attempts older than a day: (subs, attempts)."""
    expired = [
        row.id
        for row in session.execute(
            select(subscriptions.c.id)
            .where(subscriptions.c.status == "pending", subscriptions.c.expires_at <= func.now())
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ]
    gone = delete_pending(session, expired)
    old = session.execute(
        delete(subscription_attempts).where(
            subscription_attempts.c.at < func.now() - func.make_interval(0, 0, 0, 0, ATTEMPTS_KEPT_HOURS)
        )
    ).rowcount
    return gone, old


# --- a person's rows (G3, G4) -----------------------------------------------------------------------------


def pending_all(session):
    """Every pending subscription with its address (few: they expire): the access report and the erasure
    compare their addresses with the person's digests."""
    query = select(subscriptions).where(subscriptions.c.status == "pending")
    return [dict(row._mapping) for row in session.execute(query)]


def of_person(session, contact_id, pending_ids):
    """The person's subscriptions: confirmed ones by contact id, pending ones by id, with the list name."""
    condition = subscriptions.c.contact_id == contact_id
    if pending_ids:
        condition = condition | subscriptions.c.id.in_(pending_ids)
    query = (
        select(
            subscriptions.c.id, subscriptions.c.list_id, mailing_lists.c.name.label("list_name"),
            subscriptions.c.status, subscriptions.c.email, subscriptions.c.first_name,
            subscriptions.c.last_name, subscriptions.c.language, subscriptions.c.consent_version,
            subscriptions.c.created_at, subscriptions.c.expires_at, subscriptions.c.confirmed_at,
        )
        .join(mailing_lists, mailing_lists.c.id == subscriptions.c.list_id)
        .where(condition)
        .order_by(subscriptions.c.created_at)
    )  # fmt: skip
    return [dict(row._mapping) for row in session.execute(query)]


def erase(session, contact_id, pending_ids):
    """Delete the person's subscriptions (confirmed by contact id, pending by id) and empty the mails."""
    gone = delete_pending(session, list(pending_ids))
    confirmed_rows = session.execute(
        delete(subscriptions).where(subscriptions.c.contact_id == contact_id)
    ).rowcount
    return {"subscriptions_pending": gone, "subscriptions_confirmed": confirmed_rows}


def set_mail(session, subscription_id, mail_id):
    session.execute(
        update(subscriptions).where(subscriptions.c.id == subscription_id).values(mail_id=mail_id)
    )
