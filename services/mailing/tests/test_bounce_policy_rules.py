"""M5 bounce policy (services/mailing/flags/rules.py): a hard bounce flags a contact at once; soft bounces
flag it when it has soft bounced in MAILING_SOFT_BOUNCE_LIMIT campaigns (default 3)."""

import pytest

from services.mailing.flags import rules


def test_m5_a_hard_bounce_flags_at_once():
    assert rules.bounce_flags("hard", 0, 3)
    assert rules.bounce_flags("hard", 0, 1)


def test_m5_soft_bounces_flag_at_the_limit():
    assert not rules.bounce_flags("soft", 1, 3)
    assert not rules.bounce_flags("soft", 2, 3)
    assert rules.bounce_flags("soft", 3, 3)
    assert rules.bounce_flags("soft", 4, 3)
    assert rules.bounce_flags("soft", 1, 1)


def test_m5_campaign_monitor_bounce_types():
    assert rules.bounce_kind("Hard") == "hard"
    assert rules.bounce_kind("hard ") == "hard"
    assert rules.bounce_kind("Soft") == "soft"
    assert rules.bounce_kind(None) == "soft"  # unknown: the milder one, counted towards the limit
    assert rules.bounce_kind("Transient") == "soft"


def test_m5_the_soft_bounce_limit_is_configurable_and_defaults_to_three():
    assert rules.soft_bounce_limit({}) == rules.SOFT_BOUNCE_LIMIT == 3
    assert rules.soft_bounce_limit({"MAILING_SOFT_BOUNCE_LIMIT": "5"}) == 5
    assert rules.soft_bounce_limit({"MAILING_SOFT_BOUNCE_LIMIT": 1}) == 1


@pytest.mark.parametrize("value", ["0", "-2", "kolme", "", "2.5"])
def test_m5_a_bad_soft_bounce_limit_is_a_clear_error(value):
    with pytest.raises(ValueError, match="MAILING_SOFT_BOUNCE_LIMIT must be a whole number of at least 1"):
        rules.soft_bounce_limit({"MAILING_SOFT_BOUNCE_LIMIT": value})
