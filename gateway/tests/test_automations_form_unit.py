"""The automation form's mapping to a definition and back (C8, B4 grace period): only the chosen
trigger's fields are sent, and an edited automation fills the same form fields again."""

from gateway.automations.web import FORM_FIELDS, definition_from_form, form_from_definition

GROUP = "9a9ba5b1-8f4e-4d55-9b0e-0d1f6c1f3a11"
TARGET = "526d9016-ebc0-4869-a4c7-5be042dfb08f"


def test_b4_grace_period_form_sends_period_group_subgroups_and_day_and_comes_back():
    form = {
        "name": "Maksamattomat siirtoon",
        "enabled": "1",
        "trigger_type": "membership_unpaid_on",
        "paid_period": " 2027 ",
        "trigger_group_id": GROUP,
        "include_subgroups": "1",
        "unpaid_on": "2027-03-31",
        "paid_up": "1",  # another trigger's field: not sent
        "date_field": "birth_date",
        "action_type": "add_to_group",
        "action_group_id": TARGET,
    }
    definition = definition_from_form(form)
    assert definition["trigger_config"] == {
        "period": "2027",
        "group_id": GROUP,
        "include_subgroups": True,
        "on_date": "2027-03-31",
    }
    again = form_from_definition({**definition, "enabled": True})
    assert (
        again["paid_period"],
        again["trigger_group_id"],
        again["include_subgroups"],
        again["unpaid_on"],
    ) == (
        "2027",
        GROUP,
        "1",
        "2027-03-31",
    )
    assert FORM_FIELDS["trigger_config.on_date"] == "unpaid_on"  # the service's error lands on the field
