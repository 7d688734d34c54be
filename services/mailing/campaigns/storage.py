"""SQL of campaigns and their recipient ledger (M1, M4)."""

import json
import uuid

from sqlalchemy import and_, func, insert, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import UUID

from services.mailing.models import campaign_recipients, campaigns, list_members, mailing_lists


def _one(row):
    return dict(row._mapping) if row else None


def insert_campaign(session, values):
    return _one(session.execute(insert(campaigns).values(**values).returning(*campaigns.c)).one())


def get_campaign(session, campaign_id, for_update=False, skip_locked=False):
    query = select(campaigns).where(campaigns.c.id == campaign_id)
    if for_update:
        query = query.with_for_update(skip_locked=skip_locked)
    return _one(session.execute(query).first())


def name_taken(session, name):
    return (
        session.execute(select(campaigns.c.id).where(func.lower(campaigns.c.name) == name.lower())).first()
        is not None
    )


def all_campaigns(session, limit=200):
    query = select(campaigns).order_by(campaigns.c.created_at.desc(), campaigns.c.id).limit(limit)
    return [dict(row._mapping) for row in session.execute(query)]


def update_campaign(session, campaign_id, values):
    query = (
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(**values, updated_at=func.now())
        .returning(*campaigns.c)
    )
    return _one(session.execute(query).one())


def lists_of(session, list_ids):
    """{list id: list row} of the given ids."""
    keys = [uuid.UUID(str(value)) for value in list_ids]
    if not keys:
        return {}
    rows = session.execute(select(mailing_lists).where(mailing_lists.c.id.in_(keys)))
    return {row.id: dict(row._mapping) for row in rows}


def due(session, retry_seconds, limit=20):
    """Campaigns a worker should move on: syncing or dispatching (not right after a Campaign Monitor
    failure), and scheduled ones whose time has come."""
    waited = campaigns.c.updated_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, retry_seconds)
    query = (
        select(campaigns.c.id)
        .where(
            or_(
                and_(
                    campaigns.c.status.in_(("syncing", "dispatching")),
                    or_(campaigns.c.error.is_(None), waited),
                ),
                and_(campaigns.c.status == "scheduled", campaigns.c.send_at <= func.now()),
            )
        )
        .order_by(campaigns.c.updated_at)
        .limit(limit)
    )
    return [row.id for row in session.execute(query)]


def reports_due(session, every_seconds, days, limit=10):
    """Sent campaigns of the last ``days`` whose report is older than ``every_seconds`` (or missing)."""
    stale = campaigns.c.report_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, every_seconds)
    query = (
        select(campaigns.c.id)
        .where(
            campaigns.c.status == "sent",
            campaigns.c.sent_at > func.now() - func.make_interval(0, 0, 0, days),
            or_(campaigns.c.report_at.is_(None), stale),
        )
        .order_by(campaigns.c.report_at.asc().nulls_first())
        .limit(limit)
    )
    return [row.id for row in session.execute(query)]


# --- the ledger ---------------------------------------------------------------------------------------


def freeze_recipients(session, campaign_id, list_ids):
    """Record who the campaign goes to: the active members of its lists as synced, each address once
    (its first list), as Campaign Monitor sends it. Returns the count; a second call records nothing."""
    done = _recipient_count(session, campaign_id)
    if done:
        return done
    keys = [uuid.UUID(str(value)) for value in list_ids]
    members = (
        select(
            literal(campaign_id, UUID(as_uuid=True)).label("campaign_id"),
            list_members.c.contact_id,
            list_members.c.email,
            list_members.c.list_id,
        )
        .where(list_members.c.list_id.in_(keys), list_members.c.state == "active")
        .distinct(func.lower(list_members.c.email))
        .order_by(func.lower(list_members.c.email), list_members.c.list_id)
    )
    session.execute(
        insert(campaign_recipients).from_select(["campaign_id", "contact_id", "email", "list_id"], members)
    )
    return _recipient_count(session, campaign_id)


def _recipient_count(session, campaign_id):
    query = (
        select(func.count())
        .select_from(campaign_recipients)
        .where(campaign_recipients.c.campaign_id == campaign_id)
    )
    return session.execute(query).scalar_one()


def recipients_of(session, campaign_id, limit, offset=0):
    query = (
        select(campaign_recipients)
        .where(campaign_recipients.c.campaign_id == campaign_id)
        .order_by(campaign_recipients.c.email, campaign_recipients.c.id)
        .limit(limit)
        .offset(offset)
    )
    return [dict(row._mapping) for row in session.execute(query)]


TRACKED = (
    campaign_recipients.c.opens,
    campaign_recipients.c.clicks,
    campaign_recipients.c.links,
    campaign_recipients.c.last_opened_at,
    campaign_recipients.c.last_clicked_at,
)


def campaigns_of_contact(session, contact_id):
    """The campaigns sent to the contact (the ledger), newest first: {campaign_id, name, subject, email,
    list_id, sent_at, opens, clicks, links, last_opened_at, last_clicked_at} (their mailing timeline, and
    their part of the access report)."""
    query = (
        select(
            campaign_recipients.c.campaign_id,
            campaigns.c.name,
            campaigns.c.template["subject"].astext.label("subject"),
            campaign_recipients.c.email,
            campaign_recipients.c.list_id,
            campaign_recipients.c.recorded_at.label("sent_at"),
            *TRACKED,
        )
        .join(campaigns, campaigns.c.id == campaign_recipients.c.campaign_id)
        .where(campaign_recipients.c.contact_id == contact_id)
        .order_by(campaign_recipients.c.recorded_at.desc())
    )
    return [dict(row._mapping) for row in session.execute(query)]


def erase_recipient(session, contact_id):
    """Empty the person's ledger rows (the campaign's count stays true)."""
    return session.execute(
        update(campaign_recipients)
        .where(campaign_recipients.c.contact_id == contact_id)
        .values(
            contact_id=None,
            email=None,
            list_id=None,
            erased_at=func.now(),
            **{column.name: None for column in TRACKED},
        )
    ).rowcount


def note_tracking(session, campaign_id, activity):
    """M4: each recipient's opens and clicks as Campaign Monitor reports them now (``activity``: {e-mail:
    {opens, clicks, links, last_opened_at, last_clicked_at}}), on the campaign's ledger in one UPDATE (the
    totals, so a report pulled again writes the same); erased rows are left empty. The rows noted."""
    if not activity:
        return 0
    emails = list(activity)
    statement = text(
        "UPDATE campaign_recipients AS ledger SET opens = noted.opens, clicks = noted.clicks,"
        " links = CAST(noted.links AS jsonb), last_opened_at = noted.opened, last_clicked_at = noted.clicked"
        " FROM unnest(CAST(:emails AS text[]), CAST(:opens AS int[]), CAST(:clicks AS int[]),"
        " CAST(:links AS text[]), CAST(:opened AS timestamptz[]), CAST(:clicked AS timestamptz[]))"
        " AS noted (email, opens, clicks, links, opened, clicked)"
        " WHERE ledger.campaign_id = :campaign_id AND lower(ledger.email) = noted.email"
        " AND ledger.contact_id IS NOT NULL"
    )
    return session.execute(
        statement,
        {
            "campaign_id": campaign_id,
            "emails": emails,
            "opens": [activity[key]["opens"] for key in emails],
            "clicks": [activity[key]["clicks"] for key in emails],
            "links": [json.dumps(activity[key]["links"]) for key in emails],
            "opened": [activity[key]["last_opened_at"] for key in emails],
            "clicked": [activity[key]["last_clicked_at"] for key in emails],
        },
    ).rowcount
