"""The dashboard's queries, each one statement that PostgreSQL answers from an index (see
bench/dashboard_bench.py for the figures at 1,000,000 contacts):

- contacts now and created since two days: one index-only scan of ``contacts_sort_created``;
- members (contacts with an active membership in some group) on three days: one pass over the index
  ``memberships_dashboard`` (contact_id, starts_on, ends_on), grouped by contact in index order;
- joined and left this month: index ranges of ``memberships_starts`` / ``memberships_ends`` (0022);
- duplicates waiting: the primary key of ``duplicate_candidates``; erasures pending: ``erasures_pending``.

A scoped actor's figures (C6) count only the contacts of their scope: ``scope`` is then the select of
those contact ids (scopes.scope_members), which every count is joined with.

Each is still a pass over an index of every contact or membership (~1.5 s for all of them at 1,000,000
contacts on 2 busy cores), so the figures are kept per scope in ``dashboard_figures`` and answered from
there while fresh (dashboard/rpc.py).
"""

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.contacts.models import contacts, dashboard_figures, duplicate_candidates, erasures, memberships


def _active(on):
    return and_(
        memberships.c.starts_on <= on, or_(memberships.c.ends_on.is_(None), memberships.c.ends_on > on)
    )


def _in_scope(column, scope):
    return [] if scope is None else [column.in_(scope)]


def contact_counts(session, since_short, since_long, scope=None):
    """(all contacts, created at or after ``since_short``, at or after ``since_long``): instants."""
    created = contacts.c.created_at
    row = session.execute(
        select(
            func.count(),
            func.count().filter(created >= since_short),
            func.count().filter(created >= since_long),
        )
        .select_from(contacts)
        .where(*_in_scope(contacts.c.id, scope))
    ).one()
    return {"total": row[0], "new_short": row[1], "new_long": row[2]}


def member_counts(session, today, short_ago, long_ago, scope=None):
    """Distinct contacts with an active membership on ``today``, ``short_ago`` and ``long_ago``."""
    per_contact = (
        select(
            func.bool_or(_active(today)).label("now"),
            func.bool_or(_active(short_ago)).label("short"),
            func.bool_or(_active(long_ago)).label("long"),
        )
        .where(memberships.c.starts_on <= today, *_in_scope(memberships.c.contact_id, scope))
        .group_by(memberships.c.contact_id)
        .subquery("per_contact")
    )
    row = session.execute(
        select(
            func.count().filter(per_contact.c.now),
            func.count().filter(per_contact.c.short),
            func.count().filter(per_contact.c.long),
        )
    ).one()
    return {"now": row[0], "then_short": row[1], "then_long": row[2]}


def joined_and_left(session, first_day, today, scope=None):
    """(distinct contacts with a membership that started from ``first_day`` to ``today``, distinct
    contacts with one that ended in those days)."""
    joined = session.execute(
        select(func.count(func.distinct(memberships.c.contact_id))).where(
            memberships.c.starts_on >= first_day,
            memberships.c.starts_on <= today,
            *_in_scope(memberships.c.contact_id, scope),
        )
    ).scalar_one()
    left = session.execute(
        select(func.count(func.distinct(memberships.c.contact_id))).where(
            memberships.c.ends_on >= first_day,
            memberships.c.ends_on <= today,
            *_in_scope(memberships.c.contact_id, scope),
        )
    ).scalar_one()
    return joined, left


def duplicates_waiting(session, scope=None):
    """Stored duplicate pairs (dismissed ones are gone from the table); scoped: both contacts in scope."""
    query = select(func.count()).select_from(duplicate_candidates)
    if scope is not None:
        query = query.where(
            duplicate_candidates.c.contact_a.in_(scope), duplicate_candidates.c.contact_b.in_(scope)
        )
    return session.execute(query).scalar_one()


def erasures_pending(session):
    """Erasure requests some service has not finished yet (partial index erasures_pending)."""
    return session.execute(
        select(func.count()).select_from(erasures).where(erasures.c.completed_at.is_(None))
    ).scalar_one()


# --- the figures as last counted (dashboard_figures) ------------------------------------------------


def cached(session, scope_key):
    """The row of ``scope_key`` (day, figures, computed_at, asked_at), or None."""
    row = session.execute(select(dashboard_figures).where(dashboard_figures.c.scope_key == scope_key)).first()
    return dict(row._mapping) if row else None


def store(session, scope_key, day, figures, compute_ms):
    """Keep the figures just counted (computed_at: the transaction's start, before the counting); the time
    they were asked stays. Returns computed_at."""
    values = {"day": day, "figures": figures, "computed_at": func.now(), "compute_ms": compute_ms}
    return session.execute(
        pg_insert(dashboard_figures)
        .values(scope_key=scope_key, **values)
        .on_conflict_do_update(index_elements=["scope_key"], set_=values)
        .returning(dashboard_figures.c.computed_at)
    ).scalar_one()


def mark_asked(session, scope_key):
    session.execute(
        update(dashboard_figures)
        .where(dashboard_figures.c.scope_key == scope_key)
        .values(asked_at=func.now())
    )


def try_lock(session, scope_key):
    """A transaction-level advisory lock of the key: one instance counts a scope's figures at a time."""
    return session.execute(
        select(func.pg_try_advisory_xact_lock(func.hashtext("dashboard:" + scope_key)))
    ).scalar()


def stale_keys(session, older_than_seconds, asked_within_seconds):
    """Keys counted more than ``older_than_seconds`` ago that someone asked for lately."""
    now = func.now()
    return (
        session.execute(
            select(dashboard_figures.c.scope_key).where(
                dashboard_figures.c.computed_at
                < now - func.make_interval(0, 0, 0, 0, 0, 0, older_than_seconds),
                dashboard_figures.c.asked_at
                > now - func.make_interval(0, 0, 0, 0, 0, 0, asked_within_seconds),
            )
        )
        .scalars()
        .all()
    )


def forget_unasked(session, asked_within_seconds):
    """Drop the figures of scopes nobody asked for lately (a user whose scope changed, say)."""
    session.execute(
        delete(dashboard_figures).where(
            dashboard_figures.c.asked_at
            < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, asked_within_seconds)
        )
    )
