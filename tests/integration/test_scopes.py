"""C6/S1 data scopes enforced by the contacts service itself (defence in depth), over the real broker and
database: an actor limited to some contact groups neither sees, finds, counts nor changes anyone else."""

import dataclasses
from datetime import date

import pytest

from conftest import ALL_PERMISSIONS, make_actor
from piiri import clock
from piiri.errors import NotFound, PermissionDenied
from services.audit.service import AuditService
from services.contacts.service import ContactsService
from tests.events import wait_for

ADMIN = make_actor(
    "scope-admin", permissions=(*ALL_PERMISSIONS, "groups.manage", "automations.manage", "fields.manage")
)


@pytest.fixture
def world(run_services, rpc):
    """Groups Helsinki (with subgroup Kallio) and Turku; Inka in Helsinki, Kalle in Kallio, Outi in Turku,
    Nelli in no group; all born 1976-06-02 (a round birthday soon), all called 'Scopetest'."""
    run_services(ContactsService, AuditService)
    with rpc(ADMIN) as cluster:
        contacts = cluster.contacts
        helsinki = contacts.create_group("Helsinki")
        kallio = contacts.create_group("Kallio", parent_id=helsinki["id"])
        turku = contacts.create_group("Turku")
        today = clock.today()  # the service's day (Finland): not the server's after 22:00 UTC
        birth = date(today.year - 50, today.month, min(today.day, 28)).isoformat()  # a round birthday
        people = {}
        for first in ("Inka", "Kalle", "Outi", "Nelli"):
            people[first] = contacts.create_contact(
                {"first_name": first, "last_name": "Scopetest", "email": f"{first.lower()}@example.org",
                 "birth_date": birth}
            )["id"]  # fmt: skip
        contacts.add_members(helsinki["id"], [people["Inka"]])
        contacts.add_members(kallio["id"], [people["Kalle"]])
        contacts.add_members(turku["id"], [people["Outi"]])
        yield {"people": people, "helsinki": helsinki, "kallio": kallio, "turku": turku, "rpc": rpc}


def scoped(world, *groups, permissions=ALL_PERMISSIONS):
    actor = make_actor("scoped-staff", permissions=permissions, roles=("staff",))
    return dataclasses.replace(actor, scoped=True, scope_group_ids=tuple(world[g]["id"] for g in groups))


def names(page):
    return sorted(item["display_name"].split()[0] for item in page["items"])


def test_c6_scoped_actor_gets_and_changes_only_contacts_in_scope(world):
    """C6: get/update/delete of an out-of-scope contact answers exactly as an unknown id (404)."""
    people = world["people"]
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        contacts = cluster.contacts
        assert contacts.get_contact(people["Kalle"])["first_name"] == "Kalle"  # a subgroup's member
        for outsider in (people["Outi"], people["Nelli"]):
            with pytest.raises(NotFound) as refused:
                contacts.get_contact(outsider)
            assert str(outsider) in str(refused.value)
            with pytest.raises(NotFound):
                contacts.update_contact(outsider, {"first_name": "Hacked"})
            with pytest.raises(NotFound):
                contacts.delete_contact(outsider)
            with pytest.raises(NotFound):
                contacts.list_statuses(outsider)
            assert contacts.contact_exists(outsider) is False
        assert contacts.contact_exists(people["Inka"]) is True
    with world["rpc"](ADMIN) as cluster:
        assert cluster.contacts.get_contact(people["Outi"])["first_name"] == "Outi"  # nothing changed


def test_c6_search_counts_advanced_and_members_hide_out_of_scope_contacts(world):
    """C6: list/search (exact and fuzzy), counts, advanced search and its count, group members and the
    group tree's counts see only the scope."""
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        contacts = cluster.contacts
        assert names(contacts.search_contacts(q="scopetest")) == ["Inka", "Kalle"]
        assert names(contacts.search_contacts(q="scopetets")) == ["Inka", "Kalle"]  # typo: fuzzy path
        assert names(contacts.search_contacts(q="outi@example.org")) == []
        assert names(contacts.search_contacts()) == ["Inka", "Kalle"]
        assert contacts.count_contacts(q="scopetest")["count"] == 2
        assert contacts.search_summary(q="")["count"]["count"] == 2
        expression = {"text": "scopetest"}
        assert names(contacts.search_contacts_advanced(expression)) == ["Inka", "Kalle"]
        assert contacts.count_contacts_advanced(expression)["count"] == 2
        assert names(contacts.members(world["turku"]["id"])) == []
        assert names(contacts.members(world["helsinki"]["id"])) == ["Inka", "Kalle"]
        tree = {item["name"]: item for item in contacts.list_groups()["items"]}
        assert tree["Turku"]["all_members"] == 0 and tree["Helsinki"]["all_members"] == 2
        assert contacts.get_group(world["turku"]["id"])["all_members"] == 0
    with world["rpc"](scoped(world)) as cluster:  # limited to nothing: sees nobody (not everybody)
        assert names(cluster.contacts.search_contacts(q="scopetest")) == []
        assert cluster.contacts.count_contacts(q="scopetest")["count"] == 0


