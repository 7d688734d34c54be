"""B4 (issue 15), membership from payments: paid up for a period is a payment of it that no credit note
withdrew, or a free or honorary flag; which members an invoice event covers; the search filters' periods;
when an automation's paid-up trigger fires."""

import uuid
from datetime import UTC, datetime

import pytest

from piiri.dead_letters import Unprocessable
from piiri.errors import ValidationFailed
from services.contacts.automations import rules as automation_rules
from services.contacts.paid_membership import filters, rules
from services.contacts.paid_membership.rpc import invoice_of

WITHDRAWN = datetime(2027, 3, 1, tzinfo=UTC)


def row(period, withdrawn_at=None):
    return {"period": period, "withdrawn_at": withdrawn_at}


def test_b4_paid_up_comes_from_payments_not_withdrawn():
    payments = [row("2026"), row("2027", WITHDRAWN), row("2028")]
    assert rules.paid_periods(payments) == ["2028", "2026"]
    assert rules.paid_up(payments, None, "2026")
    assert not rules.paid_up(payments, None, "2027")  # credited: an invoice that existed counts for nothing
    assert not rules.paid_up([], None, "2027")


def test_b4_a_free_or_honorary_flag_is_paid_up_for_every_period():
    flag = {"kind": "honorary", "reason": "Perustajajäsen"}
    assert rules.paid_up([], flag, "2027") and rules.paid_up([row("2027", WITHDRAWN)], flag, "1999")


def test_b4_an_invoice_event_covers_its_members_or_else_its_payer():
    anna, bertil = uuid.uuid4(), uuid.uuid4()
    assert rules.member_ids({"contact_id": str(anna), "member_ids": [str(anna), str(bertil)]}) == [
        anna,
        bertil,
    ]
    assert rules.member_ids({"contact_id": str(anna)}) == [anna]  # an event without member_ids
    assert rules.member_ids({"contact_id": None, "member_ids": []}) == []  # the payer was erased
    invoice_id = uuid.uuid4()
    payload = {"invoice_id": str(invoice_id), "membership_period": " 2027 ", "member_ids": [str(anna)]}
    assert invoice_of(payload) == (invoice_id, "2027", [anna])
    assert invoice_of({**payload, "membership_period": None})[1] is None  # not a membership fee
    with pytest.raises(Unprocessable):
        invoice_of({"membership_period": "2027"})


@pytest.mark.parametrize("value", ["2027", "2026-2027", "2026-27"])
def test_b4_periods_are_years_or_seasons(value):
    assert rules.valid_period(value) == value
    filters.paid_up(value)  # builds a condition


@pytest.mark.parametrize("value", ["", "27", "vuosi", "2027-", "2027/2028"])
def test_b4_filters_refuse_what_is_no_period_with_a_code(value):
    for name, build in (("paid_up", filters.paid_up), ("not_paid_up", filters.not_paid_up)):
        with pytest.raises(ValidationFailed) as error:
            build(value)
        assert error.value.details == {name: ["contacts.membership_period_invalid"]}


def test_b4_the_paid_up_trigger_fires_for_its_period_and_direction():
    errors = {}
    becomes = automation_rules.TRIGGERS["membership_paid_changed"].validate({"period": "2027"}, errors)
    stops = automation_rules.TRIGGERS["membership_paid_changed"].validate(
        {"period": "2027", "paid_up": False}, errors
    )
    assert not errors and becomes == {"period": "2027", "paid_up": True}
    paid = {"period": "2027", "paid_up": True, "paid_periods": ["2027"], "membership_flag": None}
    credited = {"period": "2027", "paid_up": False, "paid_periods": [], "membership_flag": None}
    other_year = {"period": "2026", "paid_up": True, "paid_periods": ["2026"], "membership_flag": None}
    honorary = {"period": None, "paid_up": True, "paid_periods": [], "membership_flag": "honorary"}
    assert automation_rules.paid_trigger_fires(becomes, paid)
    assert not automation_rules.paid_trigger_fires(becomes, credited)
    assert automation_rules.paid_trigger_fires(stops, credited)
    assert not automation_rules.paid_trigger_fires(becomes, other_year)
    assert automation_rules.paid_trigger_fires(becomes, honorary)  # the flag covers every period
    bad = {}
    automation_rules.TRIGGERS["membership_paid_changed"].validate({"period": "ensi vuosi", "x": 1}, bad)
    assert set(bad) == {"trigger_config.period", "trigger_config.x"}
