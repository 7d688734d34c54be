"""Pure rules of G5: rule kinds and their configuration, and the date a person is past retention.

``inactive``: no current membership, no change to the contact (``updated_at``) and no membership ended
within ``years``: past retention ``years`` after the later of the last change and the last membership end
(never while a membership is open-ended). ``deceased``: ``years`` after the date of death.
"""

from datetime import UTC, timedelta

from piiri.errors import coded
from services.contacts.retention.contract import KINDS

MAX_YEARS = 100


def add_years(day, years):
    """``day`` + ``years`` calendar years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def last_qualifying_day(today, years):
    """The latest day D with add_years(D, years) <= today: whatever happened on or before D is past."""
    day = add_years(today, -years)
    following = day + timedelta(days=1)
    if add_years(following, years) <= today:  # 28 Feb today and 29 Feb ``years`` ago
        day = following
    return day


def config_problems(kind, config):
    """{field: [message]} for a rule's kind and config (empty if they are fine)."""
    if kind not in KINDS:
        return {"kind": [coded("value.one_of", choices=", ".join(KINDS))]}
    if not isinstance(config, dict):
        return {"config": ["err.dp_rule_config"]}
    unknown = sorted(set(config) - {"years"})
    if unknown:
        return {"config": [coded("err.dp_rule_setting", name=name) for name in unknown]}
    years = config.get("years")
    if isinstance(years, bool) or not isinstance(years, int) or not 1 <= years <= MAX_YEARS:
        return {"config.years": ["err.dp_years"]}
    return {}


def activity_on(updated_at, memberships):
    """The day a contact was last active for the ``inactive`` rule: the later of its last change (UTC day)
    and its memberships' last end; None while a membership has no end (migration 0015 keeps the same
    value in retention_activity)."""
    if any(membership.get("ends_on") is None for membership in memberships):
        return None
    last = updated_at.astimezone(UTC).date()
    ends = [membership["ends_on"] for membership in memberships]
    return max([last, *ends])


def past_retention_on(rule, facts):
    """The date the contact is past retention under ``rule`` (None: not while things stay as they are).

    ``facts``: ``activity_on`` (see activity_on()) and ``deceased_on``.
    """
    years = rule["config"]["years"]
    on = facts.get("deceased_on") if rule["kind"] == "deceased" else facts.get("activity_on")
    return add_years(on, years) if on else None


def retention_dates(rules, facts, today):
    """[{rule_id, rule_name, kind, past_retention_on, past}] for each rule, for one contact."""
    dates = []
    for rule in rules:
        on = past_retention_on(rule, facts)
        dates.append(
            {
                "rule_id": rule["id"],
                "rule_name": rule["name"],
                "kind": rule["kind"],
                "past_retention_on": on,
                "past": on is not None and on <= today,
            }
        )
    return dates
