"""Issue 13 item 2: the dashboard timer counts a scope's figures once a round, however many contacts
instances run it: under the scope's lock it looks again whether the figures are still stale."""

from datetime import UTC, date, datetime, timedelta

from services.contacts.dashboard.rpc import REFRESH_AFTER_SECONDS, needs_count

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)


def test_figures_counted_by_another_instance_meanwhile_are_not_counted_again():
    fresh = {"day": TODAY, "computed_at": NOW - timedelta(seconds=5)}
    assert needs_count(fresh, TODAY, NOW) is False


def test_missing_old_or_yesterdays_figures_are_counted():
    old = {"day": TODAY, "computed_at": NOW - timedelta(seconds=REFRESH_AFTER_SECONDS + 1)}
    yesterdays = {"day": TODAY - timedelta(days=1), "computed_at": NOW - timedelta(seconds=5)}
    assert (
        needs_count(None, TODAY, NOW) and needs_count(old, TODAY, NOW) and needs_count(yesterdays, TODAY, NOW)
    )
