"""G1 data protection and G5 retention over the real broker and database: consents as append-only history
with a current state, legal bases, the per-person view, the consent filter, retention rules, the
past-retention list and bulk erasure through G4, permissions, audit records and events."""

import importlib.util
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from piiri.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from services.contacts.retention.rules import add_years
from services.contacts.service import ContactsService

NOW = datetime.now(UTC)
OFFICER = (*ALL_PERMISSIONS, "groups.manage", "gdpr.officer")
MIGRATION = Path(__file__).parents[2] / "services/contacts/migrations/versions/0013_data_protection.py"
TRACKING_MIGRATION = MIGRATION.with_name("0028_email_tracking_purpose.py")


def seed_purposes(engines):
    """The built-in purposes of migration 0013 (clean_databases empties every table)."""
    spec = importlib.util.spec_from_file_location("dp_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with engines["contacts"].begin() as conn:
        for code, label_fi, label_en, basis in module.BUILTIN_PURPOSES:
            conn.execute(
                text(
                    "INSERT INTO processing_purposes (code, label_fi, label_en, legal_basis, builtin)"
                    " VALUES (:code, :fi, :en, :basis, true) ON CONFLICT DO NOTHING"
                ),
                {"code": code, "fi": label_fi, "en": label_en, "basis": basis},
            )


def seed_tracking_purpose(engines):
    """The built-in purpose of migration 0028: consent to open and click tracking (M4)."""
    spec = importlib.util.spec_from_file_location("tracking_migration", TRACKING_MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    code, label_fi, label_en, basis = module.PURPOSE
    with engines["contacts"].begin() as conn:
        conn.execute(
            text(
                "INSERT INTO processing_purposes (code, label_fi, label_en, legal_basis, builtin)"
                " VALUES (:code, :fi, :en, :basis, true) ON CONFLICT DO NOTHING"
            ),
            {"code": code, "fi": label_fi, "en": label_en, "basis": basis},
        )


@pytest.fixture
def cluster(run_services, rpc, clean_databases):
    seed_purposes(clean_databases)
    run_services(ContactsService)

    def as_(actor):
        return rpc(actor)

    return as_


@pytest.fixture
def officer(cluster):
    with cluster(make_actor("dpo-tester", permissions=OFFICER)) as proxy:
        yield proxy.contacts


def person(contacts, first, last, **more):
    return contacts.create_contact({"first_name": first, "last_name": last, **more})


def outbox(engines, routing_key):
    with engines["contacts"].connect() as conn:
        return conn.execute(
            text("SELECT payload FROM outbox WHERE routing_key = :key ORDER BY seq"), {"key": routing_key}
        ).scalars().all()  # fmt: skip


def ids(page):
    return [item["id"] for item in page["items"]]


def test_g1_consents_are_an_append_only_history_whose_latest_row_is_current(officer, clean_databases):
    """G1: given, then withdrawn, then a backdated given older than both: the withdrawal stays current."""
    anna = person(officer, "Anna", "Aalto")
    given = officer.record_consent(
        anna["id"],
        {"purpose": "newsletter", "given": True, "source": "paper", "text_version": "v1",
         "recorded_at": (NOW - timedelta(days=30)).isoformat()},
    )  # fmt: skip
    assert given["current"] is True and given["source"] == "paper" and given["recorded_by"] == "dpo-tester"
    withdrawn = officer.record_consent(
        anna["id"], {"purpose": "newsletter", "given": False, "note": "by phone"}
    )
    assert withdrawn["current"] is True and withdrawn["source"] == "staff"
    old = officer.record_consent(
        anna["id"],
        {"purpose": "newsletter", "given": True, "source": "form",
         "recorded_at": (NOW - timedelta(days=400)).isoformat()},
    )  # fmt: skip
    assert old["current"] is False
    listed = officer.list_consents(anna["id"])
    assert [row["id"] for row in listed["history"]] == [withdrawn["id"], given["id"], old["id"]]
    assert [row["id"] for row in listed["current"]] == [withdrawn["id"]]
    assert officer.get_contact(anna["id"])["consents"] == {"given": [], "withdrawn": ["newsletter"]}
    # Events for other services (mailing): each row, with the purpose's state after it.
    events = outbox(clean_databases, "consent_given") + outbox(clean_databases, "consent_withdrawn")
    assert sorted((event["consent"]["given"], event["current_given"]) for event in events) == [
        (False, False), (True, False), (True, True),
    ]  # fmt: skip
    audits = outbox(clean_databases, "contact.consent_given")
    assert [record["action"] for record in audits] == ["contact.consent_given"] * 2


def test_g1_bad_consents_are_refused_by_field_and_nothing_is_written(officer):
    """G1: future time, unknown purpose, unknown source, no given: clear errors, no rows."""
    anna = person(officer, "Anna", "Aalto")
    with pytest.raises(ValidationFailed) as error:
        officer.record_consent(anna["id"], {"purpose": "newsletter", "source": "pigeon"})
    assert set(error.value.details) == {"given", "source"}
    with pytest.raises(ValidationFailed) as error:
        officer.record_consent(
            anna["id"],
            {"purpose": "newsletter", "given": True, "recorded_at": (NOW + timedelta(days=1)).isoformat()},
        )
    assert error.value.details == {"recorded_at": ["err.dp_future"]}
    with pytest.raises(ValidationFailed) as error:
        officer.record_consent(anna["id"], {"purpose": "horoscopes", "given": True})
    assert error.value.details == {"purpose": ["err.dp_unknown_purpose"]}
    with pytest.raises(NotFound):
        officer.record_consent(
            "00000000-0000-0000-0000-000000000000", {"purpose": "newsletter", "given": True}
        )
    when = (NOW - timedelta(days=2)).isoformat()
    officer.record_consent(anna["id"], {"purpose": "photos", "given": True, "recorded_at": when})
    with pytest.raises(Conflict):
        officer.record_consent(anna["id"], {"purpose": "photos", "given": False, "recorded_at": when})
    assert len(officer.list_consents(anna["id"])["history"]) == 1


def test_g1_consent_filter_finds_current_consents_only(officer):
    """G1/C4: consent=newsletter keeps people whose latest newsletter consent is given."""
    anna, eero, liisa = (person(officer, name, "Koski") for name in ("Anna", "Eero", "Liisa"))
    officer.record_consent(anna["id"], {"purpose": "newsletter", "given": True})
    officer.record_consent(eero["id"], {"purpose": "newsletter", "given": True,
                                        "recorded_at": (NOW - timedelta(days=5)).isoformat()})  # fmt: skip
    officer.record_consent(eero["id"], {"purpose": "newsletter", "given": False})
    officer.record_consent(liisa["id"], {"purpose": "photos", "given": True})
    assert ids(officer.search_contacts(q="koski", filters={"consent": "newsletter"})) == [anna["id"]]
    assert ids(officer.search_contacts(filters={"consent": "photos"})) == [liisa["id"]]
    with pytest.raises(ValidationFailed) as error:
        officer.search_contacts(filters={"consent": "News Letter"})
    assert "consent" in error.value.details


def test_g1_view_gathers_bases_consents_memberships_mailing_and_retention(officer, clean_databases):
    """G1: the effective basis per purpose (person-specific over default), consent state, memberships
    with dates, mailing permissions and the date under each enabled retention rule; audited."""
    anna = person(officer, "Anna", "Aalto")
    group = officer.create_group("Hallitus")
    officer.add_members(
        group["id"], [anna["id"]], starts_on="2020-01-01", ends_on=str(clock.today() - timedelta(days=10))
    )
    officer.record_consent(anna["id"], {"purpose": "newsletter", "given": True, "text_version": "2025-1"})
    basis = officer.add_legal_basis(
        anna["id"], {"purpose": "photos", "basis": "contract", "starts_on": "2024-01-01", "note": "Sopimus"}
    )
    ended = officer.add_legal_basis(anna["id"], {"purpose": "events", "basis": "consent"})
    officer.end_legal_basis(anna["id"], ended["id"], {"ends_on": str(clock.today() - timedelta(days=1))})
    inactive = officer.create_retention_rule(
        {"name": "Passiiviset", "kind": "inactive", "config": {"years": 3}}
    )
    officer.create_retention_rule({"name": "Kuolleet", "kind": "deceased", "config": {"years": 1}})

    view = officer.data_protection_view(anna["id"])
    by_code = {item["purpose"]["code"]: item for item in view["purposes"]}
    assert by_code["newsletter"]["basis"] == "consent" and by_code["newsletter"]["lawful"] is True
    assert by_code["newsletter"]["consent"]["text_version"] == "2025-1"
    assert by_code["photos"]["basis"] == "contract" and by_code["photos"]["basis_source"] == "person"
    assert by_code["photos"]["legal_basis_id"] == basis["id"]
    assert by_code["events"]["basis"] == "legitimate_interest"  # the person's basis has ended
    assert by_code["events"]["basis_source"] == "purpose"
    assert by_code["membership"]["basis"] == "contract" and by_code["membership"]["consent_given"] is None
    assert [(m["group_name"], m["current"]) for m in view["memberships"]] == [("Hallitus", False)]
    mailing = {item["purpose"]: item["allowed"] for item in view["mailing"]["permissions"]}
    assert mailing["newsletter"] is True and "mailing service" in view["mailing"]["note"]
    retention = {item["kind"]: item for item in view["retention"]}
    assert retention["inactive"]["rule_id"] == inactive["id"]
    # the inactive rule counts from the UTC day of the last change (rules.activity_on), not Helsinki's
    assert retention["inactive"]["past_retention_on"] == add_years(datetime.now(UTC).date(), 3).isoformat()
    assert retention["inactive"]["past"] is False
    assert retention["deceased"]["past_retention_on"] is None
    assert view["erasure_requested_at"] is None


def test_g1_legal_bases_need_valid_dates_and_can_be_removed(officer):
    anna = person(officer, "Anna", "Aalto")
    with pytest.raises(ValidationFailed) as error:
        officer.add_legal_basis(
            anna["id"],
            {"purpose": "membership", "basis": "whim", "starts_on": "2025-01-01", "ends_on": "2024-01-01"},
        )
    assert set(error.value.details) == {"basis"}
    with pytest.raises(ValidationFailed) as error:
        officer.add_legal_basis(
            anna["id"],
            {
                "purpose": "membership",
                "basis": "contract",
                "starts_on": "2025-01-01",
                "ends_on": "2024-01-01",
            },
        )
    assert "ends_on" in error.value.details
    basis = officer.add_legal_basis(anna["id"], {"purpose": "membership", "basis": "contract"})
    assert officer.list_legal_bases(anna["id"])[0]["active"] is True
    officer.remove_legal_basis(anna["id"], basis["id"])
    assert officer.list_legal_bases(anna["id"]) == []
    with pytest.raises(NotFound):
        officer.remove_legal_basis(anna["id"], basis["id"])


def test_g1_permissions_purposes_need_gdpr_officer_consents_need_edit(cluster, officer):
    """G1: staff (no gdpr.officer) cannot manage purposes; read-only cannot record consents."""
    anna = person(officer, "Anna", "Aalto")
    custom = officer.create_processing_purpose(
        {"code": "alumni", "label_fi": "Alumnit", "label_en": "Alumni", "legal_basis": "consent"}
    )
    assert custom["builtin"] is False
    with pytest.raises(Conflict):
        officer.create_processing_purpose(
            {"code": "alumni", "label_fi": "A", "label_en": "A", "legal_basis": "consent"}
        )
    with pytest.raises(ValidationFailed) as error:
        officer.update_processing_purpose("newsletter", {"code": "letters"})
    assert "code" in error.value.details
    changed = officer.update_processing_purpose("newsletter", {"label_en": "Monthly newsletter"})
    assert changed["label_en"] == "Monthly newsletter" and changed["code"] == "newsletter"
    with cluster(make_actor("staffer", permissions=ALL_PERMISSIONS, roles=("staff",))) as proxy:
        with pytest.raises(PermissionDenied):
            proxy.contacts.create_processing_purpose(
                {"code": "other", "label_fi": "M", "label_en": "O", "legal_basis": "consent"}
            )
        with pytest.raises(PermissionDenied):
            proxy.contacts.create_retention_rule({"name": "x", "kind": "inactive", "config": {"years": 2}})
        with pytest.raises(PermissionDenied):
            proxy.contacts.past_retention()
        assert proxy.contacts.record_consent(anna["id"], {"purpose": "alumni", "given": True})["given"]
    with cluster(make_actor("reader", permissions=("contacts.view",), roles=("read_only",))) as proxy:
        with pytest.raises(PermissionDenied):
            proxy.contacts.record_consent(anna["id"], {"purpose": "newsletter", "given": True})
        with pytest.raises(PermissionDenied):
            proxy.contacts.add_legal_basis(anna["id"], {"purpose": "newsletter", "basis": "contract"})
        # every purpose (the built-in ones present whether the database was migrated or emptied, plus alumni)
        every = {item["code"] for item in officer.list_processing_purposes()}
        assert {
            item["purpose"]["code"] for item in proxy.contacts.data_protection_view(anna["id"])["purposes"]
        } == every
    with cluster(make_actor("nobody", permissions=(), roles=())) as proxy:
        with pytest.raises(PermissionDenied):
            proxy.contacts.data_protection_view(anna["id"])


def set_updated(engines, contact_id, when):
    with engines["contacts"].begin() as conn:
        conn.execute(
            text("UPDATE contacts SET updated_at = :when WHERE id = :id"), {"when": when, "id": contact_id}
        )


def test_g5_past_retention_lists_exactly_the_right_contacts_with_since(officer, clean_databases):
    """G5: inactive 3 years (no membership open or ended within 3 years, no change) and deceased 1 year."""
    old = datetime(2015, 6, 1, 12, tzinfo=UTC)
    quiet = person(officer, "Kalle", "Hiljainen")
    member = person(officer, "Maija", "Jäsen")
    former = person(officer, "Pekka", "Entinen")
    recent_former = person(officer, "Riitta", "Tuore")
    person(officer, "Sanna", "Muokattu")  # changed just now: never listed
    dead = person(officer, "Tauno", "Vainaja")
    group = officer.create_group("Jäsenet")
    officer.add_members(group["id"], [member["id"]], starts_on="2010-01-01")
    officer.add_members(group["id"], [former["id"]], starts_on="2010-01-01", ends_on="2016-03-01")
    officer.add_members(
        group["id"],
        [recent_former["id"]],
        starts_on="2010-01-01",
        ends_on=str(clock.today() - timedelta(days=365)),
    )
    officer.mark_deceased(dead["id"], {"deceased_on": str(clock.today() - timedelta(days=800))})
    for contact in (quiet, member, former, recent_former):
        set_updated(clean_databases, contact["id"], old)
    set_updated(clean_databases, dead["id"], datetime(2016, 1, 10, 8, tzinfo=UTC))  # inactive too
    assert officer.past_retention()["items"] == []  # no rules yet: nobody
    inactive = officer.create_retention_rule(
        {"name": "Passiiviset", "kind": "inactive", "config": {"years": 3}}
    )
    deceased = officer.create_retention_rule({"name": "Kuolleet", "kind": "deceased", "config": {"years": 1}})

    page = officer.past_retention()
    # Earliest "since" first.
    assert [item["display_name"] for item in page["items"]] == [
        "Kalle Hiljainen",
        "Tauno Vainaja",
        "Pekka Entinen",
    ]
    since = {item["display_name"]: [(r["kind"], r["since"]) for r in item["rules"]] for item in page["items"]}
    assert since["Pekka Entinen"] == [("inactive", "2019-03-01")]
    assert since["Kalle Hiljainen"] == [("inactive", "2018-06-01")]
    # Past retention under both rules: listed once, under the earlier one.
    assert since["Tauno Vainaja"] == [
        ("inactive", "2019-01-10"),
        ("deceased", add_years(clock.today() - timedelta(days=800), 1).isoformat()),
    ]
    assert officer.count_past_retention()["count"] == 3
    assert officer.count_past_retention(rule_id=deceased["id"])["count"] == 1
    # Keyset paging: one at a time, the same three in the same order.
    seen, cursor = [], None
    while True:
        one = officer.past_retention(limit=1, cursor=cursor)
        seen += ids(one)
        cursor = one["next_cursor"]
        if not cursor:
            break
    assert seen == ids(page)
    # A disabled rule no longer applies; a change to the contact resets its inactivity.
    officer.update_retention_rule(deceased["id"], {"enabled": False})
    officer.update_contact(quiet["id"], {"city": "Oulu"})
    assert [item["display_name"] for item in officer.past_retention()["items"]] == [
        "Tauno Vainaja",
        "Pekka Entinen",
    ]
    # Ending the open membership makes Maija inactive from its end; a new open one stops it again.
    officer.end_memberships(group["id"], [member["id"]], ends_on="2016-12-31")
    listed = {item["display_name"]: item["since"] for item in officer.past_retention()["items"]}
    assert listed == {
        "Tauno Vainaja": "2019-01-10",
        "Pekka Entinen": "2019-03-01",
        "Maija Jäsen": "2019-12-31",
    }
    officer.add_members(group["id"], [member["id"]], starts_on="2017-01-01")
    assert len(officer.past_retention()["items"]) == 2
    with pytest.raises(ValidationFailed):
        officer.past_retention(cursor="not-a-cursor")
    with pytest.raises(ValidationFailed):
        officer.past_retention(rule_id=deceased["id"])  # disabled
    assert officer.update_retention_rule(inactive["id"], {"config": {"years": 20}})["config"] == {"years": 20}
    assert officer.past_retention()["items"] == []


def test_g5_rules_are_validated(officer):
    for bad, field in (
        ({"name": "x", "kind": "forgotten", "config": {"years": 2}}, "kind"),
        ({"name": "x", "kind": "inactive", "config": {"years": 0}}, "config.years"),
        ({"name": "x", "kind": "inactive", "config": {"years": "5"}}, "config.years"),
        ({"name": "x", "kind": "inactive", "config": {"years": 5, "days": 3}}, "config"),
        ({"name": "", "kind": "inactive", "config": {"years": 5}}, "name"),
    ):
        with pytest.raises(ValidationFailed) as error:
            officer.create_retention_rule(bad)
        assert field in error.value.details, (bad, error.value.details)
    assert officer.list_retention_rules() == []
    rule = officer.create_retention_rule({"name": "x", "kind": "deceased", "config": {"years": 2}})
    officer.delete_retention_rule(rule["id"])
    with pytest.raises(NotFound):
        officer.delete_retention_rule(rule["id"])


def test_g5_bulk_erase_requests_g4_erasure_in_batches_and_is_idempotent(officer, clean_databases):
    """G5: erase all past retention in batches of 2 through request_erasure; a repeat does nothing."""
    people = [person(officer, name, "Vanha") for name in ("Aino", "Eino", "Iida", "Oona")]
    keep = person(officer, "Uuno", "Uusi")
    for contact in people:
        set_updated(clean_databases, contact["id"], datetime(2010, 1, 1, tzinfo=UTC))
    officer.create_retention_rule({"name": "Passiiviset", "kind": "inactive", "config": {"years": 5}})
    with pytest.raises(ValidationFailed):
        officer.erase_past_retention({"reason": "x"})
    some = officer.erase_past_retention(
        {"contact_ids": [people[0]["id"], keep["id"]], "reason": "Vanhentunut"}
    )
    assert some["requested"] == [people[0]["id"]] and some["remaining"] == 0 and some["done"] is True
    first = officer.erase_past_retention({"all": True, "batch_size": 2})
    assert len(first["requested"]) == 2 and first["remaining"] == 1 and first["done"] is False
    second = officer.erase_past_retention({"all": True, "batch_size": 2})
    assert len(second["requested"]) == 1 and second["remaining"] == 0 and second["done"] is True
    again = officer.erase_past_retention({"all": True})
    assert again == {"requested": [], "failed": {}, "remaining": 0, "done": True}
    with pytest.raises(NotFound):
        officer.get_contact(people[1]["id"])
    assert officer.get_contact(keep["id"])["id"] == keep["id"]
    with clean_databases["contacts"].connect() as conn:
        reasons = conn.execute(text("SELECT reason FROM erasures ORDER BY reason")).scalars().all()
    assert reasons == ["Past retention: Passiiviset"] * 3 + ["Vanhentunut"]


def test_g1_a_merge_keeps_the_merged_contacts_consent_history_and_legal_bases(officer):
    """G1 with C11: consents and legal bases of a merged contact move to the survivor, history whole."""
    anna = person(officer, "Anna", "Aalto", email="anna@example.fi")
    copy = person(officer, "Anna", "Aalto", email="anna.aalto@example.fi")
    officer.record_consent(anna["id"], {"purpose": "newsletter", "given": True,
                                        "recorded_at": (NOW - timedelta(days=10)).isoformat()})  # fmt: skip
    officer.record_consent(copy["id"], {"purpose": "newsletter", "given": False})
    officer.add_legal_basis(copy["id"], {"purpose": "photos", "basis": "contract"})
    officer.merge_contacts(anna["id"], [copy["id"]])
    listed = officer.list_consents(anna["id"])
    assert [row["given"] for row in listed["history"]] == [False, True]
    assert [row["given"] for row in listed["current"]] == [False]
    assert officer.search_contacts(q="aalto", filters={"consent": "newsletter"})["items"] == []
    assert [row["basis"] for row in officer.list_legal_bases(anna["id"])] == ["contract"]
