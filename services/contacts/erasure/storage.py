"""All SQL of G3 and G4 in the contacts database: every row held about one contact (for the access
report), erasing those rows, and the ``erasures`` records (who asked, per-service progress).

What erasure removes: the ``contacts`` row and every table hanging off it by a cascading key (names,
statuses, couple memberships, memberships, custom values, affiliations, photo, consents, legal bases,
duplicate candidates, redirects of ids merged into it); and by hand the rows naming it without a key:
its couples (the couple's address name names it), duplicate dismissals, ``contact_link`` custom values
of other contacts pointing to it, automation runs about it, its import history (the undo records of
imports that created or changed it: their ``before`` holds the values an import overwrote; no key, so
that undo can tell a deleted contact), and its id in birthday reminders. The outbox is not scanned
(issue 11 item 6): a published row is deleted OUTBOX_KEEP_SECONDS after it was sent (piiri/outbox.py),
and an unpublished one must still be sent (the other services erase what it carries when the erasure
request, queued after it, arrives).

What it leaves: ``search_words`` holds bare words of every contact's name for typo search, with no link
to any contact; a word alone is not personal data, and the erased person is no longer found by it
(the search joins the contacts table). Saved searches keep their query text: it belongs to the user
who saved it and names no contact.
"""

from sqlalchemy import delete, func, insert, or_, select, update

from services.contacts.models import (
    affiliations,
    automation_runs,
    birthday_reminders,
    consents,
    contact_import_changes,
    contact_names,
    contact_redirects,
    contact_statuses,
    contacts,
    couple_members,
    couples,
    custom_fields,
    custom_values,
    duplicate_dismissals,
    erasures,
    legal_bases,
    memberships,
)

# Tables about the person, and the column naming it: what the access report lists and erasure counts.
PERSONAL_TABLES = {
    "names": (contact_names, "contact_id"),
    "statuses": (contact_statuses, "contact_id"),
    "memberships": (memberships, "contact_id"),
    "custom_values": (custom_values, "contact_id"),
    "consents": (consents, "contact_id"),
    "legal_bases": (legal_bases, "contact_id"),
    "affiliations": (affiliations, "person_id"),
    "automation_runs": (automation_runs, "contact_id"),
    "import_changes": (contact_import_changes, "contact_id"),
}


def _plain(row):
    return dict(row._mapping)


# --- the access report (G3) -------------------------------------------------------------------------


def raw_contact(session, contact_id):
    """Every stored column of the contact (search helpers left out), or None."""
    columns = [
        column for column in contacts.c if column.name not in ("search_text", "sort_name", "email_norm")
    ]
    row = session.execute(select(*columns).where(contacts.c.id == contact_id)).first()
    return _plain(row) if row else None


def held_rows(session, contact_id):
    """{part: [rows]} of every table about the contact (as stored, including history)."""
    held = {}
    for part, (table, column) in PERSONAL_TABLES.items():
        query = select(table).where(table.c[column] == contact_id)
        if part == "custom_values":
            query = (
                select(custom_fields.c.key, custom_fields.c.removed_at, custom_values.c.value)
                .join(custom_fields, custom_fields.c.id == custom_values.c.field_id)
                .where(custom_values.c.contact_id == contact_id)
            )
        elif part == "affiliations":
            query = select(affiliations).where(
                or_(affiliations.c.person_id == contact_id, affiliations.c.organisation_id == contact_id)
            )
        held[part] = [_plain(row) for row in session.execute(query)]
    held["couples"] = [
        _plain(row)
        for row in session.execute(
            select(couple_members.c.couple_id, couple_members.c.contact_id).where(
                couple_members.c.couple_id.in_(_couple_ids(contact_id))
            )
        )
    ]
    held["merged_ids"] = [
        _plain(row)
        for row in session.execute(
            select(
                contact_redirects.c.merged_id, contact_redirects.c.merged_at, contact_redirects.c.merged_by
            )
            .where(contact_redirects.c.survivor_id == contact_id)
            .order_by(contact_redirects.c.merged_at)
        )
    ]
    held["not_duplicates_of"] = [
        row.other
        for row in session.execute(
            select(
                func.coalesce(
                    func.nullif(duplicate_dismissals.c.contact_a, contact_id),
                    duplicate_dismissals.c.contact_b,
                ).label("other")
            ).where(
                or_(
                    duplicate_dismissals.c.contact_a == contact_id,
                    duplicate_dismissals.c.contact_b == contact_id,
                )
            )
        )
    ]
    return held


def _couple_ids(contact_id):
    return select(couple_members.c.couple_id).where(couple_members.c.contact_id == contact_id)


