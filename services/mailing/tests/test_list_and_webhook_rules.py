"""M1, M5: a mailing list's input checked into codes, and Campaign Monitor's webhook bodies read (only
Deactivate events flag; a malformed body is a 400)."""

import json

import pytest

from piiri.errors import BadRequest, Conflict, ValidationFailed
from services.mailing.contract import errors
from services.mailing.flags import rules as flag_rules
from services.mailing.lists import rules

GROUP = "52c4abac-8c60-42be-be11-5d3261586690"


def test_m1_a_valid_list():
    values = rules.checked_input(
        {
            "name": "  Uutis   kirje ",
            "purpose": "newsletter",
            "source_kind": "group",
            "source_id": GROUP,
            "fields": ["first_name", "custom.member_no", "first_name"],
        }
    )
    assert values["name"] == "Uutis kirje" and values["include_subgroups"] is True
    assert values["fields"] == ["first_name", "custom.member_no"] and values["source_id"] == GROUP


def test_m1_errors_are_codes_per_field():
    with pytest.raises(ValidationFailed) as caught:
        rules.checked_input({"name": " ", "purpose": "newsletter", "source_kind": "everyone"})
    assert caught.value.message == "mailing.list_invalid"
    assert caught.value.details == {
        "name": ["mailing.name_required"],
        "source_kind": ["mailing.source_kind_invalid"],
        "source_id": ["mailing.source_id_invalid"],
    }
    with pytest.raises(ValidationFailed) as caught:
        rules.checked_input(
            {"name": "x", "purpose": "p", "source_kind": "group", "source_id": GROUP, "fields": ["password"]}
        )
    assert caught.value.details["fields"] == [
        {"code": "mailing.field_unknown", "params": {"field": "password"}}
    ]
    with pytest.raises(ValidationFailed) as caught:
        rules.checked_input("a list")
    assert caught.value.details == {"_schema": ["mailing.not_an_object"]}


def test_m1_a_partial_change():
    assert rules.checked_input({"name": "Uusi"}, partial=True) == {"name": "Uusi"}


def test_m5_only_deactivate_events_of_unsubscribes_and_bounces_flag():
    body = {
        "Events": [
            {
                "Type": "Deactivate",
                "State": "Unsubscribed",
                "EmailAddress": "a@example.fi",
                "Date": "2026-01-02 10:00:00",
            },
            {"Type": "Deactivate", "State": "Bounced", "EmailAddress": "b@example.fi", "Date": "bad"},
            {"Type": "Deactivate", "State": "Deleted", "EmailAddress": "c@example.fi"},
            {"Type": "Subscribe", "EmailAddress": "d@example.fi"},
        ],
        "ListID": "x",
    }
    found = flag_rules.deactivations(json.dumps(body))
    assert [(email, kind) for email, kind, _ in found] == [
        ("a@example.fi", "unsubscribed"),
        ("b@example.fi", "bounced"),
    ]
    assert found[0][2].isoformat() == "2026-01-02T10:00:00+00:00"


@pytest.mark.parametrize(
    "body", ["{nope", "[]", json.dumps({"ListID": "x"}), json.dumps({"Events": [{"Type": "Deactivate"}]})]
)
def test_m5_a_malformed_webhook_body_is_a_400(body):
    with pytest.raises(BadRequest) as caught:
        flag_rules.deactivations(body)
    assert caught.value.status == 400 and caught.value.message == "mailing.webhook_body_invalid"


def test_m5_at_most_1000_events_a_post():
    events = [{"Type": "Update", "EmailAddress": f"{n}@example.fi"} for n in range(1001)]
    with pytest.raises(BadRequest):
        flag_rules.deactivations(json.dumps({"Events": events}))


def test_m5_a_webhook_deleted_at_campaign_monitor_is_remade_only_with_the_gateways_address():
    """M5: switching a list's webhook on again after Campaign Monitor deleted it makes a new one at the
    gateway's public address; without MAILING_WEBHOOK_BASE_URL it is refused by name (the alert stays),
    never 'switched on' with nothing listening."""
    mailing_list = {"id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "webhook_secret": "s3cret"}
    url = rules.remade_webhook_url("https://piiri.example.fi/", mailing_list)
    assert (
        url == "https://piiri.example.fi/api/v1/mailing/webhooks/1b4e28ba-2fa1-11d2-883f-0016d3cca427/s3cret"
    )
    for base in (None, ""):
        with pytest.raises(Conflict) as refused:
            rules.remade_webhook_url(base, mailing_list)
        assert refused.value.message == errors.WEBHOOK_NO_ADDRESS
