"""All SQL of G3 and G4 in the contacts database: every row held about one contact (for the access
report), erasing those rows, and the ``erasures`` records (who asked, per-service progress).

What erasure removes: the ``contacts`` row and every table hanging off it by a cascading key (names,
statuses, couple memberships, memberships, custom values, affiliations, photo, consents, legal bases,
paid membership periods and the free or honorary flag,
duplicate candidates, redirects of ids merged into it); and by hand the rows naming it without a key:
its couples (the couple's address name names it), duplicate dismissals, ``contact_link`` custom values
of other contacts pointing to it, automation runs about it, its import history (the undo records of
imports that created or changed it: their ``before`` holds the values an import overwrote; no key, so
that undo can tell a deleted contact), and its id in birthday reminders. The outbox is not touched
in the request's transaction (issue 11 item 6): an unpublished row must still be sent (the other
services erase what it carries when the erasure request, queued after it, arrives). When the erasure
completes, every row written before the request has been published: ``forget_published`` deletes those
naming the person or holding their values then, instead of OUTBOX_KEEP_SECONDS later (issue 19).

The search vocabulary (``search_words``) forgets the person's words that no other contact has, and
the bounds that were the person's sort name (the trigger of migration 0018 does it as the row goes).
Those forgotten words are then taken out of saved searches (their names, query texts, filter values
and expressions): each is replaced by ``[erased]``, a term no contact matches, so a search that found
the person (and maybe others) goes on finding the others (issue 19). The ids of the imports that
touched the person are kept on the erasure record: the imports service is asked to erase their rows.
"""

import re

from sqlalchemy import Text, cast, delete, func, insert, or_, select, text, update