# --- erasure (G4) -----------------------------------------------------------------------------------


def counts(session, contact_id):
    """How many rows of each kind erasure removes (the confirmation page lists them)."""
    result = {}
    for part, (table, column) in PERSONAL_TABLES.items():
        query = select(func.count()).select_from(table).where(table.c[column] == contact_id)
        if part == "affiliations":
            query = (
                select(func.count())
                .select_from(table)
                .where(or_(table.c.person_id == contact_id, table.c.organisation_id == contact_id))
            )
        result[part] = session.execute(query).scalar_one()
    result["couples"] = session.execute(
        select(func.count()).select_from(couple_members).where(couple_members.c.contact_id == contact_id)
    ).scalar_one()
    result["merged_ids"] = session.execute(
        select(func.count())
        .select_from(contact_redirects)
        .where(contact_redirects.c.survivor_id == contact_id)
    ).scalar_one()
    result["links_from_others"] = session.execute(
        select(func.count()).select_from(custom_values).where(*_links_to(contact_id))
    ).scalar_one()
    return result


def _links_to(contact_id):
    link_fields = select(custom_fields.c.id).where(custom_fields.c.field_type == "contact_link")
    return (custom_values.c.field_id.in_(link_fields), custom_values.c.value_text == str(contact_id))


def erase(session, contact_id):
    """Delete the contact and every row naming it (see the module docstring); returns
    ({what: how many}, [(couple id, partner id)] of the couples that ended)."""
    summary = counts(session, contact_id)
    couple_rows = session.execute(
        select(couple_members.c.couple_id, couple_members.c.contact_id).where(
            couple_members.c.couple_id.in_(_couple_ids(contact_id)), couple_members.c.contact_id != contact_id
        )
    ).all()
    session.execute(delete(couples).where(couples.c.id.in_(_couple_ids(contact_id))))
    session.execute(delete(custom_values).where(*_links_to(contact_id)))
    session.execute(delete(automation_runs).where(automation_runs.c.contact_id == contact_id))
    session.execute(delete(contact_import_changes).where(contact_import_changes.c.contact_id == contact_id))
    session.execute(
        delete(duplicate_dismissals).where(
            or_(
                duplicate_dismissals.c.contact_a == contact_id, duplicate_dismissals.c.contact_b == contact_id
            )
        )
    )
    session.execute(
        update(birthday_reminders)
        .where(birthday_reminders.c.contact_ids.any(contact_id))
        .values(contact_ids=func.array_remove(birthday_reminders.c.contact_ids, contact_id))
    )
    summary["contact"] = session.execute(delete(contacts).where(contacts.c.id == contact_id)).rowcount
    return summary, [(row.couple_id, row.contact_id) for row in couple_rows]


# --- erasure records ----------------------------------------------------------------------------------


def erasure_of(session, contact_id, for_update=False):
    query = select(erasures).where(erasures.c.contact_id == contact_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return _plain(row) if row else None


def get_erasure(session, erasure_id, for_update=False):
    query = select(erasures).where(erasures.c.id == erasure_id)
    if for_update:
        query = query.with_for_update()
    row = session.execute(query).first()
    return _plain(row) if row else None


def insert_erasure(session, contact_id, requested_by, reason, services):
    row = session.execute(
        insert(erasures)
        .values(contact_id=contact_id, requested_by=requested_by, reason=reason, services=services)
        .returning(erasures)
    ).one()
    return _plain(row)


def save_services(session, erasure_id, services, completed):
    row = session.execute(
        update(erasures)
        .where(erasures.c.id == erasure_id)
        .values(services=services, completed_at=func.now() if completed else None)
        .returning(erasures)
    ).one()
    return _plain(row)


def erasure_page(session, limit, before=None, pending_only=False):
    """Newest first, keyset on (requested_at, id); returns (rows, more)."""
    query = select(erasures).order_by(erasures.c.requested_at.desc(), erasures.c.id.desc()).limit(limit + 1)
    if pending_only:
        query = query.where(erasures.c.completed_at.is_(None))
    if before is not None:
        query = query.where(func.row(erasures.c.requested_at, erasures.c.id) < func.row(*before))
    rows = [_plain(row) for row in session.execute(query)]
    return rows[:limit], len(rows) > limit


def pending_since(session, older_than, limit=100):
    """Unfinished erasures requested before ``older_than`` (the retry timer re-sends them)."""
    return [
        _plain(row)
        for row in session.execute(
            select(erasures)
            .where(erasures.c.completed_at.is_(None), erasures.c.requested_at < older_than)
            .order_by(erasures.c.requested_at)
            .limit(limit)
        )
    ]
