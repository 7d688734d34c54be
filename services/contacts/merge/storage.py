"""All SQL of C11: blocking queries for duplicate candidates, candidate pairs, dismissals, redirects and
moving a merged contact's links (memberships, names, statuses, couples, custom values, organisation
links, photo) to the survivor."""

from sqlalchemy import and_, delete, func, insert, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from services.contacts import rich_fields
from services.contacts import storage as contact_storage
from services.contacts.affiliations import rules as affiliation_rules
from services.contacts.affiliations import storage as affiliation_storage
from services.contacts.models import (
    contact_names,
    contact_redirects,
    contact_statuses,
    contacts,
    couple_members,
    couples,
    custom_fields,
    custom_values,
    duplicate_candidates,
    duplicate_dismissals,
    duplicate_scans,
    memberships,
)
from services.contacts.photos import storage as photo_storage
from services.contacts.search import like_pattern

BLOCK_LIMIT = 50  # rows per blocking key: a very common name or shared e-mail stays cheap
COLUMNS = contact_storage.CONTACT_COLUMNS


def redirect_target(session, contact_id):
    """The survivor a merged-away id resolves to, or None."""
    return session.execute(
        select(contact_redirects.c.survivor_id).where(contact_redirects.c.merged_id == contact_id)
    ).scalar()


# --- blocking: the contacts sharing an indexed key with one contact ---------------------------------


def block_rows(session, contact):
    """Contacts that may duplicate ``contact``: same e-mail, same phone, same sort name (covers names
    differing only by case or accents, and same name + birth date), or same postal code and street.

    E-mails and phones (C2): the primaries through their own indexes, and any listed one of either
    contact through the trigram index of search_text, where each listed e-mail and phone starts a word.
    """
    keys = []
    if contact.get("email"):
        keys.append(contacts.c.email_norm == contact["email"].lower())
    if contact.get("phone"):
        keys.append(contacts.c.phone == contact["phone"])
    for value in sorted(rich_fields.all_emails(contact)) + sorted(rich_fields.all_phones(contact)):
        keys.append(contacts.c.search_text.like(func.piiri_norm("% " + like_pattern(value)[1:])))
    keys.append(contacts.c.sort_name == func.piiri_norm(_sort_name_text(contact)))
    if contact.get("postal_code") and contact.get("street"):
        keys.append(and_(contacts.c.postal_code == contact["postal_code"], contacts.c.street.isnot(None)))
    ids = set()
    for key in keys:
        query = select(contacts.c.id).where(key, contacts.c.id != contact["id"]).limit(BLOCK_LIMIT)
        ids.update(session.execute(query).scalars())
    if not ids:
        return []
    rows = session.execute(select(*COLUMNS).where(contacts.c.id.in_(ids))).all()
    return [contact_storage.as_dict(row) for row in rows]


def _sort_name_text(contact):
    name = contact.get("last_name") or contact.get("organisation_name") or ""
    return f"{name} {contact.get('first_name') or ''}"


def dismissed_with(session, contact_id, other_ids):
    """Of ``other_ids``, those whose pair with ``contact_id`` was dismissed."""
    if not other_ids:
        return set()
    pairs = [_pair(contact_id, other) for other in other_ids]
    rows = session.execute(
        select(duplicate_dismissals.c.contact_a, duplicate_dismissals.c.contact_b).where(
            tuple_(duplicate_dismissals.c.contact_a, duplicate_dismissals.c.contact_b).in_(pairs)
        )
    ).all()
    return {row.contact_b if row.contact_a == contact_id else row.contact_a for row in rows}


def _pair(first, second):
    return (first, second) if str(first) < str(second) else (second, first)


# --- stored candidate pairs ---------------------------------------------------------------------------


