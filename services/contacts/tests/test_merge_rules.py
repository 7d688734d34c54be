"""Pure rules of duplicates and merge (C11): scoring a pair, differences, and planning a merge."""

from datetime import date

import pytest

from piiri.errors import ValidationFailed
from services.contacts.merge import rules


def person(contact_id, first, last, **more):
    return {"id": contact_id, "kind": "person", "first_name": first, "last_name": last, **more}


def test_c11_same_email_and_accent_only_name_difference_is_a_candidate():
    score, reasons = rules.score_pair(
        person("a", "José", "Virtanen", email="Jose@Example.fi"),
        person("b", "Jose", "Virtanen", email="jose@example.fi"),
    )
    assert reasons == ["same_email", "similar_name"] and score == 90 >= rules.THRESHOLD


def test_c11_same_name_and_birth_date_and_different_birth_dates():
    born = date(1970, 1, 2)
    assert rules.score_pair(
        person("a", "Anna", "Aho", birth_date=born), person("b", "anna", "AHO", birth_date=born)
    ) == (
        70,
        ["same_name_and_birth_date"],
    )
    score, reasons = rules.score_pair(
        person("a", "Anna", "Aho", birth_date=born), person("b", "Anna", "Aho", birth_date=date(1980, 1, 2))
    )
    assert "different_birth_date" in reasons and score < rules.THRESHOLD


def test_c11_phone_and_address():
    one = person(
        "a", "Matti", "Meikäläinen", phone="+358401234567", postal_code="00100", street="Mannerheimintie 1"
    )
    other = person(
        "b", "M.", "Meikalainen", phone="+358401234567", postal_code="00100", street="Mannerheimintie 1 A"
    )
    score, reasons = rules.score_pair(one, other)
    assert {"same_phone", "same_address"} <= set(reasons) and score >= rules.THRESHOLD


def test_c11_unrelated_contacts_score_zero_and_candidates_sorted():
    assert rules.score_pair(person("a", "Anna", "Aho"), person("b", "Pekka", "Puu")) == (0, [])
    me = person("a", "José", "Virtanen", email="j@x.fi")
    found = rules.candidates(
        me, [me, person("b", "Jose", "Virtanen", email="j@x.fi"), person("c", "Eero", "X")]
    )
    assert [item["contact"]["id"] for item in found] == ["b"]


def test_c11_differences_per_field_including_custom():
    differs = rules.differences(
        [
            person("a", "José", "Virtanen", custom={"member_no": 1}),
            person("b", "Jose", "Virtanen", custom={"member_no": 1}),
        ]
    )
    assert differs["first_name"] and not differs["last_name"] and not differs["custom.member_no"]


def test_c11_plan_merge_takes_chosen_values():
    survivor = person("a", "José", "Virtanen", city=None, country="FI", custom={"x": 1})
    other = person("b", "Jose", "Virtanen", city="Oulu", country="FI", custom={"x": 2, "y": 3})
    changed, custom_from, fields_from = rules.plan_merge(survivor, [other], {"city": "b", "custom.x": "b"})
    oulu = {
        "kind": "home",
        "street": None,
        "postal_code": None,
        "city": "Oulu",
        "country": "FI",
        "primary": True,
    }
    assert changed == {"city": "Oulu", "addresses": [oulu]}  # C2: the address list follows the flat city
    assert custom_from == {"x": "b", "y": "b"} and fields_from == {"city": "b", "custom.x": "b"}


@pytest.mark.parametrize(
    "chosen, field",
    [({"city": "zzz"}, "chosen.city"), ({"shoe_size": "a"}, "chosen.shoe_size"), ("city", "chosen")],
)
def test_c11_plan_merge_refuses_bad_choices(chosen, field):
    with pytest.raises(ValidationFailed) as error:
        rules.plan_merge(person("a", "A", "B"), [person("b", "A", "B")], chosen)
    assert field in error.value.details


def test_c11_a_contact_is_not_merged_with_itself_and_ids_are_checked():
    with pytest.raises(ValidationFailed) as error:
        rules.check_distinct("a", ["b", "a"])
    assert "merged_ids" in error.value.details
    for survivor, merged in (("a", []), ("a", "b"), (None, ["b"]), ("a", ["b"] * 5)):
        with pytest.raises(ValidationFailed):
            rules.check_ids(survivor, merged)
    rules.check_ids("a", ["b"])


def test_c11_former_names_keep_differing_spellings_once():
    survivor = person("a", "José", "Virtanen")
    names = rules.former_names(
        survivor, {"first_name": "Jose"}, [person("b", "Jose", "Virtanen"), person("c", "JOSÉ", "virtanen")]
    )
    assert names == [{"first_name": "José", "last_name": "Virtanen"}]
