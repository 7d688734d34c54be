"""SQL of export rows (I2): one keyset page of full contact rows in (sort_name, id) order, and the page's
custom values, couples and primary organisations, each loaded with one query for the whole page, made into
rows (export_rows: what export_page hands out, and any feature that hands out rows)."""

import uuid
from datetime import date

from sqlalchemy import func, literal, or_, select, tuple_

from piiri import clock
from piiri.db import any_uuid, plan_for_parameters
from services.contacts import scopes
from services.contacts.models import affiliations, contacts, couple_members, custom_fields, custom_values
from services.contacts.person.rules import couple_address_name
from services.contacts.person.storage import ACTIVE_STATUSES, PERSON_COLUMNS
from services.contacts.storage import display_name

ROW_COLUMNS = [
    contacts.c[name]
    for name in (
        "id",
        "kind",
        "first_name",
        "middle_name",
        "preferred_name",
        "last_name",
        "organisation_name",
        "title",
        "honorific",
        "email",
        "phone",
        "street",
        "postal_code",
        "city",
        "country",
        "emails",
        "phones",
        "addresses",
        "birth_date",
        "language",
        "tags",
        "website",
        "einvoice_address",
        "einvoice_operator",
        "deceased_on",
    )
]


NAME_COLUMNS = ("id", "kind", "first_name", "preferred_name", "last_name", "organisation_name")


def row_columns(fields):
    """The columns to read for ``fields`` (None: all): only what is exported, plus what names the row."""
    if fields is None:
        return ROW_COLUMNS, True
    wanted = set(fields) | set(NAME_COLUMNS)
    return [column for column in ROW_COLUMNS if column.name in wanted], "active_statuses" in fields


def page(session, condition, limit, position, fields=None):
    """(rows, next position): up to ``limit`` contacts meeting ``condition`` after ``position``
    ({"s": sort_name, "i": id}), in (sort_name, id) order, with the columns of ``fields`` (None: all)."""
    plan_for_parameters(session)
    columns, statuses = row_columns(fields)
    query = select(*columns, *([ACTIVE_STATUSES] if statuses else []), contacts.c.sort_name).where(condition)
    if position:
        query = query.where(
            tuple_(contacts.c.sort_name, contacts.c.id)
            > tuple_(literal(position["s"]), literal(uuid.UUID(position["i"])))
        )
    rows = session.execute(query.order_by(contacts.c.sort_name, contacts.c.id).limit(limit + 1)).all()
    items = []
    for row in rows[:limit]:
        item = dict(row._mapping)
        del item["sort_name"]
        item["display_name"] = display_name(item)
        if statuses:
            item["active_statuses"] = item["active_statuses"] or []
        if "tags" in item:
            item["tags"] = list(item["tags"] or [])
        items.append(item)
    next_position = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_position = {"s": last.sort_name, "i": str(last.id)}
    return items, next_position


def count(session, condition):
    return session.execute(select(func.count()).select_from(contacts).where(condition)).scalar_one()


def active_custom_fields(session):
    """{key: definition} of the active custom fields."""
    query = select(
        custom_fields.c.id,
        custom_fields.c.key,
        custom_fields.c.label_fi,
        custom_fields.c.label_en,
        custom_fields.c.field_type,
    ).where(custom_fields.c.removed_at.is_(None))
    return {row.key: dict(row._mapping) for row in session.execute(query)}


def custom_values_of(session, contact_ids, field_ids):
    """{contact id: {field id: value}} of the given contacts and fields."""
    if not contact_ids or not field_ids:
        return {}
    query = select(custom_values.c.contact_id, custom_values.c.field_id, custom_values.c.value).where(
        custom_values.c.contact_id == any_uuid(contact_ids),
        custom_values.c.field_id.in_(field_ids),
    )
    found = {}
    for row in session.execute(query):
        found.setdefault(row.contact_id, {})[row.field_id] = row.value
    return found


def couples_of(session, contact_ids):
    """{contact id: (couple id, [both members' name columns, in id order])} of the contacts in a couple."""
    if not contact_ids:
        return {}
    mine = couple_members.alias("mine")
    both = couple_members.alias("both")
    query = (
        select(mine.c.contact_id.label("of"), both.c.couple_id, *PERSON_COLUMNS)
        .join_from(mine, both, both.c.couple_id == mine.c.couple_id)
        .join(contacts, contacts.c.id == both.c.contact_id)
        .where(mine.c.contact_id.in_(contact_ids))
        .order_by(mine.c.contact_id, contacts.c.id)
    )
    found = {}
    for row in session.execute(query):
        data = dict(row._mapping)
        owner = data.pop("of")
        couple_id = data.pop("couple_id")
        found.setdefault(owner, (couple_id, []))[1].append(data)
    return found


def primary_organisations(session, person_ids):
    """{person id: (organisation id, organisation name)} of the current primary affiliations."""
    if not person_ids:
        return {}
    query = (
        select(affiliations.c.person_id, contacts.c.id, contacts.c.organisation_name)
        .join(contacts, contacts.c.id == affiliations.c.organisation_id)
        .where(
            affiliations.c.person_id.in_(person_ids),
            affiliations.c.is_primary.is_(True),
            or_(affiliations.c.ends_on.is_(None), affiliations.c.ends_on >= clock.sql_today()),
        )
        .order_by(affiliations.c.person_id, affiliations.c.created_at)
    )
    found = {}
    for row in session.execute(query):
        found.setdefault(row.person_id, (row.id, row.organisation_name))
    return found


# --- rows of a page (shared by export_page and other features that hand out rows) -------------------


def json_safe(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_rows(session, actor, items, fields, wanted):
    """Rows with the custom values of ``fields`` and, when asked for (``wanted``), the couple and the
    primary organisation; each loaded with one query for the page."""
    ids = [item["id"] for item in items]
    values = custom_values_of(session, ids, [field["id"] for field in fields])
    couples = couples_of(session, ids) if "couple" in wanted else {}
    organisations = primary_organisations(session, ids) if "organisation" in wanted else {}
    others = {member["id"] for _, members in couples.values() for member in members}
    others |= {organisation_id for organisation_id, _ in organisations.values()}
    visible = scopes.visible_ids(session, actor, others - set(ids)) | set(ids)
    rows = []
    for item in items:
        row = {key: json_safe(value) for key, value in item.items()}
        mine = values.get(item["id"], {})
        row["custom"] = {field["key"]: mine[field["id"]] for field in fields if field["id"] in mine}
        if "couple" in wanted:
            row["couple"] = _couple(couples.get(item["id"]), visible)
        if "organisation" in wanted:
            organisation = organisations.get(item["id"])
            row["organisation"] = organisation[1] if organisation and organisation[0] in visible else None
        rows.append(row)
    return rows


def _couple(found, visible):
    if not found:
        return None
    couple_id, members = found
    if len(members) != 2 or not all(member["id"] in visible for member in members):
        return None  # a partner out of the actor's scope (C6) is not shown
    if any(member.get("deceased_on") for member in members):
        return None  # a widow(er) is addressed alone, never with the deceased partner (C14)
    return {
        "id": str(couple_id),
        "member_ids": [str(member["id"]) for member in members],
        "address_name_fi": couple_address_name(*members, language="fi"),
        "address_name_sv": couple_address_name(*members, language="sv"),
        "address_name_en": couple_address_name(*members, language="en"),
    }
