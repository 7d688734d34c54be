"""SQL of sync runs (M1): queueing and claiming runs, the members pushed to Campaign Monitor, the rows
refused, the counts."""

import json

from sqlalchemy import and_, cast, delete, func, insert, literal, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.dialects.postgresql import insert as pg_insert

from piiri.db import any_uuid
from services.mailing.contract import CM_IMPORT_MAX
from services.mailing.models import list_members, sync_failures, sync_runs


def _one(row):
    return dict(row._mapping) if row else None


def insert_run(session, values):
    return _one(session.execute(insert(sync_runs).values(**values).returning(*sync_runs.c)).one())


def get_run(session, run_id, for_update=False):
    query = select(sync_runs).where(sync_runs.c.id == run_id)
    if for_update:
        query = query.with_for_update()
    return _one(session.execute(query).first())


def runs_of(session, list_id, limit=20):
    query = (
        select(sync_runs)
        .where(sync_runs.c.list_id == list_id)
        .order_by(sync_runs.c.created_at.desc())
        .limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def unfinished_run(session, list_id, kind):
    query = select(sync_runs).where(
        sync_runs.c.list_id == list_id,
        sync_runs.c.kind == kind,
        sync_runs.c.status.in_(("queued", "running")),
    )
    return _one(session.execute(query.limit(1)).first())


def add_to_queued_incremental(session, list_id, contact_ids):
    """Add ids to the list's queued incremental run that has room (one UPDATE); its id, or None."""
    adding = [str(value) for value in contact_ids]
    query = (
        update(sync_runs)
        .where(
            sync_runs.c.id
            == select(sync_runs.c.id)
            .where(
                sync_runs.c.list_id == list_id,
                sync_runs.c.kind == "incremental",
                sync_runs.c.status == "queued",
                func.jsonb_array_length(sync_runs.c.contact_ids) + len(adding) <= CM_IMPORT_MAX,
            )
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        .values(contact_ids=sync_runs.c.contact_ids.op("||")(cast(literal(json.dumps(adding)), JSONB)))
        .returning(sync_runs.c.id)
    )
    return session.execute(query).scalar_one_or_none()


def claim(session, run_id, stale_seconds):
    """Take a queued run, or a running one whose worker stopped beating; None if another has it."""
    query = (
        update(sync_runs)
        .where(
            sync_runs.c.id == run_id,
            or_(
                sync_runs.c.status == "queued",
                and_(
                    sync_runs.c.status == "running",
                    sync_runs.c.heartbeat_at
                    < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, stale_seconds),
                ),
            ),
        )
        .values(
            status="running",
            heartbeat_at=func.now(),
            started_at=func.coalesce(sync_runs.c.started_at, func.now()),
            attempts=sync_runs.c.attempts + 1,
        )
        .returning(*sync_runs.c)
    )
    return _one(session.execute(query).first())


def heartbeat(session, run_id, counts):
    session.execute(
        update(sync_runs).where(sync_runs.c.id == run_id).values(heartbeat_at=func.now(), counts=counts)
    )


def finish(session, run_id, counts):
    session.execute(
        update(sync_runs)
        .where(sync_runs.c.id == run_id)
        .values(
            status="done",
            counts=counts,
            finished_at=func.now(),
            contact_ids=[],
            error=None,
            error_details=None,
        )
    )


def fail(session, run_id, code, details, counts=None):
    values = {"status": "failed", "error": code, "error_details": details, "finished_at": func.now()}
    if counts is not None:
        values["counts"] = counts
    session.execute(update(sync_runs).where(sync_runs.c.id == run_id).values(**values))


def requeue(session, run_id):
    session.execute(
        update(sync_runs)
        .where(sync_runs.c.id == run_id)
        .values(status="queued", finished_at=None, heartbeat_at=None)
    )


def stale_runs(session, stale_seconds):
    query = select(sync_runs.c.id).where(
        sync_runs.c.status == "running",
        sync_runs.c.heartbeat_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, stale_seconds),
    )
    return [row.id for row in session.execute(query)]


def retryable_failed_runs(session, code, max_attempts, wait_seconds):
    """Runs that failed because Campaign Monitor was down, not tried too often, failed long enough ago."""
    query = select(sync_runs.c.id).where(
        sync_runs.c.status == "failed",
        sync_runs.c.error == code,
        sync_runs.c.attempts < max_attempts,
        sync_runs.c.finished_at < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, wait_seconds),
    )
    return [row.id for row in session.execute(query)]


