"""Structured filters on contact searches: each feature declares the filters it offers (a FilterSet),
registries.py builds the one SearchFilters of the service from the explicit list of them, and the
search applies them.

A filter is ``function(value) -> SQLAlchemy condition on the contacts table`` (values arrive as
strings from the API and the web list). Every filter of a search is ANDed with the free text.
"""

from dataclasses import dataclass, field

from piiri.errors import ValidationFailed


@dataclass(frozen=True)
class FilterSet:
    """What one feature adds to the contact search.

    ``filters``: name -> function(value), e.g. "group_id".
    ``families``: prefix -> function(rest, value), for every filter named ``prefix + rest`` (custom.<key>).
    ``family_checks``: prefix -> function(session, names) -> {name: [messages]}, telling which filters of
    the family name nothing that exists (``custom.<key>`` of no active field).
    ``target_checks``: name -> function(session, actor, value), raising NotFound when the value names a
    contact the actor may not see (or none), so that a filter is no oracle across a data scope (issue 12
    item 7b).
    ``qualifiers``: name -> qualified name: given together, the search applies ``qualified`` with the value
    ``"<its value>:<name's value>"`` and not ``name`` alone (organisation_role narrows organisation_id).
    """

    filters: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    family_checks: dict = field(default_factory=dict)
    target_checks: dict = field(default_factory=dict)
    qualifiers: dict = field(default_factory=dict)


def _merged(sets, attribute, what):
    merged = {}
    for filter_set in sets:
        for name, value in getattr(filter_set, attribute).items():
            if name in merged:
                raise ValueError(f"a {what} called {name!r} is declared twice")
            merged[name] = value
    return merged


class SearchFilters:
    """Every search filter of the service, from the features' FilterSets (refused: a name twice)."""

    def __init__(self, sets):
        sets = tuple(sets)
        self.filters = _merged(sets, "filters", "search filter")
        self.families = _merged(sets, "families", "search filter family")
        self.family_checks = _merged(sets, "family_checks", "search filter family check")
        self.target_checks = _merged(sets, "target_checks", "search filter target check")
        self.qualifiers = _merged(sets, "qualifiers", "search filter qualifier")

    def unknown_family_filters(self, session, names):
        """{name: [message]} for the filters among ``names`` whose family check finds nothing they name."""
        errors = {}
        for prefix, check in self.family_checks.items():
            family = sorted({name for name in names if name.startswith(prefix) and len(name) > len(prefix)})
            if family:
                errors.update(check(session, family))
        return errors

    def check_targets(self, session, actor, pairs):
        """Run the target checks of the (name, value) pairs of a search's filters."""
        for name, value in pairs:
            check = self.target_checks.get(name)
            if check is not None and value not in (None, ""):
                check(session, actor, value)

    def qualified(self, filters):
        filters = dict(filters)
        for name, target in self.qualifiers.items():
            if filters.get(name) not in (None, "") and filters.get(target) not in (None, ""):
                filters[target] = f"{filters[target]}:{filters.pop(name)}"
        return filters

    def builder(self, name):
        """The function(value) of the filter called ``name``, or None when no filter has that name."""
        if name in self.filters:
            return self.filters[name]
        for prefix, function in self.families.items():
            if name.startswith(prefix) and len(name) > len(prefix):
                return lambda value, rest=name[len(prefix) :], function=function: function(rest, value)
        return None

    def conditions(self, filters, session=None, actor=None):
        """The conditions for ``{name: value}``; unknown names are refused, naming each of them, and
        with a ``session`` so are names of a family that name nothing (``custom.<key>`` of no field), and
        with an ``actor`` too a value naming a contact the actor may not see answers NotFound (target checks).

        A filter function raises ValidationFailed (keyed by its name) for a value it cannot use.
        """
        filters = filters or {}
        if not isinstance(filters, dict):
            raise ValidationFailed("contact.not_object", {"filters": ["contact.not_object"]})
        unknown = sorted(name for name in filters if self.builder(name) is None)
        if unknown:
            known = (
                ", ".join([*sorted(self.filters), *(f"{prefix}…" for prefix in sorted(self.families))])
                or "none"
            )
            raise ValidationFailed(
                "Unknown search filter.",
                {name: [f"Unknown filter. Known filters: {known}."] for name in unknown},
            )
        if session is not None:
            errors = self.unknown_family_filters(
                session, [name for name, value in filters.items() if value not in (None, "")]
            )
            if errors:
                refuse_unknown(errors)
            if actor is not None:
                self.check_targets(session, actor, filters.items())
        given = sorted(self.qualified(filters).items())
        return [self.builder(name)(value) for name, value in given if value not in (None, "")]


def refuse_unknown(errors):
    """Raise one ValidationFailed for unknown-filter errors: its own message when there is one."""
    messages = [message for texts in errors.values() for message in texts]
    raise ValidationFailed(messages[0] if len(messages) == 1 else "Some search filters name nothing.", errors)
