"""Structured filters on contact searches: features register named filters, the search applies them.

A filter is ``function(value) -> SQLAlchemy condition on the contacts table`` (values arrive as
strings from the API and the web list). Every filter of a search is ANDed with the free text.
"""

from piiri.errors import ValidationFailed

SEARCH_FILTERS = {}
PREFIX_FILTERS = {}  # "custom." -> function(name_after_prefix, value), for families like custom.<key>
QUALIFIERS = {}  # "organisation_role" -> "organisation_id": given together, the pair is one filter


def search_filter(name):
    """Decorator: register ``function(value)`` as the filter called ``name`` (e.g. "group_id")."""

    def register(function):
        if name in SEARCH_FILTERS and SEARCH_FILTERS[name] is not function:
            raise ValueError(f"a search filter called {name!r} is registered twice")
        SEARCH_FILTERS[name] = function
        return function

    return register


def search_filter_family(prefix):
    """Decorator: register ``function(rest, value)`` for every filter named ``prefix + rest``."""

    def register(function):
        PREFIX_FILTERS[prefix] = function
        return function

    return register


FAMILY_CHECKS = {}  # "custom." -> function(session, names) -> {name: [message]}: names the database knows?


def search_filter_family_check(prefix):
    """Decorator: register ``function(session, names) -> {name: [messages]}`` that tells which filters
    of the family ``prefix`` name nothing that exists (e.g. ``custom.<key>`` of no active field)."""

    def register(function):
        FAMILY_CHECKS[prefix] = function
        return function

    return register


def unknown_family_filters(session, names):
    """{name: [message]} for the filters among ``names`` whose family check finds nothing they name."""
    errors = {}
    for prefix, check in FAMILY_CHECKS.items():
        family = sorted({name for name in names if name.startswith(prefix) and len(name) > len(prefix)})
        if family:
            errors.update(check(session, family))
    return errors


def refuse_unknown(errors):
    """Raise one ValidationFailed for unknown-filter errors: its own message when there is one."""
    messages = [message for texts in errors.values() for message in texts]
    raise ValidationFailed(messages[0] if len(messages) == 1 else "Some search filters name nothing.", errors)


TARGET_CHECKS = {}  # "organisation_id" -> function(session, actor, value): refuses what the actor may not see


def filter_target_check(name):
    """Decorator: register ``function(session, actor, value)`` that raises NotFound when the filter
    ``name``'s value names a contact the actor may not see (or none), so that a filter is no oracle
    across a data scope (issue 12 item 7b)."""

    def register(function):
        TARGET_CHECKS[name] = function
        return function

    return register


def check_targets(session, actor, pairs):
    """Run the target checks of the (name, value) pairs of a search's filters."""
    for name, value in pairs:
        check = TARGET_CHECKS.get(name)
        if check is not None and value not in (None, ""):
            check(session, actor, value)


def filter_qualifier(name, qualifies):
    """``name`` (itself a registered filter) narrows ``qualifies`` when both are given: the search
    applies ``qualifies`` with the value ``"<its value>:<name's value>"`` and not ``name`` alone."""
    QUALIFIERS[name] = qualifies


def _qualified(filters):
    filters = dict(filters)
    for name, target in QUALIFIERS.items():
        if filters.get(name) not in (None, "") and filters.get(target) not in (None, ""):
            filters[target] = f"{filters[target]}:{filters.pop(name)}"
    return filters


def _builder(name):
    if name in SEARCH_FILTERS:
        return SEARCH_FILTERS[name]
    for prefix, function in PREFIX_FILTERS.items():
        if name.startswith(prefix) and len(name) > len(prefix):
            return lambda value, rest=name[len(prefix) :]: function(rest, value)
    return None


def filter_conditions(filters, session=None, actor=None):
    """The conditions for ``{name: value}``; unknown names are refused, naming each of them, and
    with a ``session`` so are names of a family that name nothing (``custom.<key>`` of no field), and
    with an ``actor`` too a value naming a contact the actor may not see answers NotFound (TARGET_CHECKS).

    A filter function raises ValidationFailed (keyed by its name) for a value it cannot use.
    """
    filters = filters or {}
    if not isinstance(filters, dict):
        raise ValidationFailed("filters must be an object of name: value.", {"filters": ["Not an object."]})
    unknown = sorted(name for name in filters if _builder(name) is None)
    if unknown:
        known = (
            ", ".join([*sorted(SEARCH_FILTERS), *(f"{prefix}…" for prefix in sorted(PREFIX_FILTERS))])
            or "none"
        )
        raise ValidationFailed(
            "Unknown search filter.", {name: [f"Unknown filter. Known filters: {known}."] for name in unknown}
        )
    if session is not None:
        errors = unknown_family_filters(
            session, [name for name, value in filters.items() if value not in (None, "")]
        )
        if errors:
            refuse_unknown(errors)
        if actor is not None:
            check_targets(session, actor, filters.items())
    given = sorted(_qualified(filters).items())
    return [_builder(name)(value) for name, value in given if value not in (None, "")]
