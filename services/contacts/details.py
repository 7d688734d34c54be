"""Parts of a contact's full record contributed by features (names, statuses, groups, custom fields …).

A feature registers a provider ``(session, contact_id) -> JSON-able``; ``get_contact`` returns the
contact with every provider's part under its name, in one RPC, audited as one read.
"""

DETAIL_PROVIDERS = {}


def detail_provider(name):
    """Decorator: register ``function(session, contact_id)`` as the part called ``name``."""

    def register(function):
        if name in DETAIL_PROVIDERS and DETAIL_PROVIDERS[name] is not function:
            raise ValueError(f"a contact detail called {name!r} is registered twice")
        DETAIL_PROVIDERS[name] = function
        return function

    return register


def details_for(session, contact_id):
    return {name: provider(session, contact_id) for name, provider in sorted(DETAIL_PROVIDERS.items())}


def detail_names():
    return tuple(sorted(DETAIL_PROVIDERS))
