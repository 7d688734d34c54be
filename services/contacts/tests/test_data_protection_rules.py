"""G1 effective legal basis and consent state, G5 retention dates and the merged past-retention page."""

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest

from piiri.errors import ValidationFailed
from services.contacts.consents import rules as consent_rules
from services.contacts.consents.contract import ConsentInput
from services.contacts.retention import listing
from services.contacts.retention import rules as retention_rules

TODAY = date(2026, 11, 25)
NEWSLETTER = {"code": "newsletter", "legal_basis": "consent"}
PHOTOS = {"code": "photos", "legal_basis": "consent"}


def basis(purpose, kind, starts_on=None, ends_on=None, created=0):
    return {
        "id": uuid.uuid4(), "purpose": purpose, "basis": kind, "starts_on": starts_on, "ends_on": ends_on,
        "created_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=created),
    }  # fmt: skip


def consent(purpose, given, days_ago):
    return {"id": uuid.uuid4(), "purpose": purpose, "given": given,
            "recorded_at": datetime(2026, 11, 25, tzinfo=UTC) - timedelta(days=days_ago)}  # fmt: skip


def test_g1_current_consent_is_the_latest_row_not_the_last_inserted():
    rows = [consent("newsletter", False, 1), consent("newsletter", True, 30), consent("photos", True, 2)]
    current = consent_rules.current_consents(rows)
    assert current["newsletter"]["given"] is False and current["photos"]["given"] is True


def test_g1_consent_basis_is_lawful_only_while_a_consent_is_given():
    assert consent_rules.effective_basis(NEWSLETTER, [], None, TODAY) == {
        "basis": "consent", "basis_source": "purpose", "legal_basis_id": None,
        "consent_given": None, "lawful": False,
    }  # fmt: skip
    assert consent_rules.effective_basis(NEWSLETTER, [], consent("newsletter", True, 1), TODAY)["lawful"]
    withdrawn = consent_rules.effective_basis(NEWSLETTER, [], consent("newsletter", False, 1), TODAY)
    assert withdrawn["lawful"] is False and withdrawn["consent_given"] is False


def test_g1_an_active_person_specific_basis_wins_over_the_default():
    contract = basis("photos", "contract", starts_on=date(2025, 1, 1))
    ended = basis("photos", "legal_obligation", starts_on=date(2026, 1, 1), ends_on=TODAY - timedelta(days=1))
    future = basis("photos", "public_task", starts_on=TODAY + timedelta(days=1))
    other = basis("newsletter", "contract")
    state = consent_rules.effective_basis(PHOTOS, [contract, ended, future, other], None, TODAY)
    assert (state["basis"], state["basis_source"], state["legal_basis_id"]) == (
        "contract",
        "person",
        contract["id"],
    )
    assert state["lawful"] is True  # not consent-based: lawful without a consent
    later = basis("photos", "legitimate_interest", starts_on=date(2026, 6, 1))
    assert (
        consent_rules.effective_basis(PHOTOS, [contract, later], None, TODAY)["basis"]
        == "legitimate_interest"
    )
    # The end date still counts; the day after, the default applies again.
    last_day = basis("photos", "contract", ends_on=TODAY)
    assert consent_rules.effective_basis(PHOTOS, [last_day], None, TODAY)["basis"] == "contract"
    assert (
        consent_rules.effective_basis(PHOTOS, [last_day], None, TODAY + timedelta(days=1))["basis"]
        == "consent"
    )


def test_g1_consent_times_may_be_backdated_never_future_and_naive_is_helsinki():
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)
    assert consent_rules.consent_time_problem(now - timedelta(days=900), now) is None
    assert "future" in consent_rules.consent_time_problem(now + timedelta(minutes=1), now)
    loaded = ConsentInput().load({"purpose": "newsletter", "given": True, "recorded_at": "2026-11-20T10:00"})
    assert loaded["recorded_at"].utcoffset() == timedelta(hours=2)
    assert ConsentInput().load({"purpose": "x", "given": "true", "source": "", "note": " "})["note"] is None


def test_g5_add_years_and_the_last_qualifying_day_handle_leap_days():
    assert retention_rules.add_years(date(2020, 2, 29), 1) == date(2021, 2, 28)
    assert retention_rules.add_years(date(2020, 2, 29), 4) == date(2024, 2, 29)
    # On 28 Feb 2021 both 28 and 29 Feb 2020 are one year ago.
    assert retention_rules.last_qualifying_day(date(2021, 2, 28), 1) == date(2020, 2, 29)
    assert retention_rules.last_qualifying_day(date(2026, 11, 25), 3) == date(2023, 11, 25)
    for day in (date(2021, 2, 27), date(2021, 2, 28), date(2021, 3, 1), date(2024, 2, 29)):
        last = retention_rules.last_qualifying_day(day, 1)
        assert (
            retention_rules.add_years(last, 1) <= day < retention_rules.add_years(last + timedelta(days=1), 1)
        )


