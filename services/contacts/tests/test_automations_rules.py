"""C8 group automations: validation of definitions per trigger/action type, the type registry, and loop
detection (pure rules, no database)."""

import uuid
from datetime import date

import pytest

from piiri.errors import ValidationFailed
from services.contacts.automations import rules
from services.contacts.automations.describe import describe
from services.contacts.automations.storage import hit_day

A, B, C, SUB_A = (str(uuid.uuid4()) for _ in range(4))
PARENTS = {SUB_A: {A}}


def ancestors(group_id):
    return PARENTS.get(str(group_id), set())


def auto(
    name, trigger_group, action_group, trigger="member_joined", action="add_to_group", sub=False, on=True
):
    return {
        "id": name,
        "name": name,
        "enabled": on,
        "trigger_type": trigger,
        "trigger_config": {"group_id": trigger_group, "include_subgroups": sub},
        "action_type": action,
        "action_config": {"group_id": action_group},
    }


def definition(**changes):
    data = {
        "name": "Tervetuloa",
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": A},
        "action_type": "add_to_group",
        "action_config": {"group_id": B},
    }
    data.update(changes)
    return data


def errors_of(data, current=None):
    with pytest.raises(ValidationFailed) as caught:
        rules.validate_definition(data, current)
    return caught.value.details


def test_c8_valid_member_trigger_is_cleaned():
    clean = rules.validate_definition(definition(name="  Tervetuloa "))
    assert clean == {
        "name": "Tervetuloa",
        "enabled": True,
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": A, "include_subgroups": False},
        "action_type": "add_to_group",
        "action_config": {"group_id": B, "role": None},
    }


def test_c8_bad_input_names_every_field():
    details = errors_of(
        {
            "name": "",
            "trigger_type": "member_joined",
            "trigger_config": {"group_id": "x", "include_subgroups": "yes", "extra": 1},
            "action_type": "explode",
            "colour": "red",
        }
    )
    assert set(details) == {
        "name",
        "colour",
        "trigger_config.group_id",
        "trigger_config.include_subgroups",
        "trigger_config.extra",
        "action_type",
    }


@pytest.mark.parametrize(
    "config, field",
    [
        ({"field": "membership_ends"}, "trigger_config.group_id"),
        ({"field": "shoe_size"}, "trigger_config.field"),
        ({"field": "birth_date", "offset_days": "soon"}, "trigger_config.offset_days"),
        ({"field": "birth_date", "offset_days": 99999}, "trigger_config.offset_days"),
        ({"field": "birth_date", "group_id": A}, "trigger_config.group_id"),
    ],
)
def test_c8_date_trigger_errors(config, field):
    assert field in errors_of(definition(trigger_type="date_reached", trigger_config=config))


def test_c8_date_trigger_kinds():
    for config in (
        {"field": "membership_ends", "group_id": A, "offset_days": -30},
        {"field": "birth_date"},
        {"field": "custom.jasenyys_alkoi", "offset_days": "7"},
    ):
        clean = rules.validate_definition(definition(trigger_type="date_reached", trigger_config=config))
        assert clean["trigger_config"]["field"] == config["field"]
    assert clean["trigger_config"]["offset_days"] == 7


@pytest.mark.parametrize(
    "action, config, field",
    [
        ("set_status", {}, "action_config.kind"),
        ("set_status", {"kind": "abroad", "days": 0}, "action_config.days"),
        ("end_status", {"kind": " "}, "action_config.kind"),
        ("publish_event", {"event_type": "Welcome!"}, "action_config.event_type"),
        ("publish_event", {"event_type": "member_joined"}, "action_config.event_type"),
        ("publish_event", {"event_type": "welcome", "payload": {"contact_id": "x"}}, "action_config.payload"),
        ("publish_event", {"event_type": "welcome", "payload": {"a": {"b": 1}}}, "action_config.payload"),
        ("remove_from_group", {"group_id": A, "role": "x"}, "action_config.role"),
    ],
)
def test_c8_action_errors(action, config, field):
    assert field in errors_of(definition(action_type=action, action_config=config))


def test_c8_publish_event_keeps_static_payload():
    clean = rules.validate_definition(
        definition(
            action_type="publish_event", action_config={"event_type": "welcome_email", "payload": {"x": 1}}
        )
    )
    assert clean["action_config"] == {"event_type": "welcome_email", "payload": {"x": 1}}


def test_c8_changes_merge_onto_the_current_definition():
    current = rules.validate_definition(definition())
    assert rules.validate_definition({"enabled": False}, current)["enabled"] is False
    # Changing the action type drops the old action's config, so its fields must come along.
    assert "action_config.kind" in errors_of({"action_type": "set_status"}, current)


