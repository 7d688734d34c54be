"""C2 pure rules: who can be linked to an organisation, dates, merging links, the organisation filters
(with organisation_role qualifying organisation_id), people-page cursors, and photos' magic bytes."""

import base64
import uuid
from datetime import date

import pytest

from piiri.errors import ValidationFailed
from services.contacts.affiliations import filters as affiliation_filters
from services.contacts.affiliations import paging, rules
from services.contacts.affiliations.contract import AffiliationChanges, AffiliationInput
from services.contacts.photos import rules as photo_rules
from services.contacts.registries import CONTACT_DETAILS, SEARCH_FILTERS

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20


def contact(id_, kind, name):
    return {"id": id_, "kind": kind, "display_name": name}


def test_c2_only_a_person_links_to_an_organisation_and_never_to_itself():
    anna, acme = contact(1, "person", "Anna"), contact(2, "organisation", "Acme Oy")
    assert rules.link_problems(anna, acme) == {}
    assert rules.link_problems(anna, anna) == {"organisation_id": ["err.affiliation_self"]}
    assert rules.link_problems(acme, anna) == {
        "person_id": [{"code": "err.affiliation_not_person", "params": {"name": "Acme Oy"}}],
        "organisation_id": [{"code": "err.affiliation_not_organisation", "params": {"name": "Anna"}}],
    }


def test_c2_dates_in_order_and_ended_links():
    assert rules.dates_problem(date(2026, 1, 2), date(2026, 1, 1)) == {"ends_on": ["err.person_dates"]}
    assert rules.dates_problem(date(2026, 1, 1), date(2026, 1, 1)) is None
    assert rules.dates_problem(None, date(2026, 1, 1)) is None
    today = date(2026, 5, 1)
    assert rules.is_ended({"ends_on": date(2026, 4, 30)}, today)
    assert not rules.is_ended({"ends_on": today}, today)
    assert not rules.is_ended({"ends_on": None}, today)


def test_c2_contract_refuses_unknown_roles_long_titles_and_reversed_dates():
    errors = AffiliationInput().validate(
        {"organisation_id": "nope", "role": "boss", "title": "x" * 101, "starts_on": "2026-02-01",
         "ends_on": "2026-01-01"}
    )  # fmt: skip
    assert set(errors) == {"organisation_id", "role", "title"}
    errors = AffiliationInput().validate(
        {
            "organisation_id": str(uuid.uuid4()),
            "role": "chair",
            "starts_on": "2026-02-01",
            "ends_on": "2026-01-01",
        }
    )
    assert errors == {"ends_on": ["err.person_dates"]}
    # A partial change keeps what it does not name (no default primary=False sneaks in).
    assert AffiliationChanges().load({"title": " CEO "}, partial=True) == {"title": "CEO"}


def row(id_, person, organisation, role="employee", primary=False, created="2026-01-01"):
    return {"id": id_, "person_id": person, "organisation_id": organisation, "role": role,
            "is_primary": primary, "created_at": created}  # fmt: skip


def test_c2_merge_moves_links_drops_duplicates_and_self_links_and_keeps_one_primary():
    survivor, merged, org, other, person = "S", "M", "O", "P", "X"
    rows = [
        row(1, survivor, org, primary=True),
        row(2, merged, org),  # duplicates the survivor's (S, O, employee): dropped
        row(3, merged, org, role="chair", primary=True),  # moves; the survivor's own primary wins
        row(4, merged, other, created="2025-01-01"),  # moves
        row(5, person, merged),  # an organisation merged: its people move with it
        row(6, survivor, merged, role="member"),  # would link the survivor to itself: dropped
    ]
    changes, drops = rules.merge_plan(rows, survivor, [merged])
    assert sorted(drops) == [2, 6]
    assert changes == {
        3: {"person_id": survivor, "is_primary": False},
        4: {"person_id": survivor},
        5: {"organisation_id": survivor},
    }


def test_c2_organisation_filter_values_and_qualifier():
    org = str(uuid.uuid4())
    assert SEARCH_FILTERS.qualified({"organisation_id": org, "organisation_role": "chair", "q": "x"}) == {
        "organisation_id": f"{org}:chair",
        "q": "x",
    }
    assert SEARCH_FILTERS.qualified({"organisation_role": "chair"}) == {"organisation_role": "chair"}
    assert len(SEARCH_FILTERS.conditions({"organisation_id": org, "organisation_role": "board_member"})) == 1
    with pytest.raises(ValidationFailed) as error:
        SEARCH_FILTERS.conditions({"organisation_id": "not-an-id"})
    assert error.value.details == {"organisation_id": ["contact.id_invalid"]}
    with pytest.raises(ValidationFailed) as error:
        affiliation_filters.organisation_id(f"{org}:boss")
    assert "organisation_role" in error.value.details
    with pytest.raises(ValidationFailed):
        SEARCH_FILTERS.conditions({"organisation_role": "boss"})


def test_c2_people_cursor_round_trip_and_refusals():
    link_id = uuid.uuid4()
    cursor = paging.encode({"p_sort_name": "virtanen anna", "id": link_id}, "chair", False)
    assert paging.decode(cursor, "chair", False) == ("virtanen anna", link_id)
    assert paging.decode(None, None, False) is None
    with pytest.raises(ValidationFailed) as error:
        paging.decode(cursor, None, False)
    assert error.value.details["cursor"] == ["contact.cursor_invalid"]
    with pytest.raises(ValidationFailed):
        paging.decode("garbage!!", None, False)


def test_c2_photo_type_is_read_from_the_magic_bytes():
    assert photo_rules.image_type(PNG) == "image/png"
    assert photo_rules.image_type(JPEG) == "image/jpeg"
    assert photo_rules.image_type(WEBP) == "image/webp"
    assert photo_rules.image_type(b"GIF89a" + b"\x00" * 10) is None
    assert photo_rules.image_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert photo_rules.image_type(b"RIFF\x00\x00\x00\x00WAVE") is None


def test_c2_photo_problems_are_specific():
    assert photo_rules.photo_problem(PNG) is None
    assert photo_rules.photo_problem(None) == "err.photo_base64"
    assert photo_rules.photo_problem(b"") == "err.photo_empty"
    big = PNG + b"\x00" * photo_rules.MAX_BYTES
    assert photo_rules.photo_problem(big)["code"] == "err.photo_too_big"
    assert photo_rules.photo_problem(b"%PDF-1.7 hello") == "err.photo_type"
    assert photo_rules.decode(base64.b64encode(PNG).decode()) == PNG
    assert photo_rules.decode("not base64!") is None
    assert photo_rules.decode(None) is None


def test_c2_get_contact_audits_the_contacts_its_affiliations_part_shows():
    part = {
        "organisations": [],
        "people": {"count": 2, "items": [{"person_id": "p1"}, {"person_id": "p2"}], "next_cursor": None},
    }
    assert CONTACT_DETAILS.subjects({"affiliations": part, "photo": None}) == ["p1", "p2"]
    person_part = {"organisations": [{"organisation_id": "o1"}, {"organisation_id": "o1"}], "people": None}
    assert CONTACT_DETAILS.subjects({"affiliations": person_part}) == ["o1"]
    assert CONTACT_DETAILS.subjects({"affiliations": None}) == []


def test_c2_a_linked_contact_keeps_its_kind():
    rules.refuse_kind_change(contact(1, "person", "Anna"), linked=False)
    with pytest.raises(ValidationFailed) as error:
        rules.refuse_kind_change(contact(1, "person", "Anna"), linked=True)
    assert error.value.message == "Anna has organisation links, so its kind cannot change."
    assert list(error.value.details) == ["kind"]
