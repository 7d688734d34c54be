"""Parts of a contact's full record contributed by features (names, statuses, groups, custom fields …).

A feature declares a DetailPart ``(session, contact_id) -> JSON-able``; registries.py builds the one
ContactDetails of the service from the explicit list of them; ``get_contact`` returns the contact with
every part under its name, in one RPC, audited as one read. A part that needs the contact's own row
says ``takes_contact`` and is given the row its caller already read (one read of it per record, not
one per part: issue 18, fewer statements per request).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DetailPart:
    """The part called ``name``: ``provide(session, contact_id)``, or with ``takes_contact``
    ``provide(session, contact_id, contact)`` (``contact``: the stored row, or None: read it); a part
    that shows other contacts' data gives ``subjects(part)`` so the read's audit record names them too."""

    name: str
    provide: Callable
    subjects: Callable | None = None
    takes_contact: bool = False


class ContactDetails:
    """Every part of a contact's full record, from the features' DetailParts (refused: a name twice)."""

    def __init__(self, parts):
        self.parts = {}
        for part in parts:
            if part.name in self.parts:
                raise ValueError(f"a contact detail called {part.name!r} is declared twice")
            self.parts[part.name] = part

    def subjects(self, parts):
        """The other contacts whose data ``parts`` show, once each, in a stable order (for the audit)."""
        ids = []
        for name, part in sorted(self.parts.items()):
            if part.subjects is not None and parts.get(name) is not None:
                ids.extend(str(contact_id) for contact_id in part.subjects(parts[name]))
        return list(dict.fromkeys(ids))

    def parts_for(self, session, contact_id, contact=None):
        """Every part of the contact's record; ``contact``: its stored row, when the caller has it."""
        return {
            name: part.provide(session, contact_id, contact)
            if part.takes_contact
            else part.provide(session, contact_id)
            for name, part in sorted(self.parts.items())
        }

    def names(self):
        return tuple(sorted(self.parts))
