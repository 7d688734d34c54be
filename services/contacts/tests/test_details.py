"""ContactDetails (details.py): a contact's record from the features' parts, with the contact's row read
once by the caller and handed to the parts that need it (issue 18: fewer statements per record)."""

import inspect

import pytest

from services.contacts.details import ContactDetails, DetailPart
from services.contacts.registries import DETAIL_PARTS


def test_the_parts_that_take_the_contact_get_the_callers_row_and_the_others_only_its_id():
    given = []
    details = ContactDetails(
        [
            DetailPart(
                "names", lambda session, key, contact: given.append(("names", key, contact)) or 1, None, True
            ),
            DetailPart("groups", lambda session, key: given.append(("groups", key)) or 2),
        ]
    )
    row = {"id": "c1", "first_name": "Aino"}
    assert details.parts_for("session", "c1", row) == {"names": 1, "groups": 2}
    assert given == [("groups", "c1"), ("names", "c1", row)]
    given.clear()
    assert details.parts_for("session", "c1") == {"names": 1, "groups": 2}  # no row: the part reads it
    assert given == [("groups", "c1"), ("names", "c1", None)]


def test_every_part_that_takes_the_contact_can_also_read_it_itself():
    for part in DETAIL_PARTS:
        parameters = inspect.signature(part.provide).parameters
        if part.takes_contact:
            assert list(parameters)[2:] == ["contact"] and parameters["contact"].default is None, part.name
        else:
            assert len(parameters) == 2, part.name


def test_a_part_name_declared_twice_is_refused():
    with pytest.raises(ValueError, match="declared twice"):
        ContactDetails([DetailPart("photo", print), DetailPart("photo", print)])