def test_c6_birthdays_duplicates_merge_and_memberships_respect_the_scope(world):
    """C6: birthdays list, duplicate candidates, compare/merge and membership changes refuse or hide
    out-of-scope contacts."""
    people = world["people"]
    with world["rpc"](scoped(world, "turku")) as cluster:
        contacts = cluster.contacts
        upcoming = [item["display_name"] for item in contacts.upcoming_birthdays(horizon_days=366)["items"]]
        assert upcoming == ["Outi Scopetest"]
        with pytest.raises(NotFound):
            contacts.compare_contacts([people["Outi"], people["Nelli"]])
        with pytest.raises(NotFound):
            contacts.merge_contacts(people["Outi"], [people["Nelli"]])
        with pytest.raises(NotFound) as refused:
            contacts.add_members(world["turku"]["id"], [people["Nelli"]])
        assert refused.value.details["contact_ids"] == [str(people["Nelli"])]
        ended = contacts.end_memberships(world["helsinki"]["id"], [people["Inka"]])
        assert ended["ended"] == []
        assert [item["contact"]["id"] for item in contacts.duplicates_of(people["Outi"])["items"]] == []
    with world["rpc"](ADMIN) as cluster:  # nothing was merged or ended; an unscoped admin sees all
        everyone = cluster.contacts.upcoming_birthdays(horizon_days=366)["items"]
        assert len([item for item in everyone if "Scopetest" in item["display_name"]]) == 4
        assert cluster.contacts.get_contact(people["Nelli"])["first_name"] == "Nelli"
        assert names(cluster.contacts.members(world["helsinki"]["id"])) == ["Inka", "Kalle"]


def test_c6_saved_searches_and_automation_dry_runs_see_only_the_scope(world):
    """C6: a shared saved search and an automation's dry run list only the actor's contacts."""
    turku = world["turku"]["id"]
    with world["rpc"](ADMIN) as cluster:
        shared = cluster.contacts.create_saved_search(
            {"name": "Kaikki", "query": "scopetest", "shared": True}
        )
    definition = {
        "name": "Tervetuloa",
        "trigger_type": "member_joined",
        "trigger_config": {"group_id": world["helsinki"]["id"], "include_subgroups": True},
        "action_type": "add_to_group",
        "action_config": {"group_id": turku},
    }
    permissions = (*ALL_PERMISSIONS, "automations.manage")
    with world["rpc"](scoped(world, "kallio", permissions=permissions)) as cluster:
        assert names(cluster.contacts.run_saved_search(shared["id"])) == ["Kalle"]
        dry = cluster.contacts.dry_run(definition=definition)
        assert dry["count"] == 1 and [item["display_name"] for item in dry["items"]] == ["Kalle Scopetest"]
    with world["rpc"](ADMIN) as cluster:
        assert cluster.contacts.dry_run(definition=definition)["count"] == 2


def test_c6_the_audit_service_refuses_the_whole_log_to_a_scoped_actor(world):
    """C6 in the audit service itself: searching, exporting the log or listing what a user did names
    contacts of every group, so a scoped actor is refused; an unscoped one is not."""
    permissions = (*ALL_PERMISSIONS, "audit.view")
    with world["rpc"](scoped(world, "helsinki", permissions=permissions)) as cluster:
        for call in (
            lambda: cluster.audit.search_events({}),
            lambda: cluster.audit.export_events({}),
            lambda: cluster.audit.events_by_actor(ADMIN.id),
        ):
            with pytest.raises(PermissionDenied) as refused:
                call()
            assert "scope" in refused.value.details
    with world["rpc"](ADMIN) as cluster:
        assert cluster.audit.search_events({})["items"]


