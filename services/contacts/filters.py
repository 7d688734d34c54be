"""Structured filters on contact searches: features register named filters, the search applies them.

A filter is ``function(value) -> SQLAlchemy condition on the contacts table`` (values arrive as
strings from the API and the web list). Every filter of a search is ANDed with the free text.
"""

from piiri.errors import ValidationFailed

SEARCH_FILTERS = {}
PREFIX_FILTERS = {}  # "custom." -> function(name_after_prefix, value), for families like custom.<key>


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


def _builder(name):
    if name in SEARCH_FILTERS:
        return SEARCH_FILTERS[name]
    for prefix, function in PREFIX_FILTERS.items():
        if name.startswith(prefix) and len(name) > len(prefix):
            return lambda value, rest=name[len(prefix) :]: function(rest, value)
    return None


def filter_conditions(filters):
    """The conditions for ``{name: value}``; unknown names are refused, naming each of them.

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
    return [_builder(name)(value) for name, value in sorted(filters.items()) if value not in (None, "")]
