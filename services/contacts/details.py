"""Parts of a contact's full record contributed by features (names, statuses, groups, custom fields …).

A feature declares a DetailPart ``(session, contact_id) -> JSON-able``; registries.py builds the one
ContactDetails of the service from the explicit list of them; ``get_contact`` returns the contact with
every part under its name, in one RPC, audited as one read. A part that needs the contact's own row
says ``takes_contact`` and is given the row its caller already read (one read of it per record, not
one per part). A part's queries of the contact are ``reads`` (piiri.json_reads.Read): every part's
reads go to PostgreSQL as one statement, and each part is given its own results (issue 18: a record
was thirteen statements; ``record`` sends the contact's row with every part's reads as one, plus a
part's follow-up where one needs it, such as a couple's members).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from piiri.json_reads import Read, ReadBatch
from services.contacts import storage
from services.contacts.models import contacts

ROW = "contact"  # the contact's own row among the record's reads


@dataclass(frozen=True)
class DetailPart:
    """The part called ``name``: ``provide(session, contact_id)``, with ``takes_contact`` also
    ``contact`` (the stored row, or None: read it), with ``reads`` also ``read`` ({name: what that
    Read gave for the contact}): ``provide(session, contact_id[, contact][, read])``. A part that shows
    other contacts' data gives ``subjects(part)`` so the read's audit record names them too."""

    name: str
    provide: Callable
    subjects: Callable | None = None
    takes_contact: bool = False
    reads: Mapping[str, Read] = field(default_factory=dict)


class ContactDetails:
    """Every part of a contact's full record, from the features' DetailParts (refused: a name twice)."""

    def __init__(self, parts):
        self.parts = {}
        for part in parts:
            if part.name in self.parts:
                raise ValueError(f"a contact detail called {part.name!r} is declared twice")
            self.parts[part.name] = part
        reads = {(part.name, key): read for part in parts for key, read in part.reads.items()}
        self.reads = ReadBatch({**reads, ROW: storage.CONTACT_ROW}, contacts.c.id.type)

    def subjects(self, parts):
        """The other contacts whose data ``parts`` show, once each, in a stable order (for the audit)."""
        ids = []
        for name, part in sorted(self.parts.items()):
            if part.subjects is not None and parts.get(name) is not None:
                ids.extend(str(contact_id) for contact_id in part.subjects(parts[name]))
        return list(dict.fromkeys(ids))

    def record(self, session, contact_id):
        """(the contact's row, every part of its record), both in one statement; (None, None) if there
        is no contact with that id (the caller answers that as any read does: a merged-away id …)."""
        results = self.reads.run(session, contact_id)
        contact = results[ROW]
        if contact is None:
            return None, None
        return contact, self._parts(session, contact_id, contact, results)

    def parts_for(self, session, contact_id, contact=None):
        """Every part of the contact's record; ``contact``: its stored row, when the caller has it (the
        statement is record()'s: its primary-key probe of the row comes with it, unused here)."""
        return self._parts(session, contact_id, contact, self.reads.run(session, contact_id))

    def _parts(self, session, contact_id, contact, results):
        record = {}
        for name, part in sorted(self.parts.items()):
            given = (contact,) if part.takes_contact else ()
            if part.reads:
                given += ({key: results[name, key] for key in part.reads},)
            record[name] = part.provide(session, contact_id, *given)
        return record

    def names(self):
        return tuple(sorted(self.parts))