def test_c8_registry_lets_later_types_plug_in():
    assert set(rules.TRIGGERS) >= {"member_joined", "member_left", "date_reached"}
    assert set(rules.ACTIONS) >= {
        "add_to_group",
        "remove_from_group",
        "set_status",
        "end_status",
        "publish_event",
    }

    @rules.trigger_type("payment_received_test")
    def _payment(config, errors, prefix="trigger_config"):
        return {"min": config.get("min", 0)}

    try:
        clean = rules.validate_definition(
            definition(trigger_type="payment_received_test", trigger_config={"min": 5})
        )
        assert clean["trigger_config"] == {"min": 5}
    finally:
        del rules.TRIGGERS["payment_received_test"]


def test_c8_direct_loop_is_found():
    cycle = rules.find_loop([auto("ab", A, B), auto("ba", B, A)], ancestors)
    assert {item["name"] for item in cycle} == {"ab", "ba"}


def test_c8_self_loop_and_chain_without_loop():
    assert rules.find_loop([auto("aa", A, A)], ancestors)
    assert rules.find_loop([auto("ab", A, B), auto("bc", B, C)], ancestors) is None


def test_c8_subgroup_add_triggers_parent_only_with_include_subgroups():
    # Adding to a subgroup of A fires A's automation only if it includes subgroups.
    assert rules.find_loop([auto("a->sub", A, SUB_A)], ancestors) is None
    assert rules.find_loop([auto("a->sub", A, SUB_A, sub=True)], ancestors)


def test_c8_join_leave_chain_loop():
    joined = auto("joined A: remove from B", A, B, action="remove_from_group")
    left = auto("left B: add to A", B, A, trigger="member_left")
    assert rules.find_loop([joined, left], ancestors)
    # A leave trigger is not fired by adding.
    assert (
        rules.find_loop([auto("ab", A, B), auto("left B: add A", B, A, trigger="member_left")], ancestors)
        is None
    )


def test_c8_disabled_automations_do_not_loop_and_non_group_actions_never_do():
    assert rules.find_loop([auto("ab", A, B), auto("ba", B, A, on=False)], ancestors) is None
    status = {**auto("st", A, None, action="set_status"), "action_config": {"kind": "abroad"}}
    assert rules.find_loop([status, auto("aa", B, C)], ancestors) is None


def test_c8_check_no_loop_names_the_automations():
    with pytest.raises(ValidationFailed) as caught:
        rules.check_no_loop(auto("B -> A", B, A), [auto("A -> B", A, B)], ancestors)
    assert caught.value.message == "au.err_loop" and "'A -> B'" in caught.value.params["names"]
    assert "'B -> A'" in caught.value.params["names"] and "action_config" in caught.value.details
    rules.check_no_loop(auto("B -> A", B, A, on=False), [auto("A -> B", A, B)], ancestors)


def test_c8_date_hit_day_with_offset_and_yearly_birthdays():
    config = {"field": "membership_ends", "offset_days": -30}
    assert hit_day(config, date(2026, 12, 25), date(2026, 11, 25), date(2026, 11, 30)) == date(2026, 11, 25)
    assert hit_day(config, date(2027, 1, 25), date(2026, 11, 25), date(2026, 11, 30)) is None
    birthday = {"field": "birth_date", "offset_days": 0}
    assert hit_day(birthday, date(1970, 11, 27), date(2026, 11, 25), date(2026, 12, 1)) == date(2026, 11, 27)


def test_c8_describe_in_words():
    texts = describe(auto("ab", A, B, sub=True), {A: "Hallitus", B: "Uutiskirje"})
    assert texts == {
        "trigger_text": "Someone joins 'Hallitus' or a subgroup",
        "action_text": "add to 'Uutiskirje'",
    }


def test_c8_an_automation_acts_only_on_membership_changes_after_it_was_created():
    """C8: a join that happened before the automation existed (its event still on its way to the worker)
    does not run it; one at or after its creation does; an event without occurred_at (written before the
    field was carried) runs every automation it fires, as before."""
    from datetime import UTC, datetime, timedelta

    created = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    automation = {**auto("A -> B", A, B), "created_at": created}
    earlier = (created - timedelta(milliseconds=1)).isoformat()
    assert rules.existing_at([automation], earlier) == []
    assert rules.existing_at([automation], created.isoformat()) == [automation]
    assert rules.existing_at([automation], (created + timedelta(seconds=1)).isoformat()) == [automation]
    assert rules.existing_at([automation], None) == [automation]