from piiri import outbox as outbox_rows
from piiri.collation import unaccented_lower
from services.contacts.models import (
    affiliations,
    automation_runs,
    birthday_reminders,
    consents,
    contact_changes,
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
    membership_flags,
    membership_payments,
    memberships,
    outbox,
    saved_searches,
    search_words,
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
    "membership_payments": (membership_payments, "contact_id"),
    "membership_flags": (membership_flags, "contact_id"),
    "field_changes": (contact_changes, "contact_id"),
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
    ({what: how many}, [(couple id, partner id)] of the couples that ended, [ids of the saved searches
    whose text lost the person's words: their audit records name the person too])."""
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
    summary["import_results"] = scrub_import_results(session, contact_id)
    words = _words_of(session, contact_id)
    summary["contact"] = session.execute(delete(contacts).where(contacts.c.id == contact_id)).rowcount
    forgotten = words - set(
        session.execute(select(search_words.c.word).where(search_words.c.word.in_(words))).scalars()
    )
    related = redact_saved_searches(session, forgotten)
    summary["saved_searches"] = len(related)
    return summary, [(row.couple_id, row.contact_id) for row in couple_rows], related, forgotten


def identifying_values(session, contact_id):
    """(e-mails, phones, whole names) of the contact: what finds them where no id names them (an upload
    not committed, a refused row, a file name; piiri/erasure_keys.py). Names: each first, preferred or
    alternative first name with the last or an alternative last name; an organisation's name."""
    row = session.execute(
        select(
            contacts.c.first_name,
            contacts.c.preferred_name,
            contacts.c.last_name,
            contacts.c.organisation_name,
            contacts.c.email,
            contacts.c.phone,
            contacts.c.emails,
            contacts.c.phones,
        ).where(contacts.c.id == contact_id)
    ).first()
    if row is None:
        return [], [], []
    alternatives = session.execute(
        select(contact_names.c.first_name, contact_names.c.last_name).where(
            contact_names.c.contact_id == contact_id
        )
    ).all()
    emails = {row.email, *(item.get("address") for item in row.emails or ())}
    phones = {row.phone, *(item.get("number") for item in row.phones or ())}
    firsts = {row.first_name, row.preferred_name, *(alt.first_name for alt in alternatives)} - {None, ""}
    lasts = {row.last_name, *(alt.last_name for alt in alternatives)} - {None, ""}
    names = {f"{first} {last}" for first in firsts for last in lasts}
    if row.organisation_name:
        names.add(row.organisation_name)
    return sorted(emails - {None, ""}), sorted(phones - {None, ""}), sorted(names)


def set_match_keys(session, erasure_id, keys):
    """Remember the digests of the person's values (every re-sent request carries them)."""
    row = session.execute(
        update(erasures).where(erasures.c.id == erasure_id).values(match_keys=keys).returning(erasures)
    ).one()
    return _plain(row)


HEAL_SEARCH_WORDS = text(
    """
    INSERT INTO search_words AS s (word, first_sort_name)
    SELECT w, min(c.sort_name) FROM contacts AS c, piiri_search_words(c.search_text) AS w
    WHERE c.updated_at >= now() - make_interval(mins => :minutes)
    GROUP BY w ORDER BY w
    ON CONFLICT (word) DO UPDATE SET first_sort_name = excluded.first_sort_name
    WHERE excluded.first_sort_name < s.first_sort_name
    """
)


def heal_search_words(session, minutes):
    """Add back the words (and lower the bounds) of the contacts written in the last ``minutes``: a word
    the vocabulary forgot while another transaction added a contact having it returns (migration 0018's
    race); returns how many rows were written (0 when nothing was missing)."""
    return session.execute(HEAL_SEARCH_WORDS, {"minutes": int(minutes)}).rowcount


def import_ids(session, contact_id):
    """The imports that created or changed the contact (its undo records), oldest first."""
    query = (
        select(contact_import_changes.c.import_id)
        .where(contact_import_changes.c.contact_id == contact_id)
        .group_by(contact_import_changes.c.import_id)
        .order_by(func.min(contact_import_changes.c.chunk_no))
    )
    return list(session.execute(query).scalars())


def _words_of(session, contact_id):
    """The contact's search words of 3+ letters (what the vocabulary may forget with it)."""
    query = text(
        "SELECT DISTINCT w FROM contacts, piiri_search_words(contacts.search_text) AS w"
        " WHERE contacts.id = :id AND length(w) >= 3"
    )
    return set(session.execute(query, {"id": contact_id}).scalars())


ERASED_WORD = "[erased]"
LETTERS = re.compile(r"[^\W\d_]+")


def without_words(value, words):
    """``value`` (text, or JSON of lists and dicts) with every word in ``words`` (normalised) replaced."""
    if isinstance(value, str):
        return LETTERS.sub(
            lambda m: ERASED_WORD if unaccented_lower(m.group(0)) in words else m.group(0), value
        )
    if isinstance(value, list):
        return [without_words(item, words) for item in value]
    if isinstance(value, dict):
        return {key: without_words(item, words) for key, item in value.items()}
    return value


def _name_taken(session, row, name):
    query = select(saved_searches.c.id).where(
        saved_searches.c.owner_id == row.owner_id,
        func.lower(saved_searches.c.name) == name.lower(),
        saved_searches.c.id != row.id,
    )
    return session.execute(query).first() is not None


def redact_saved_searches(session, words):
    """Replace ``words`` (forgotten with an erased person) in every saved search; returns their ids."""
    if not words:
        return []
    pattern = "(^|[^[:alpha:]])(" + "|".join(sorted(words)) + ")($|[^[:alpha:]])"
    whole = func.piiri_norm(
        saved_searches.c.name
        + " "
        + saved_searches.c.query
        + " "
        + cast(saved_searches.c.filters, Text)
        + " "
        + func.coalesce(cast(saved_searches.c.expression, Text), "")
    )
    rows = session.execute(select(saved_searches).where(whole.op("~")(pattern)).with_for_update()).all()
    for row in rows:
        changes = {name: without_words(row._mapping[name], words) for name in ("name", "query", "filters")}
        if row.expression is not None:
            changes["expression"] = without_words(row.expression, words)
        if changes["name"] != row.name and _name_taken(session, row, changes["name"]):
            changes["name"] = f"{changes['name']} ({str(row.id)[:8]})"
        session.execute(update(saved_searches).where(saved_searches.c.id == row.id).values(**changes))
    return [row.id for row in rows]


SCRUB_IMPORT_RESULTS = text(
    """
    UPDATE contact_import_chunks SET result = jsonb_set(result, '{rows}', (
        SELECT coalesce(jsonb_agg(
            CASE WHEN r::text LIKE :pattern
            THEN jsonb_build_object('row', r->'row', 'action', r->'action', 'erased', true) ELSE r END
            ORDER BY n), '[]'::jsonb)
        FROM jsonb_array_elements(result->'rows') WITH ORDINALITY AS e(r, n)))
    WHERE jsonb_typeof(result->'rows') = 'array' AND result::text LIKE :pattern
    """
)


def scrub_import_results(session, contact_id):
    """Take the contact's id out of the kept results of import chunks (a row created, updated, skipped
    as a duplicate of it): the row keeps its number and action, marked erased."""
    return session.execute(SCRUB_IMPORT_RESULTS, {"pattern": f"%{contact_id}%"}).rowcount


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


def set_related(session, erasure_id, related_ids):
    """Remember the saved searches whose text named the person (re-sent requests name them too)."""
    row = session.execute(
        update(erasures)
        .where(erasures.c.id == erasure_id)
        .values(related_ids=list(related_ids))
        .returning(erasures)
    ).one()
    return _plain(row)


def insert_erasure(session, contact_id, requested_by, reason, services, import_ids=()):
    row = session.execute(
        insert(erasures)
        .values(
            contact_id=contact_id,
            requested_by=requested_by,
            reason=reason,
            services=services,
            import_ids=list(import_ids),
        )
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


def forget_published(session, contact_id, matcher):
    """Delete the published outbox rows naming the contact or holding their values (``matcher``:
    piiri.erasure_keys.Matcher; events and audit records carrying their data, e.g. a saved search's name):
    called when the erasure completes, when every row written before the request has been published (the
    request was relayed after them, and every service has answered it)."""
    return outbox_rows.forget_published(
        session, outbox, [contact_id], holds=lambda payload: matcher.redacted_value(payload) != payload
    )
