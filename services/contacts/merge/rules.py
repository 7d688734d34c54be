"""Pure rules of C11: how alike two contacts are (score and reasons), which fields differ, and the plan
of a merge (validation and the survivor's new values)."""

import json
import unicodedata
from difflib import SequenceMatcher

from piiri.errors import ValidationFailed, coded
from services.contacts import rich_fields
from services.contacts.contract import EDITABLE_FIELDS
from services.contacts.merge.contract import COMBINED_FIELDS

# Choosing one of a list's flat fields from a contact makes that contact's primary entry the primary.
FLAT_CHOICE = {
    "emails": ("email",),
    "phones": ("phone",),
    "addresses": rich_fields.ADDRESS_FLAT,
}

THRESHOLD = 60  # pairs scoring at least this are listed for review
MAX_COMPARED = 5
WEIGHTS = {
    "same_email": 60,
    "same_phone": 45,
    "same_name_and_birth_date": 70,
    "similar_name": 30,
    "same_address": 25,
    "different_birth_date": -40,
}
SIMILAR = 0.85  # difflib ratio from which two names or streets count as similar


def normalise(text):
    """Lower case, no accents, single spaces: 'José  Virtanen' -> 'jose virtanen'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


def full_name(contact):
    if contact.get("kind") == "organisation":
        return normalise(contact.get("organisation_name"))
    return normalise(f"{contact.get('first_name') or ''} {contact.get('last_name') or ''}")


def similarity(left, right):
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right).ratio()


def score_pair(one, other):
    """(score 0..100, reasons) of two contacts; reasons are the keys of WEIGHTS that apply."""
    reasons = []
    # Any shared e-mail or phone of the lists counts, not only the primaries (C2).
    if {normalise(email) for email in rich_fields.all_emails(one)} & {
        normalise(email) for email in rich_fields.all_emails(other)
    }:
        reasons.append("same_email")
    if rich_fields.all_phones(one) & rich_fields.all_phones(other):
        reasons.append("same_phone")
    name_one, name_other = full_name(one), full_name(other)
    born_one, born_other = one.get("birth_date"), other.get("birth_date")
    if name_one and name_one == name_other and born_one and born_one == born_other:
        reasons.append("same_name_and_birth_date")
    elif similarity(name_one, name_other) >= SIMILAR:
        reasons.append("similar_name")
    if (
        one.get("postal_code")
        and one["postal_code"] == other.get("postal_code")
        and similarity(normalise(one.get("street")), normalise(other.get("street"))) >= SIMILAR
    ):
        reasons.append("same_address")
    if born_one and born_other and born_one != born_other:
        reasons.append("different_birth_date")
    score = sum(WEIGHTS[reason] for reason in reasons)
    return max(0, min(100, score)), reasons


def ordered(first, second):
    """A pair as stored: the smaller id first (contact_a < contact_b)."""
    return (first, second) if str(first) < str(second) else (second, first)


def candidates(contact, others, threshold=THRESHOLD):
    """The others that look like ``contact``, best first: [{contact, score, reasons}]."""
    found = []
    for other in others:
        if other["id"] == contact["id"]:
            continue
        score, reasons = score_pair(contact, other)
        if score >= threshold:
            found.append({"contact": other, "score": score, "reasons": reasons})
    found.sort(key=lambda item: (-item["score"], str(item["contact"]["id"])))
    return found


def comparable(contact):
    """The fields compared side by side: the editable fields and custom values as 'custom.<key>'."""
    values = {name: contact.get(name) for name in EDITABLE_FIELDS}
    for key, value in (contact.get("custom") or {}).items():
        values[f"custom.{key}"] = value
    return values


def differences(contacts):
    """{field: True if the contacts do not all have the same value} over every compared field."""
    rows = [comparable(contact) for contact in contacts]
    names = list(EDITABLE_FIELDS) + sorted(
        {name for row in rows for name in row if name.startswith("custom.")}
    )
    return {name: len({_key(row.get(name)) for row in rows}) > 1 for name in names}


def _key(value):
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        return json.dumps(value, sort_keys=True, default=str)  # lists of entries (C2) are not hashable
    return value


def check_ids(survivor_id, merged_ids):
    """Shape of a merge request: a survivor, 1+ other distinct contacts, none of them the survivor."""
    errors = {}
    if not survivor_id:
        errors["survivor_id"] = ["contact.required"]
    if not isinstance(merged_ids, list) or not merged_ids:
        errors["merged_ids"] = ["merge.err.none_merged"]
    elif len(merged_ids) + 1 > MAX_COMPARED:
        errors["merged_ids"] = [coded("merge.err.too_many", max=MAX_COMPARED)]
    elif any(not isinstance(item, str) for item in merged_ids):
        errors["merged_ids"] = ["contact.id_invalid"]
    if errors:
        raise ValidationFailed("merge.err.invalid", errors)


def check_distinct(survivor_id, merged_ids):
    """After resolving ids: the survivor is not merged with itself, nothing is named twice."""
    if survivor_id in merged_ids:
        raise ValidationFailed("merge.err.itself", {"merged_ids": ["merge.err.itself"]})
    if len(set(merged_ids)) != len(merged_ids):
        raise ValidationFailed("A contact is named twice in the merge.", {"merged_ids": ["merge.err.twice"]})


def plan_merge(survivor, merged, chosen):
    """The survivor's new field and custom values from ``chosen`` ({field: contact id}).

    Fields not chosen keep the survivor's value; a custom value not chosen is the survivor's, or
    else the first merged contact's that has one. The e-mails, phones and addresses of every contact
    are combined (no entry twice), the survivor's primary entry staying primary unless a flat field
    of the list (email; phone; street, postal_code, city, country) is chosen from another contact,
    whose primary entry then becomes the primary; the tags are united (C2). Returns (changed fields
    {name: value}, custom values {key: contact id to take it from}, fields_from {field: contact id}).
    """
    if chosen is None:
        chosen = {}
    if not isinstance(chosen, dict):
        raise ValidationFailed("contact.not_object", {"chosen": ["contact.not_object"]})
    everyone = {str(contact["id"]): contact for contact in [survivor, *merged]}
    custom_keys = {key for contact in everyone.values() for key in (contact.get("custom") or {})}
    errors = {}
    fields_from = {}
    for name, source in chosen.items():
        known = name in EDITABLE_FIELDS or (name.startswith("custom.") and name[7:] in custom_keys)
        if not known:
            errors[f"chosen.{name}"] = ["merge.err.not_a_field"]
        elif name in COMBINED_FIELDS:
            errors[f"chosen.{name}"] = ["merge.err.combined"]
        elif str(source) not in everyone:
            errors[f"chosen.{name}"] = ["merge.err.choice"]
        else:
            fields_from[name] = str(source)
    if errors:
        raise ValidationFailed("Some chosen values are not valid.", errors)
    survivor_id = str(survivor["id"])
    changed = {}
    for name in EDITABLE_FIELDS:
        if name in COMBINED_FIELDS or name in rich_fields.FLAT_FIELDS:
            continue
        source = fields_from.get(name, survivor_id)
        value = everyone[source].get(name)
        if value != survivor.get(name):
            changed[name] = value
    ordered_contacts = list(everyone.values())  # the survivor first
    ids = list(everyone)
    combined = {"tags": rich_fields.union_tags(ordered_contacts)}
    for name, flat_names in FLAT_CHOICE.items():
        source = next((fields_from[flat] for flat in flat_names if flat in fields_from), survivor_id)
        entries = rich_fields.union(name, ordered_contacts, primary_from=ids.index(source))
        combined.update(rich_fields.with_flat(name, entries, survivor.get("country")))
    for name, value in combined.items():
        if (value or None) != (survivor.get(name) or None):  # [] and no value are the same here
            changed[name] = value
    custom_from = {}
    for key in sorted(custom_keys):
        source = fields_from.get(f"custom.{key}")
        if source is None:
            having = [cid for cid, contact in everyone.items() if key in (contact.get("custom") or {})]
            source = survivor_id if survivor_id in having else having[0]
        if key in (everyone[source].get("custom") or {}):
            custom_from[key] = source
    return changed, custom_from, fields_from


def former_names(survivor, new_values, others):
    """Names to keep as alternative names of kind 'former': every other person name (and the
    survivor's own old name) that differs from the survivor's new name, without repeats."""
    result = {**survivor, **new_values}
    if result.get("kind") != "person":
        return []
    current = _spelling(result)
    seen, names = {current}, []
    for contact in [survivor, *others]:
        if contact.get("kind") != "person" or not (contact.get("first_name") or contact.get("last_name")):
            continue
        key = _spelling(contact)
        if key not in seen:
            seen.add(key)
            names.append({"first_name": contact.get("first_name"), "last_name": contact.get("last_name")})
    return names


def _spelling(contact):
    """A person's name as spelt (accents count, case and spacing do not)."""
    return " ".join(f"{contact.get('first_name') or ''} {contact.get('last_name') or ''}".casefold().split())