def test_c6_a_visible_contacts_record_does_not_show_out_of_scope_partners_or_organisations(world):
    """C6: the couple part and the affiliations part of get_contact leave out contacts out of scope."""
    people = world["people"]
    with world["rpc"](ADMIN) as cluster:
        contacts = cluster.contacts
        contacts.link_couple({"contact_ids": [people["Inka"], people["Outi"]]})
        firm = contacts.create_contact({"kind": "organisation", "organisation_name": "Turun Firma Oy"})["id"]
        contacts.add_affiliation(people["Inka"], {"organisation_id": firm, "role": "employee"})
        contacts.add_affiliation(people["Kalle"], {"organisation_id": firm, "role": "employee"})
        contacts.add_members(world["turku"]["id"], [firm])
        full = contacts.get_contact(people["Inka"])
        assert full["person"]["couple"] is not None and len(full["affiliations"]["organisations"]) == 1
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        inka = cluster.contacts.get_contact(people["Inka"])
        assert inka["person"]["couple"] is None and inka["affiliations"]["organisations"] == []
    with world["rpc"](scoped(world, "turku", "kallio")) as cluster:
        firm_view = cluster.contacts.get_contact(firm)["affiliations"]["people"]
        assert [link["person_id"] for link in firm_view["items"]] == [people["Kalle"]]
        assert firm_view["count"] == 1


def test_c6_a_contact_created_by_a_scoped_actor_joins_their_group_and_stays_visible(world):
    """C6: a new contact made by a scoped actor becomes a member of their scope group in the same
    transaction (audited), so its creator can open it; an unscoped creator's contact joins nothing."""
    with world["rpc"](scoped(world, "kallio")) as cluster:
        made = cluster.contacts.create_contact({"first_name": "Uusi", "last_name": "Scopetest"})
        assert cluster.contacts.get_contact(made["id"])["first_name"] == "Uusi"
        assert "Uusi" in names(cluster.contacts.members(world["kallio"]["id"]))
    with world["rpc"](ADMIN) as cluster:
        other = cluster.contacts.create_contact({"first_name": "Vapaa", "last_name": "Scopetest"})
        assert cluster.contacts.get_contact(other["id"])["groups"] == []


def test_c6_custom_field_value_counts_are_not_shown_to_a_scoped_actor(world):
    """C6: a custom field's registry-wide value count would tell a scoped user about outsiders."""
    people = world["people"]
    with world["rpc"](ADMIN) as cluster:
        contacts = cluster.contacts
        field = contacts.create_custom_field(
            {"key": "jasenlaji", "label_fi": "Jäsenlaji", "field_type": "text"}
        )
        for first in ("Inka", "Outi", "Nelli"):
            contacts.update_contact(people[first], {"custom": {"jasenlaji": "varsinainen"}})
        counted = contacts.list_custom_fields(with_counts=True)["items"]
        assert [item.get("value_count") for item in counted if item["id"] == field["id"]] == [3]
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        listed = cluster.contacts.list_custom_fields(with_counts=True)["items"]
        assert [item["key"] for item in listed] == ["jasenlaji"]  # the definition itself is no secret
        assert all(item.get("value_count") is None for item in listed)


def test_issue12_7a_a_scoped_editor_cannot_put_contacts_in_groups_outside_the_scope(world):
    """Issue 12 item 7a: adding members, checking an import's target group and an import's group_id are
    refused for a group outside the scope; a subgroup of the scope is fine."""
    import uuid

    people = world["people"]
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        contacts = cluster.contacts
        with pytest.raises(PermissionDenied) as refused:
            contacts.add_members(world["turku"]["id"], [people["Inka"]])
        assert refused.value.details == {"group_id": ["contact.outside_scope"]}
        with pytest.raises(PermissionDenied):
            contacts.check_group_target(world["turku"]["id"])
        assert contacts.check_group_target(world["kallio"]["id"])["name"] == "Kallio"
        assert contacts.add_members(world["kallio"]["id"], [people["Inka"]])["added"] == [people["Inka"]]
        with pytest.raises(PermissionDenied):
            contacts.upsert_batch(
                str(uuid.uuid4()),
                1,
                [{"row": 1, "values": {"first_name": "Uusi", "last_name": "Scopetest"}}],
                {"group_id": world["turku"]["id"]},
            )
    with world["rpc"](ADMIN) as cluster:
        assert names(cluster.contacts.members(world["turku"]["id"])) == ["Outi"]  # nobody was added
        assert cluster.contacts.search_contacts(q="uusi")["items"] == []


