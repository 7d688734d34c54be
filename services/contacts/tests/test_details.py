"""ContactDetails (details.py): a contact's record from the features' parts, with the contact's row read
once by the caller and handed to the parts that need it, and every part's reads sent as one statement
(issue 18: fewer statements per record; tests/integration/test_json_reads.py tests the batch itself, the
contacts service's tests every part's output)."""

import inspect

import pytest
from sqlalchemy import select

from piiri.json_reads import Read
from services.contacts.details import ROW, ContactDetails, DetailPart
from services.contacts.models import contacts
from services.contacts.registries import CONTACT_DETAILS, DETAIL_PARTS

SOME_READ = Read(lambda key: select(contacts.c.id).where(contacts.c.id == key))


class FakeBatch:
    """Stands in for the ReadBatch: what each (part, read) gave, and how often the batch was sent."""

    def __init__(self, results):
        self.results, self.sent = results, 0

    def run(self, session, key):
        self.sent += 1
        return self.results


def test_each_part_gets_the_row_if_it_takes_it_and_its_own_reads_from_the_one_batch():
    given = []
    reads = {"names": SOME_READ, "kinds": SOME_READ}
    details = ContactDetails(
        [
            DetailPart(
                "person",
                lambda session, key, contact, read: given.append(("person", key, contact, read)) or 1,
                None,
                True,
                reads,
            ),
            DetailPart(
                "photo",
                lambda session, key, read: given.append(("photo", key, read)) or 2,
                reads={"about": SOME_READ},
            ),
            DetailPart("groups", lambda session, key: given.append(("groups", key)) or 3),
        ]
    )
    details.reads = FakeBatch(
        {("person", "names"): ["n"], ("person", "kinds"): ["k"], ("photo", "about"): None}
    )
    row = {"id": "c1", "first_name": "Aino"}
    assert details.parts_for("session", "c1", row) == {"person": 1, "photo": 2, "groups": 3}
    assert given == [
        ("groups", "c1"),
        ("person", "c1", row, {"names": ["n"], "kinds": ["k"]}),
        ("photo", "c1", {"about": None}),
    ]
    assert details.reads.sent == 1  # every part's reads in one statement
    given.clear()
    assert details.parts_for("session", "c1") == {"person": 1, "photo": 2, "groups": 3}
    assert given[1] == ("person", "c1", None, {"names": ["n"], "kinds": ["k"]})  # no row: the part reads it


def test_every_part_takes_what_it_declares():
    for part in DETAIL_PARTS:
        parameters = list(inspect.signature(part.provide).parameters)
        expected = ["session", "contact_id", *(["contact"] if part.takes_contact else [])]
        assert parameters == expected + (["read"] if part.reads else []), part.name


def test_the_record_reads_every_part_in_one_batch():
    parts = {key[0] for key in CONTACT_DETAILS.reads.batched if key != ROW}
    assert parts == {part.name for part in DETAIL_PARTS}


def test_a_part_name_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        ContactDetails([DetailPart("photo", print), DetailPart("photo", print)])
