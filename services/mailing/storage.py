"""SQL of one person's rows across the mailing tables (G3, G4): what is held about them, and erasing it."""

import json

from sqlalchemy import Text, cast, delete, select, update
from sqlalchemy.dialects.postgresql import JSONB

from piiri import outbox as outbox_rows
from services.mailing.campaigns import storage as campaign_storage
from services.mailing.models import (
    contact_flags,
    list_members,
    mail_messages,
    mailing_lists,
    outbox,
    sync_failures,
    sync_runs,
)
from services.mailing.transactional import storage as mails


def _dicts(rows):
    return [dict(row._mapping) for row in rows]


def held(session, contact_id):
    lists = (
        select(
            list_members.c.list_id,
            mailing_lists.c.name,
            list_members.c.email,
            list_members.c.state,
            list_members.c.pushed_at,
        )
        .join(mailing_lists, mailing_lists.c.id == list_members.c.list_id)
        .where(list_members.c.contact_id == contact_id)
    )
    flags = select(
        contact_flags.c.kind,
        contact_flags.c.email,
        contact_flags.c.list_id,
        contact_flags.c.source,
        contact_flags.c.occurred_at,
    ).where(contact_flags.c.contact_id == contact_id)
    failures = select(sync_failures.c.run_id, sync_failures.c.code, sync_failures.c.details).where(
        sync_failures.c.contact_id == contact_id
    )
    sent = select(
        mail_messages.c.id,
        mail_messages.c.recipient,
        mail_messages.c.subject,
        mail_messages.c.status,
        mail_messages.c.reference_kind,
        mail_messages.c.reference_id,
        mail_messages.c.queued_at,
        mail_messages.c.sent_at,
        mail_messages.c.bounced_at,
        mail_messages.c.failed_at,
    ).where(mail_messages.c.contact_id == contact_id)
    return {
        "mailing_lists": [plain(row) for row in _dicts(session.execute(lists))],
        "mailing_campaigns": [
            plain(row) for row in campaign_storage.campaigns_of_contact(session, contact_id)
        ],
        "mailing_mails": [
            plain(row) for row in _dicts(session.execute(sent.order_by(mail_messages.c.queued_at)))
        ],
        "mailing_flags": [plain(row) for row in _dicts(session.execute(flags))],
        "mailing_sync_failures": [plain(row) for row in _dicts(session.execute(failures))],
    }


def plain(row):
    return {
        key: (
            value.isoformat()
            if hasattr(value, "isoformat")
            else str(value)
            if key.endswith("_id") and value
            else value
        )
        for key, value in row.items()
    }


def memberships_at_cm(session, contact_id):
    """The person's addresses at Campaign Monitor: [{list_id, cm_list_id, email}] (all but removed)."""
    query = (
        select(list_members.c.list_id, mailing_lists.c.cm_list_id, list_members.c.email)
        .join(mailing_lists, mailing_lists.c.id == list_members.c.list_id)
        .where(
            list_members.c.contact_id == contact_id,
            list_members.c.state != "removed",
            mailing_lists.c.cm_list_id.is_not(None),
        )
    )
    return _dicts(session.execute(query))


def erase(session, contact_id):
    """Remove every row naming the person; the lists they were on count them as erased."""
    on_lists = [
        row.list_id
        for row in session.execute(
            select(list_members.c.list_id).where(list_members.c.contact_id == contact_id)
        )
    ]
    if on_lists:
        session.execute(
            update(mailing_lists)
            .where(mailing_lists.c.id.in_(on_lists))
            .values(erased_count=mailing_lists.c.erased_count + 1)
        )
    members = session.execute(delete(list_members).where(list_members.c.contact_id == contact_id)).rowcount
    flags = session.execute(delete(contact_flags).where(contact_flags.c.contact_id == contact_id)).rowcount
    failures = session.execute(delete(sync_failures).where(sync_failures.c.contact_id == contact_id)).rowcount
    named = cast(json.dumps([str(contact_id)]), JSONB)
    runs = session.execute(
        update(sync_runs)
        .where(sync_runs.c.contact_ids.op("@>")(named))
        .values(contact_ids=sync_runs.c.contact_ids.op("-")(cast(str(contact_id), Text)))
    ).rowcount
    emptied, pending = mails.erase(session, contact_id)
    ledger = campaign_storage.erase_recipient(session, contact_id)
    return {
        "campaigns_emptied": ledger,
        "mails_emptied": emptied,
        "mails_not_sent": [str(key) for key in pending],
        "lists": members,
        "flags": flags,
        "sync_failures": failures,
        "queued_runs": runs,
        "erased_lists": len(on_lists),
        "outbox_rows_deleted": forget_published(session, contact_id),
    }


def _outbox_rows_naming(session, contact_id, published):
    sent = outbox.c.published_at.is_not(None) if published else outbox.c.published_at.is_(None)
    rows = session.execute(select(outbox.c.seq, outbox.c.payload).where(sent))
    return [row.seq for row in rows if str(contact_id) in json.dumps(row.payload)]


def unpublished_naming(session, contact_id):
    """How many outbox rows naming the person still wait to be sent (the erasure waits for them)."""
    return len(_outbox_rows_naming(session, contact_id, published=False))


def forget_published(session, contact_id):
    """Delete the published outbox rows naming the person (audit records of syncs, flags and the erasure
    at Campaign Monitor): the erasure does not wait for their purge."""
    return outbox_rows.forget_published(session, outbox, [contact_id])
