"""Pure rules of person-organisation links (C2): who can be linked, dates, the one primary link, merges."""

from piiri.errors import ValidationFailed, coded

NOT_SELF = {"organisation_id": ["err.affiliation_self"]}


def link_problems(person, organisation):
    """Why ``person`` cannot be linked to ``organisation``: {field: [message]} (empty if it can)."""
    if person["id"] == organisation["id"]:
        return dict(NOT_SELF)
    problems = {}
    if person["kind"] != "person":
        problems["person_id"] = [coded("err.affiliation_not_person", name=person["display_name"])]
    if organisation["kind"] != "organisation":
        problems["organisation_id"] = [
            coded("err.affiliation_not_organisation", name=organisation["display_name"])
        ]
    return problems


KIND_LINKED = "err.affiliation_kind"


def refuse_kind_change(contact, linked):
    """A linked contact keeps its kind (a person stays a person while linked to organisations)."""
    if linked:
        raise ValidationFailed(
            f"{contact['display_name']} has organisation links, so its kind cannot change.",
            {"kind": [KIND_LINKED]},
        )


def dates_problem(starts_on, ends_on):
    """The end date before the start date (None if the dates are in order or either is missing)."""
    if starts_on and ends_on and ends_on < starts_on:
        return {"ends_on": ["err.person_dates"]}
    return None


def is_ended(link, today):
    """A link has ended when its end date is before today (it still counts on its last day)."""
    return link.get("ends_on") is not None and link["ends_on"] < today


def merge_plan(rows, survivor_id, merged_ids):
    """How the links of a merge move to the survivor: ``(changes, drops)``.

    ``rows``: every link touching the survivor or a merged contact (dicts with id, person_id,
    organisation_id, role, is_primary). A merged id on either side becomes the survivor. A link that
    would link the survivor to itself, or repeat a (person, organisation, role) the survivor has
    (its own links win, then the older link), is dropped. The survivor keeps one primary link at
    most (its own first). ``changes``: {link id: {column: value}}; ``drops``: [link id].
    """
    merged = set(merged_ids)

    def moved(contact_id):
        return survivor_id if contact_id in merged else contact_id

    def own_first(row):
        touches_merged = row["person_id"] in merged or row["organisation_id"] in merged
        return (touches_merged, str(row.get("created_at") or ""), str(row["id"]))

    changes, drops, seen, primary_people = {}, [], set(), set()
    for row in sorted(rows, key=own_first):
        person, organisation = moved(row["person_id"]), moved(row["organisation_id"])
        key = (person, organisation, row["role"])
        if person == organisation or key in seen:
            drops.append(row["id"])
            continue
        seen.add(key)
        change = {}
        if person != row["person_id"]:
            change["person_id"] = person
        if organisation != row["organisation_id"]:
            change["organisation_id"] = organisation
        if row["is_primary"]:
            if person in primary_people:
                change["is_primary"] = False
            primary_people.add(person)
        if change:
            changes[row["id"]] = change
    return changes, drops
