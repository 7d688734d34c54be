"""Parts of a contact's full record contributed by features (names, statuses, groups, custom fields …).

A feature registers a provider ``(session, contact_id) -> JSON-able``; ``get_contact`` returns the
contact with every provider's part under its name, in one RPC, audited as one read.
"""

DETAIL_PROVIDERS = {}
DETAIL_SUBJECTS = {}  # name -> function(part) -> ids of the other contacts the part shows


def detail_provider(name, subjects=None):
    """Decorator: register ``function(session, contact_id)`` as the part called ``name``; a part that
    shows other contacts' data gives ``subjects(part)`` so the read's audit record names them too."""

    def register(function):
        if name in DETAIL_PROVIDERS and DETAIL_PROVIDERS[name] is not function:
            raise ValueError(f"a contact detail called {name!r} is registered twice")
        DETAIL_PROVIDERS[name] = function
        if subjects is not None:
            DETAIL_SUBJECTS[name] = subjects
        return function

    return register


def detail_subjects(parts):
    """The other contacts whose data ``parts`` show, once each, in a stable order (for the audit)."""
    ids = []
    for name, subjects in sorted(DETAIL_SUBJECTS.items()):
        if parts.get(name) is not None:
            ids.extend(str(contact_id) for contact_id in subjects(parts[name]))
    return list(dict.fromkeys(ids))


def details_for(session, contact_id):
    return {name: provider(session, contact_id) for name, provider in sorted(DETAIL_PROVIDERS.items())}


def detail_names():
    return tuple(sorted(DETAIL_PROVIDERS))
