"""Search filters of paid-up membership (B4): ``paid_up=2027`` keeps the members paid up for 2027 (a
payment of it not credited, or a free or honorary flag); ``not_paid_up=2027`` keeps everyone else."""

from sqlalchemy import not_

from piiri.errors import ValidationFailed
from services.contacts.filters import FilterSet
from services.contacts.paid_membership import rules, storage


def _period(name, value):
    period = rules.valid_period(value)
    if period is None:
        raise ValidationFailed(
            "contacts.membership_period_invalid", {name: ["contacts.membership_period_invalid"]}
        )
    return period


def paid_up(value):
    """Only contacts paid up for this period."""
    return storage.paid_up(_period("paid_up", value))


def not_paid_up(value):
    """Only contacts not paid up for this period."""
    return not_(storage.paid_up(_period("not_paid_up", value)))


# What this module adds to the contact search (registries.py lists it).
FILTERS = FilterSet(filters={"paid_up": paid_up, "not_paid_up": not_paid_up})
