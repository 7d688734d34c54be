"""Pure rules of person details: alternative names for search, active statuses, couples' address names,
and the input checks consents and retention share (load, parse_uuid)."""

from marshmallow import ValidationError

from piiri.errors import NotFound, ValidationFailed, coded
from services.contacts.contract import parse_id
from services.contacts.validation.contract import invalid

AND_WORD = {"fi": "ja", "sv": "och", "en": "and"}


def alt_names_text(names):
    """The text search sees for a person's alternative names: first and last names of them all."""
    parts = []
    for name in names:
        parts.extend(part for part in (name.get("first_name"), name.get("last_name")) if part)
    return " ".join(parts) or None


def is_active(status, today):
    """A status is active from its start date to its end date, both included (no end: open-ended)."""
    ends_on = status.get("ends_on")
    return status["starts_on"] <= today and (ends_on is None or ends_on >= today)


def letter_name(contact, names):
    """The name for letters and labels: the alternative name chosen for it, else the usual name."""
    for name in names:
        if name.get("use_in_letters"):
            return " ".join(part for part in (name.get("first_name"), name.get("last_name")) if part)
    first = contact.get("preferred_name") or contact.get("first_name")
    return " ".join(part for part in (first, contact.get("last_name")) if part)


def couple_address_name(first, second, language="fi"):
    """'Anna ja Matti Virtanen' / 'Anna and Matti Virtanen'; different last names: both in full.

    ``first`` and ``second`` are contacts (preferred name used over first name); a missing part is
    left out, never shown as a gap.
    """
    word = AND_WORD.get(language, AND_WORD["en"])
    given = [
        (person.get("preferred_name") or person.get("first_name") or "").strip() for person in (first, second)
    ]
    last = [(person.get("last_name") or "").strip() for person in (first, second)]
    if last[0] and last[0] == last[1] and all(given):
        return f"{given[0]} {word} {given[1]} {last[0]}"
    full = [" ".join(part for part in pair if part) for pair in zip(given, last, strict=True)]
    return f" {word} ".join(name for name in full if name)


SELF_COUPLE = {"contact_ids": ["err.person_self_couple"]}


def couple_problems(first, second):
    """Why two contacts cannot be linked as a couple: {field: [message]} (empty if they can).

    A deceased person may be linked (a couple is kept for history); the couple is then flagged.
    """
    if first["id"] == second["id"]:
        return dict(SELF_COUPLE)
    problems = []
    for person in (first, second):
        if person["kind"] != "person":
            problems.append(coded("err.person_couple_organisation", name=person["display_name"]))
    return {"contact_ids": problems} if problems else {}


def deceased_date_problem(deceased_on, birth_date, today):
    """Why a death date cannot be right (None if it can): not in the future, not before birth."""
    if deceased_on > today:
        return "err.person_future_death"
    if birth_date is not None and deceased_on < birth_date:
        return "err.person_death_before_birth"
    return None


# --- input, shared with consents and retention ------------------------------------------------------


def load(schema, data, partial=False):
    """User input through ``schema``; a ValidationFailed names every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None


def parse_uuid(value, field):
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound(f"No {field} {value}.", {field: str(value)})
    return parsed
