"""Rules of a contact's lists of e-mails, phones and postal addresses (C2), pure (no SQL, no Nameko).

Owns: the kinds of entries (from the contract), the checks of a list (valid and normalised entries,
no entry twice, exactly one primary entry per non-empty list: the first if none is marked, an error
if several are), and the sync of the flat columns (email, phone, street, postal_code, city, country)
with the primary entries. A write sends either a list (authoritative: it replaces every entry) or only
the flat fields (they replace the primary entry, keeping its kind; null removes it and promotes the
next). Also the union of lists when contacts are merged (C11) and every e-mail and phone of a contact,
for duplicate detection.
"""

import phonenumbers
from marshmallow import ValidationError

from services.contacts.contract import (
    ADDRESS_FLAT,
    ADDRESS_PARTS,
    FLAT_FIELDS,
    LIST_FIELDS,
    normalise_phone,
)
from services.contacts.validation.contract import invalid

# The flat fields each list keeps in step: list -> {flat field: entry key}.
FLAT_OF = {
    "emails": {"email": "address"},
    "phones": {"phone": "number"},
    "addresses": {name: name for name in ADDRESS_FLAT},
}
DEFAULT_COUNTRY = "FI"
LABELS = {"emails": "e-mail address", "phones": "phone number", "addresses": "address"}


# --- entries ------------------------------------------------------------------------------------------


def email_entry(address, kind="home", primary=False):
    return {"address": address, "kind": kind, "primary": primary}


def phone_entry(number, kind="mobile", primary=False):
    return {"number": number, "kind": kind, "primary": primary}


def address_entry(
    street=None, postal_code=None, city=None, country=DEFAULT_COUNTRY, kind="home", primary=False
):
    return {
        "kind": kind,
        "street": street,
        "postal_code": postal_code,
        "city": city,
        "country": country or DEFAULT_COUNTRY,
        "primary": primary,
    }


def _canonical(name, entry):
    """An entry with exactly the keys of its list (what is stored and compared)."""
    if name == "emails":
        return email_entry(entry.get("address"), entry.get("kind") or "home", bool(entry.get("primary")))
    if name == "phones":
        return phone_entry(entry.get("number"), entry.get("kind") or "mobile", bool(entry.get("primary")))
    return address_entry(
        *(entry.get(part) for part in ADDRESS_PARTS),
        country=entry.get("country"),
        kind=entry.get("kind") or "home",
        primary=bool(entry.get("primary")),
    )


def identity(name, entry):
    """What makes two entries of a list the same (kind and primary do not count)."""
    if name == "emails":
        return (entry.get("address") or "").casefold()
    if name == "phones":
        return entry.get("number") or ""
    return tuple(" ".join((entry.get(part) or "").casefold().split()) for part in ADDRESS_FLAT)


def primary_of(entries):
    """The primary entry of a list, or None when it is empty."""
    return next((entry for entry in entries or () if entry.get("primary")), None)


def region_of(country):
    """A phone numbering region for a country code: the code itself if phonenumbers knows it, else FI."""
    if country and phonenumbers.country_code_for_region(country):
        return country
    return DEFAULT_COUNTRY


def has_address(entry):
    return any(entry.get(part) for part in ADDRESS_PARTS)


# --- checking a list as sent ------------------------------------------------------------------------


def _mark_primary(name, entries, errors):
    """The entries with exactly one primary: the marked one, or the first; several marked is an error."""
    marked = [index for index, entry in enumerate(entries) if entry.get("primary")]
    if len(marked) > 1:
        errors[name] = ["contact.one_primary"]
    chosen = marked[0] if marked else 0
    return [{**entry, "primary": index == chosen} for index, entry in enumerate(entries)]


def _check_list(name, entries, region, errors):
    """A list as sent (entries loaded by the contract's entry schemas) -> canonical entries; problems go
    into ``errors`` under '<list>.<index>.<key>' (beside the entry) or '<list>' (the whole list)."""
    checked, seen = [], {}
    for index, raw in enumerate(entries):
        entry = _canonical(name, raw)
        if name == "phones":
            try:
                entry["number"] = normalise_phone(entry["number"] or "", region)
            except ValidationError as exc:
                errors[f"phones.{index}.number"] = list(exc.messages)
                continue
        elif name == "addresses":
            if not has_address(entry):
                errors[f"addresses.{index}.street"] = ["contact.address_empty"]
                continue
            code = entry["postal_code"]
            if code and entry["country"] == "FI" and not (code.isdigit() and len(code) == 5):
                errors[f"addresses.{index}.postal_code"] = ["contact.postal_code_finnish"]
                continue
        key = identity(name, entry)
        if key in seen:
            field = {"emails": "address", "phones": "number", "addresses": "street"}[name]
            errors[f"{name}.{index}.{field}"] = ["contact.list_twice"]
            continue
        seen[key] = index
        checked.append(entry)
    return _mark_primary(name, checked, errors)


# --- the flat fields ------------------------------------------------------------------------------


def _flat_from(name, entries, fallback_country):
    """The flat fields of a list: those of its primary entry (no value when the list is empty)."""
    primary = primary_of(entries)
    flat = {field: primary.get(key) if primary else None for field, key in FLAT_OF[name].items()}
    if name == "addresses" and not flat["country"]:
        flat["country"] = fallback_country or DEFAULT_COUNTRY
    return flat