# --- members ----------------------------------------------------------------------------------------


def members_of(session, list_id, contact_ids):
    """{contact id: member row} of the given contacts on the list."""
    if not contact_ids:
        return {}
    query = select(list_members).where(
        list_members.c.list_id == list_id,
        list_members.c.contact_id == any_uuid(contact_ids),
    )
    return {row.contact_id: dict(row._mapping) for row in session.execute(query)}


def moved_members(session, list_id, addresses):
    """The list's active members among ``addresses`` ({contact id: e-mail}) whose recorded address is
    another one (their old address is to leave Campaign Monitor): [member row]. Read before the upsert."""
    if not addresses:
        return []
    rows = session.execute(
        text(
            "SELECT member.* FROM list_members AS member"
            " JOIN unnest(CAST(:contact_ids AS uuid[]), CAST(:emails AS text[])) AS new (contact_id, email)"
            " ON new.contact_id = member.contact_id"
            " WHERE member.list_id = :list_id AND member.state = 'active'"
            " AND lower(member.email) <> lower(new.email)"
        ),
        {
            "list_id": list_id,
            "contact_ids": [str(key) for key in addresses],
            "emails": list(addresses.values()),
        },
    )
    return [dict(row._mapping) for row in rows]


def upsert_members(session, list_id, pushed):
    """Record the contacts just pushed ({contact id: e-mail}) as active, pushed now."""
    if not pushed:
        return
    # two arrays unnested (one bound parameter each), not a VALUES row per member: SQLAlchemy compiled
    # 3,000 bound parameters per import call (bench/mailing_sync_bench.py)
    session.execute(
        text(
            "INSERT INTO list_members (list_id, contact_id, email, state)"
            " SELECT :list_id, member.contact_id, member.email, 'active'"
            " FROM unnest(CAST(:contact_ids AS uuid[]), CAST(:emails AS text[]))"
            " AS member (contact_id, email)"
            " ON CONFLICT (list_id, contact_id)"
            " DO UPDATE SET email = excluded.email, state = 'active', pushed_at = now()"
        ),
        {"list_id": list_id, "contact_ids": list(pushed), "emails": list(pushed.values())},
    )


def set_member_state(session, list_id, contact_ids, state):
    if contact_ids:
        session.execute(
            update(list_members)
            .where(list_members.c.list_id == list_id, list_members.c.contact_id == any_uuid(contact_ids))
            .values(state=state, pushed_at=func.now())
        )


def members_not_pushed_since(session, list_id, since, limit=1000):
    """Active members not pushed by the run that started at ``since``: no longer in the audience."""
    query = (
        select(list_members)
        .where(
            list_members.c.list_id == list_id,
            list_members.c.state == "active",
            list_members.c.pushed_at < since,
        )
        .limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def contacts_by_email(session, list_id, emails):
    """{lower-case e-mail: contact id} of the list's members with those addresses."""
    if not emails:
        return {}
    query = select(list_members.c.contact_id, list_members.c.email).where(
        list_members.c.list_id == list_id,
        func.lower(list_members.c.email).in_([email.lower() for email in emails]),
    )
    return {row.email.lower(): row.contact_id for row in session.execute(query)}


def member_counts(session, list_id):
    query = (
        select(list_members.c.state, func.count())
        .where(list_members.c.list_id == list_id)
        .group_by(list_members.c.state)
    )
    return {row[0]: row[1] for row in session.execute(query)}


# --- failures ---------------------------------------------------------------------------------------


def record_failures(session, run_id, failures):
    """Store the refused rows [{contact_id, code, details}] of a run (a row refused twice keeps the last)."""
    if not failures:
        return
    statement = pg_insert(sync_failures).values([{"run_id": run_id, **failure} for failure in failures])
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["run_id", "contact_id"],
            set_={"code": statement.excluded.code, "details": statement.excluded.details},
        )
    )


def failures_of(session, run_id, limit=200):
    query = (
        select(sync_failures)
        .where(sync_failures.c.run_id == run_id)
        .order_by(sync_failures.c.contact_id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def delete_failures_of(session, contact_id):
    return session.execute(delete(sync_failures).where(sync_failures.c.contact_id == contact_id)).rowcount
