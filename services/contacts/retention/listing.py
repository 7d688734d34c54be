"""The past-retention list's page (G5): the rules' index ranges merged in "since" order, each contact once.

Each rule's rows come in (on, id) order from its own index (storage.branch_rows); a page takes the
smallest (since, id) head until it is full. A contact past retention under several rules is listed once,
under its earliest rule (on another rule's range it is passed over). The cursor holds each rule's
position, so paging is keyset paging over every range at once.
"""

import base64
import json
import uuid
from datetime import date

from piiri.errors import ValidationFailed
from services.contacts.retention.rules import add_years, retention_dates


def matches(rules, facts, today):
    """The rules a contact is past retention under, with since when, earliest first (ties: rule order)."""
    order = {str(rule["id"]): index for index, rule in enumerate(rules)}
    found = [
        {"rule_id": item["rule_id"], "rule_name": item["rule_name"], "kind": item["kind"],
         "since": item["past_retention_on"]}
        for item in retention_dates(rules, facts, today)
        if item["past"]
    ]  # fmt: skip
    return sorted(found, key=lambda item: (item["since"], order[str(item["rule_id"])]))


def merged_page(rules, fetch, facts_for, today, limit, positions):
    """(items, positions, more): ``items`` are (contact id, matches) in since order.

    ``fetch(rule, after, n)`` gives up to n {"id", "on"} of the rule's range after ``after``;
    ``facts_for(ids)`` gives {id: facts}; ``positions`` is {rule id: (on, id)} from the cursor.
    """
    buffers, complete = {}, {}
    for rule in rules:
        key = str(rule["id"])
        rows = fetch(rule, positions.get(key), limit + 1)
        buffers[key], complete[key] = rows, len(rows) <= limit
    facts = facts_for({row["id"] for rows in buffers.values() for row in rows})
    years = {str(rule["id"]): rule["config"]["years"] for rule in rules}
    positions = {key: value for key, value in positions.items() if key in buffers}
    items = []
    while len(items) < limit:
        if any(not rows and not complete[key] for key, rows in buffers.items()):
            break  # a range has more than we read: the order past this point is not known yet
        heads = [
            (add_years(rows[0]["on"], years[key]), rows[0]["id"], key)
            for key, rows in buffers.items()
            if rows
        ]
        if not heads:
            break
        _, contact_id, key = min(heads)
        row = buffers[key].pop(0)
        positions[key] = (row["on"], row["id"])
        found = matches(rules, facts[contact_id], today) if contact_id in facts else []
        if found and str(found[0]["rule_id"]) == key:
            items.append((contact_id, found))
    more = any(rows or not complete[key] for key, rows in buffers.items())
    return items, positions, more


def encode_positions(positions):
    raw = {key: [on.isoformat(), str(contact_id)] for key, (on, contact_id) in positions.items()}
    return base64.urlsafe_b64encode(json.dumps(raw, sort_keys=True).encode()).decode()


def decode_positions(cursor):
    if not cursor:
        return {}
    try:
        raw = json.loads(base64.urlsafe_b64decode(str(cursor).encode()))
        return {
            str(uuid.UUID(key)): (date.fromisoformat(on), uuid.UUID(contact_id))
            for key, (on, contact_id) in raw.items()
        }
    except (ValueError, TypeError, AttributeError):
        raise ValidationFailed("The cursor is not valid.", {"cursor": ["contact.cursor_invalid"]}) from None