def _replace_primary(name, entries, replacement):
    """The list with its primary entry changed by ``replacement`` ({entry key: value}) — created if
    there is none, removed (the next one promoted) when it is left empty — and any other entry that
    is now the same as the primary removed."""
    entries = [dict(entry) for entry in entries]
    index = next((i for i, entry in enumerate(entries) if entry.get("primary")), None)
    if index is None:
        entries.insert(0, _canonical(name, {"primary": True}))
        index = 0
    entry = {**entries[index], **replacement, "primary": True}
    value_key = {"emails": "address", "phones": "number"}.get(name)
    if not (entry.get(value_key) if value_key else has_address(entry)):
        del entries[index]
        if entries:
            entries[0]["primary"] = True
        return entries
    entries[index] = _canonical(name, entry)
    key = identity(name, entries[index])
    return [other for i, other in enumerate(entries) if i == index or identity(name, other) != key]


def resolve(current, values):
    """The values to write, with the lists and the flat fields in step.

    ``current``: the stored contact ({} when creating); ``values``: the contract-loaded input (partial
    for an update). A list in ``values`` is authoritative and checked; flat fields alone replace the
    primary entry. Returns ``values`` with every list that changed and its flat fields set; raises
    ValidationFailed naming each bad entry ('emails.1.address') or list ('phones').
    """
    result = {
        key: value for key, value in values.items() if key not in FLAT_FIELDS and key not in LIST_FIELDS
    }
    errors = {}
    country = values.get("country") or current.get("country") or DEFAULT_COUNTRY
    for name in ("addresses", "emails", "phones"):  # addresses first: they give the phones' region
        flat_names = FLAT_OF[name]
        stored = [_canonical(name, entry) for entry in current.get(name) or []]
        if name in values:
            entries = _check_list(name, values[name] or [], region_of(country), errors)
        elif any(field in values for field in flat_names):
            replacement = {key: values[field] for field, key in flat_names.items() if field in values}
            if name == "phones" and replacement.get("number"):
                try:
                    replacement["number"] = normalise_phone(replacement["number"], region_of(country))
                except ValidationError as exc:
                    errors["phone"] = list(exc.messages)
                    continue
            if name == "addresses" and set(replacement) == {"country"} and primary_of(stored) is None:
                result["country"] = replacement["country"] or country  # a country, and no address
                continue
            entries = _replace_primary(name, stored, replacement)
        else:
            continue
        result[name] = entries
        flat = _flat_from(name, entries, values.get("country") or current.get("country"))
        result.update(flat)
        if name == "addresses":
            country = flat["country"]
    if errors:
        raise invalid(errors)
    return result


def flatten_errors(messages):
    """Contract errors of the lists ({'emails': {1: {'address': [...]}}}) as '<list>.<index>.<key>'."""
    flat = {}
    for name, value in messages.items():
        if name in LIST_FIELDS and isinstance(value, dict):
            for index, entry_errors in value.items():
                if isinstance(entry_errors, dict):
                    for key, texts in entry_errors.items():
                        flat[f"{name}.{index}.{key}" if key != "_schema" else f"{name}.{index}"] = texts
                else:
                    flat[f"{name}.{index}"] = entry_errors
        else:
            flat[name] = value
    return flat


# --- several contacts (C11) -------------------------------------------------------------------------


def entries_of(contact, name):
    """The contact's entries of a list; a contact known only by its flat fields gives its primary."""
    entries = contact.get(name)
    if entries:
        return [_canonical(name, entry) for entry in entries]
    if name == "emails" and contact.get("email"):
        return [email_entry(contact["email"], primary=True)]
    if name == "phones" and contact.get("phone"):
        return [phone_entry(contact["phone"], primary=True)]
    if name == "addresses" and any(contact.get(part) for part in ADDRESS_PARTS):
        return [
            address_entry(
                *(contact.get(part) for part in ADDRESS_PARTS), contact.get("country"), primary=True
            )
        ]
    return []


def all_emails(contact):
    """Every e-mail address of the contact, lower case."""
    return {entry["address"].casefold() for entry in entries_of(contact, "emails") if entry.get("address")}


def all_phones(contact):
    return {entry["number"] for entry in entries_of(contact, "phones") if entry.get("number")}


def union(name, contacts, primary_from=0):
    """One list of every entry of ``contacts`` (in order, no entry twice); the primary entry is that of
    ``contacts[primary_from]`` (the survivor by default), or else of the first contact having one."""
    combined, seen = [], set()
    order = [contacts[primary_from], *contacts] if contacts else []
    wanted = next((primary_of(entries_of(c, name)) for c in order if entries_of(c, name)), None)
    wanted_key = identity(name, wanted) if wanted else None
    for contact in contacts:
        for entry in entries_of(contact, name):
            key = identity(name, entry)
            if key in seen:
                continue
            seen.add(key)
            combined.append({**entry, "primary": key == wanted_key})
    if combined and not any(entry["primary"] for entry in combined):
        combined[0]["primary"] = True
    return combined


def union_tags(contacts):
    tags = []
    for contact in contacts:
        tags.extend(tag for tag in contact.get("tags") or () if tag not in tags)
    return tags


def with_flat(name, entries, fallback_country=None):
    """{list: entries, and its flat fields from the primary entry}."""
    return {name: entries, **_flat_from(name, entries, fallback_country)}