def replace_pairs(session, contact_id, found):
    """Store ``contact_id``'s current candidates [{contact, score, reasons}] in place of its old ones."""
    session.execute(
        delete(duplicate_candidates).where(
            or_(
                duplicate_candidates.c.contact_a == contact_id, duplicate_candidates.c.contact_b == contact_id
            )
        )
    )
    for item in found:
        a, b = _pair(contact_id, item["contact"]["id"])
        statement = pg_insert(duplicate_candidates).values(
            contact_a=a, contact_b=b, score=item["score"], reasons=item["reasons"], found_at=func.now()
        )
        session.execute(
            statement.on_conflict_do_update(
                index_elements=["contact_a", "contact_b"],
                set_={"score": item["score"], "reasons": item["reasons"], "found_at": func.now()},
            )
        )


def scan_position(session):
    """The scan's watermark (updated_at, id), locked; None if another scan holds it right now."""
    session.execute(pg_insert(duplicate_scans).values(id=1).on_conflict_do_nothing(index_elements=["id"]))
    row = session.execute(
        select(duplicate_scans.c.scanned_until, duplicate_scans.c.scanned_id)
        .where(duplicate_scans.c.id == 1)
        .with_for_update(skip_locked=True)
    ).first()
    return row


def reset_scan(session):
    session.execute(
        update(duplicate_scans).where(duplicate_scans.c.id == 1).values(scanned_until=None, scanned_id=None)
    )


def changed_since(session, until, last_id, limit):
    """Contacts changed after the watermark, in (updated_at, id) order."""
    query = select(*COLUMNS).order_by(contacts.c.updated_at, contacts.c.id).limit(limit)
    if until is not None:
        query = query.where(tuple_(contacts.c.updated_at, contacts.c.id) > tuple_(until, last_id))
    return [contact_storage.as_dict(row) for row in session.execute(query)]


def settled_before(session):
    """Changes older than this are committed by now: the watermark never passes a younger one."""
    return session.execute(select(func.now() - text("interval '5 seconds'"))).scalar()


def move_scan(session, until, last_id):
    session.execute(
        update(duplicate_scans)
        .where(duplicate_scans.c.id == 1)
        .values(scanned_until=until, scanned_id=last_id, scanned_at=func.now())
    )


def candidate_page(session, limit, position):
    """Stored pairs, best score first, both contacts' summaries; position = (score, a, b) or None."""
    a, b = contacts.alias("a"), contacts.alias("b")
    query = (
        select(duplicate_candidates, *_prefixed(a, "a_"), *_prefixed(b, "b_"))
        .join(a, a.c.id == duplicate_candidates.c.contact_a)
        .join(b, b.c.id == duplicate_candidates.c.contact_b)
        .order_by(
            duplicate_candidates.c.score.desc(),
            duplicate_candidates.c.contact_a,
            duplicate_candidates.c.contact_b,
        )
        .limit(limit + 1)
    )
    if position:
        score, first, second = position
        query = query.where(
            or_(
                duplicate_candidates.c.score < score,
                and_(
                    duplicate_candidates.c.score == score,
                    tuple_(duplicate_candidates.c.contact_a, duplicate_candidates.c.contact_b)
                    > tuple_(first, second),
                ),
            )
        )
    rows = [dict(row._mapping) for row in session.execute(query)]
    return rows[:limit], len(rows) > limit


SUMMARY = (
    "id",
    "kind",
    "first_name",
    "preferred_name",
    "last_name",
    "organisation_name",
    "email",
    "phone",
    "city",
    "birth_date",
)


def _prefixed(table, prefix):
    return [table.c[name].label(prefix + name) for name in SUMMARY]


def dismiss(session, pair, by):
    a, b = pair
    session.execute(
        pg_insert(duplicate_dismissals)
        .values(contact_a=a, contact_b=b, dismissed_by=by)
        .on_conflict_do_nothing(index_elements=["contact_a", "contact_b"])
    )
    session.execute(
        delete(duplicate_candidates).where(
            duplicate_candidates.c.contact_a == a, duplicate_candidates.c.contact_b == b
        )
    )


# --- merging ------------------------------------------------------------------------------------------


def lock_contacts(session, ids):
    """Lock the contacts in id order (two merges of overlapping contacts cannot deadlock)."""
    rows = session.execute(
        select(*COLUMNS).where(contacts.c.id.in_(ids)).order_by(contacts.c.id).with_for_update()
    ).all()
    return {row.id: contact_storage.as_dict(row) for row in rows}