def test_issue12_7b_custom_values_and_the_organisation_filter_are_no_oracles_across_the_scope(world):
    """Issue 12 item 7b: a unique value held outside the scope is refused without naming anyone (the same
    words as one held inside), a contact link cannot point out of the scope (as an unknown id), and the
    organisation_id filter with an out-of-scope organisation is 404 like an unknown id."""
    import uuid

    from piiri.errors import ValidationFailed
    from services.contacts.custom_fields.values import VALUE_IN_USE

    people = world["people"]
    with world["rpc"](ADMIN) as cluster:
        contacts = cluster.contacts
        contacts.create_custom_field(
            {"key": "jasennumero", "label_fi": "Jäsennumero", "field_type": "text", "unique_values": True}
        )
        contacts.create_custom_field({"key": "kummi", "label_fi": "Kummi", "field_type": "contact_link"})
        contacts.update_contact(people["Outi"], {"custom": {"jasennumero": "A-100"}})  # outside the scope
        contacts.update_contact(people["Kalle"], {"custom": {"jasennumero": "A-200"}})  # inside it
        firm = contacts.create_contact({"kind": "organisation", "organisation_name": "Turun Oy"})
        contacts.add_members(world["turku"]["id"], [firm["id"]])
        contacts.add_affiliation(people["Inka"], {"organisation_id": firm["id"], "role": "employee"})
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        contacts = cluster.contacts
        answers = []
        for taken in ("A-100", "A-200"):
            with pytest.raises(ValidationFailed) as refused:
                contacts.update_contact(people["Inka"], {"custom": {"jasennumero": taken}})
            answers.append(refused.value.details)
        assert answers[0] == answers[1] == {"custom.jasennumero": [VALUE_IN_USE]}
        with pytest.raises(ValidationFailed) as refused:
            contacts.update_contact(people["Inka"], {"custom": {"kummi": people["Outi"]}})
        assert refused.value.details == {"custom.kummi": ["cf.err_contact"]}
        assert contacts.update_contact(people["Inka"], {"custom": {"kummi": people["Kalle"]}})
        for organisation in (firm["id"], str(uuid.uuid4())):
            with pytest.raises(NotFound) as missing:
                contacts.search_contacts(filters={"organisation_id": organisation})
            assert missing.value.details == {"organisation_id": organisation}
            with pytest.raises(NotFound):
                contacts.search_contacts_advanced({"filter": "organisation_id", "value": organisation})
    with world["rpc"](ADMIN) as cluster:  # an unscoped user still filters by the organisation
        found = cluster.contacts.search_contacts(filters={"organisation_id": firm["id"]})
        assert names(found) == ["Inka"]


def test_issue13_a_contact_link_shows_the_linked_name_audited_and_only_within_the_scope(world):
    """C3/C6/G2 (issue 13 item 6): get_contact's custom_links gives the name of the person a contact_link
    value points to (the contact page shows it, the person picker starts from it); the read's audit
    record names that person too; a scoped actor who may not see them gets no name."""
    people = world["people"]
    with world["rpc"](ADMIN) as cluster:
        cluster.contacts.create_custom_field(
            {"key": "kummi", "label_fi": "Kummi", "field_type": "contact_link"}
        )
        cluster.contacts.set_custom_values(people["Inka"], {"kummi": people["Outi"]})
        cluster.contacts.set_custom_values(people["Kalle"], {"kummi": people["Inka"]})
        inka = cluster.contacts.get_contact(people["Inka"])
        assert inka["custom_links"] == {"kummi": {"id": people["Outi"], "display_name": "Outi Scopetest"}}
        viewed = wait_for(
            lambda: [
                item
                for item in cluster.audit.events_for_subject(people["Outi"], limit=50)["items"]
                if item["action"] == "contact.viewed"
            ]
        )
        assert sorted(viewed[0]["subject_ids"]) == sorted([people["Inka"], people["Outi"]])
    with world["rpc"](scoped(world, "helsinki")) as cluster:
        assert cluster.contacts.get_contact(people["Inka"])["custom_links"] == {}  # Outi is in Turku
        kalle = cluster.contacts.get_contact(people["Kalle"])
        assert kalle["custom_links"]["kummi"]["display_name"] == "Inka Scopetest"