def test_g5_activity_is_the_later_of_last_change_and_last_membership_end_none_while_open():
    changed = datetime(2020, 5, 31, 23, 30, tzinfo=UTC)
    assert retention_rules.activity_on(changed, []) == date(2020, 5, 31)
    ended = [{"ends_on": date(2021, 3, 1)}, {"ends_on": date(2019, 1, 1)}]
    assert retention_rules.activity_on(changed, ended) == date(2021, 3, 1)
    assert retention_rules.activity_on(changed, [*ended, {"ends_on": None}]) is None


def test_g5_retention_dates_per_rule():
    inactive = {"id": 1, "name": "Passiiviset", "kind": "inactive", "config": {"years": 3}}
    deceased = {"id": 2, "name": "Kuolleet", "kind": "deceased", "config": {"years": 1}}
    facts = {"activity_on": date(2023, 11, 25), "deceased_on": None}
    dates = retention_rules.retention_dates([inactive, deceased], facts, TODAY)
    assert [(d["past_retention_on"], d["past"]) for d in dates] == [(date(2026, 11, 25), True), (None, False)]
    member = {"activity_on": None, "deceased_on": date(2026, 1, 1)}
    dates = retention_rules.retention_dates([inactive, deceased], member, TODAY)
    assert [(d["past_retention_on"], d["past"]) for d in dates] == [(None, False), (date(2027, 1, 1), False)]


@pytest.mark.parametrize(
    "kind, config, field",
    [
        ("forever", {"years": 3}, "kind"),
        ("inactive", {"years": 0}, "config.years"),
        ("inactive", {"years": True}, "config.years"),
        ("deceased", {"years": 101}, "config.years"),
        ("deceased", {"years": 2, "months": 1}, "config"),
        ("deceased", [2], "config"),
    ],
)
def test_g5_rule_config_problems_name_the_field(kind, config, field):
    assert field in retention_rules.config_problems(kind, config)


def test_g5_merged_page_lists_each_contact_once_in_since_order_and_pages_by_keyset():
    a, b = str(uuid.uuid4()), str(uuid.uuid4())
    rules = [
        {"id": a, "name": "inactive", "kind": "inactive", "config": {"years": 1}},
        {"id": b, "name": "deceased", "kind": "deceased", "config": {"years": 3}},
    ]
    people = {uuid.UUID(int=n): {"activity_on": None, "deceased_on": None} for n in range(1, 7)}
    people[uuid.UUID(int=1)]["activity_on"] = date(2020, 1, 1)  # since 2021-01-01
    people[uuid.UUID(int=2)]["activity_on"] = date(2024, 6, 1)  # since 2025-06-01
    people[uuid.UUID(int=3)]["deceased_on"] = date(2019, 1, 1)  # since 2022-01-01
    people[uuid.UUID(int=4)]["deceased_on"] = date(2017, 1, 1)  # since 2020-01-01 ...
    people[uuid.UUID(int=4)]["activity_on"] = date(2019, 6, 1)  # ... and inactive since 2020-06-01
    people[uuid.UUID(int=5)]["activity_on"] = date(2025, 12, 1)  # since 2026-12-01: not yet
    people[uuid.UUID(int=6)]["activity_on"] = date(2023, 3, 3)  # since 2024-03-03

    def fetch(rule, after, n):
        field = "activity_on" if rule["kind"] == "inactive" else "deceased_on"
        last = retention_rules.last_qualifying_day(TODAY, rule["config"]["years"])
        rows = sorted((f[field], cid) for cid, f in people.items() if f[field] and f[field] <= last)
        rows = [row for row in rows if after is None or row > after]
        return [{"on": on, "id": cid} for on, cid in rows[:n]]

    def facts_for(ids):
        return {cid: people[cid] for cid in ids}

    seen, positions, pages = [], {}, 0
    while True:
        items, positions, more = listing.merged_page(rules, fetch, facts_for, TODAY, 2, positions)
        seen += [(cid.int, found[0]["kind"], len(found)) for cid, found in items]
        positions = listing.decode_positions(listing.encode_positions(positions))
        pages += 1
        if not more:
            break
    assert seen == [
        (4, "deceased", 2),
        (1, "inactive", 1),
        (3, "deceased", 1),
        (6, "inactive", 1),
        (2, "inactive", 1),
    ]
    assert pages <= 4
    with pytest.raises(ValidationFailed):
        listing.decode_positions("bm90IGpzb24")