def memberships_of(session, ids):
    rows = session.execute(select(memberships).where(memberships.c.contact_id.in_(ids))).all()
    return [dict(row._mapping) for row in rows]


def move_memberships(session, survivor_id, move_ids, drop_ids):
    if drop_ids:
        session.execute(delete(memberships).where(memberships.c.id.in_(drop_ids)))
    if move_ids:
        session.execute(
            update(memberships).where(memberships.c.id.in_(move_ids)).values(contact_id=survivor_id)
        )


def move_names_and_statuses(session, survivor_id, merged_ids):
    for table in (contact_names, contact_statuses):
        session.execute(
            update(table).where(table.c.contact_id.in_(merged_ids)).values(contact_id=survivor_id)
        )


def add_former_name(session, contact_id, name):
    session.execute(insert(contact_names).values(contact_id=contact_id, kind="former", **name))


def couples_of(session, ids):
    """{contact id: couple id} of those of ``ids`` in a couple."""
    rows = session.execute(select(couple_members).where(couple_members.c.contact_id.in_(ids))).all()
    return {row.contact_id: row.couple_id for row in rows}


def delete_couple(session, couple_id):
    session.execute(delete(couples).where(couples.c.id == couple_id))


def move_couple_member(session, from_id, to_id):
    session.execute(
        update(couple_members).where(couple_members.c.contact_id == from_id).values(contact_id=to_id)
    )


def take_custom_value(session, survivor_id, source_id, key):
    """The survivor's value of custom field ``key`` becomes ``source_id``'s."""
    field_id = select(custom_fields.c.id).where(custom_fields.c.key == key).scalar_subquery()
    session.execute(
        delete(custom_values).where(
            custom_values.c.contact_id == survivor_id, custom_values.c.field_id == field_id
        )
    )
    session.execute(
        update(custom_values)
        .where(custom_values.c.contact_id == source_id, custom_values.c.field_id == field_id)
        .values(contact_id=survivor_id)
    )


def repoint_contact_links(session, survivor_id, merged_ids):
    """Custom values of type contact_link naming a merged contact now name the survivor."""
    link_fields = select(custom_fields.c.id).where(custom_fields.c.field_type == "contact_link")
    session.execute(
        update(custom_values)
        .where(
            custom_values.c.field_id.in_(link_fields),
            custom_values.c.value_text.in_([str(merged) for merged in merged_ids]),
        )
        .values(value=func.to_jsonb(str(survivor_id)), value_text=str(survivor_id))
    )


def move_affiliations_and_photo(session, survivor_id, merged_ids):
    """Person-organisation links (C2) of the merged contacts, on either side, move to the survivor,
    except those that would repeat one or link the survivor to itself; the survivor keeps its photo
    or takes a merged contact's."""
    rows = affiliation_storage.links_touching(session, [survivor_id, *merged_ids])
    affiliation_storage.apply_merge(session, *affiliation_rules.merge_plan(rows, survivor_id, merged_ids))
    photo_storage.keep_one_on_merge(session, survivor_id, merged_ids)


def redirect(session, survivor_id, merged_ids, by):
    """Merged ids (and ids that were redirected to them) resolve to the survivor from now on."""
    session.execute(
        update(contact_redirects)
        .where(contact_redirects.c.survivor_id.in_(merged_ids))
        .values(survivor_id=survivor_id)
    )
    for merged in merged_ids:
        session.execute(
            insert(contact_redirects).values(merged_id=merged, survivor_id=survivor_id, merged_by=by)
        )


def delete_contacts(session, ids):
    session.execute(delete(contacts).where(contacts.c.id.in_(ids)))


def forget_pairs_of(session, contact_id):
    session.execute(
        delete(duplicate_candidates).where(
            or_(
                duplicate_candidates.c.contact_a == contact_id, duplicate_candidates.c.contact_b == contact_id
            )
        )
    )
