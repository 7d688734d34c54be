"""C6/S1 data scopes: every contacts RPC is classified as scope-checked or scope-free, and the scope's
SQL and the actor header behave (unit level, no database)."""

from nameko.rpc import Rpc
from sqlalchemy.dialects import postgresql

from piiri.context import Actor
from services.contacts import scopes
from services.contacts.service import ContactsService

# RPCs that return, count or change contacts: each applies services/contacts/scopes.py (directly or
# through ContactsService._existing / _search_page).
SCOPE_CHECKED = set(
    """
    add_affiliation update_affiliation remove_affiliation list_affiliations list_organisation_people
    get_photo set_photo remove_photo data_protection_view list_consents record_consent list_legal_bases
    add_legal_basis end_legal_basis remove_legal_basis past_retention count_past_retention
    erase_past_retention erasure_preview personal_data access_report_file request_erasure import_ids_of
    match_keys_of set_membership_flag clear_membership_flag
    get_contact update_contact delete_contact contact_exists search_contacts count_contacts
    search_summary search_contacts_advanced count_contacts_advanced run_saved_search
    upcoming_birthdays dashboard_figures duplicates_of list_duplicate_candidates dismiss_duplicate
    compare_contacts
    merge_contacts members add_members end_memberships list_groups get_group dry_run
    automation_history list_alt_names add_alt_name remove_alt_name list_statuses add_status
    update_status remove_status mark_deceased unmark_deceased link_couple unlink_couple
    set_custom_values export_page survey_recipients_page mailing_audience payer_page
    upsert_batch match_import_rows undo_import check_group_target contacts_out_of_scope conflict_ties
    list_affiliations list_organisation_people add_affiliation update_affiliation remove_affiliation
    set_photo get_photo remove_photo contact_changes add_members_matching end_memberships_matching
    """.split()
)
# RPCs that touch no contact's data (definitions, settings, the tree's shape, the actor's own saved
# searches, the background duplicate scan, records of erasures: ids and progress of contacts that are
# gone), or need an admin permission over everything. (create_contact reads nothing; a scoped creator's
# new contact joins their scope group: scopes.creator_group.)
SCOPE_FREE = set(
    """
    list_processing_purposes create_processing_purpose update_processing_purpose list_retention_rules
    create_retention_rule update_retention_rule delete_retention_rule
    get_erasure list_erasures erasure_for_contact retry_erasure
    ping create_contact list_custom_fields create_custom_field update_custom_field
    remove_custom_field restore_custom_field purge_custom_field create_group update_group move_group
    archive_group list_status_kinds add_status_kind list_automations get_automation
    create_automation update_automation delete_automation get_birthday_settings
    update_birthday_settings create_saved_search list_saved_searches get_saved_search
    update_saved_search delete_saved_search find_duplicates
    """.split()
)


def rpc_names():
    names = set()
    for name in dir(ContactsService):
        entrypoints = getattr(getattr(ContactsService, name), "nameko_entrypoints", ())
        if any(isinstance(entrypoint, Rpc) for entrypoint in entrypoints):
            names.add(name)
    return names


def test_c6_every_contacts_rpc_is_classified_for_data_scopes():
    """A new RPC must be added to SCOPE_CHECKED (and apply scopes.py) or, with a reason, to SCOPE_FREE."""
    names = rpc_names()
    unclassified = sorted(names - SCOPE_CHECKED - SCOPE_FREE)
    assert not unclassified, f"classify these RPCs for C6 data scopes in {__file__}: {unclassified}"
    assert not SCOPE_CHECKED & SCOPE_FREE
    stale = sorted((SCOPE_CHECKED | SCOPE_FREE) - names)
    assert not stale, f"no longer RPCs, remove from the lists: {stale}"


def test_c6_actor_header_keeps_scope_and_limited_to_nothing_is_not_unlimited():
    scoped = Actor(id="u", username="u", permissions=("contacts.view",), scoped=True, scope_group_ids=("g1",))
    again = Actor.from_header(scoped.to_header())
    assert again.scoped is True and again.scope_group_ids == ("g1",)
    nothing = Actor.from_header(Actor(id="u", username="u", scoped=True).to_header())
    assert nothing.scoped is True and nothing.scope_group_ids == ()
    assert Actor.from_header(Actor(id="u", username="u").to_header()).scoped is False


def test_c6_scope_condition_is_false_without_groups_and_a_path_prefix_with_them():
    none = scopes.member_of_paths([])
    assert str(none.compile(dialect=postgresql.dialect())) == "false"
    condition = scopes.member_of_paths(["/a/", "/b/"])
    sql = str(condition.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    assert "scope_g.path LIKE '/a/%%'" in sql and "scope_g.path LIKE '/b/%%'" in sql
    assert "scope_m.ends_on IS NULL" in sql


class _NoSession:
    def execute(self, *args, **kwargs):  # an unscoped actor must not need the database at all
        raise AssertionError("no query expected")


def test_c6_unscoped_actor_has_no_conditions_and_sees_every_id():
    actor = Actor(id="u", username="u")
    assert scopes.conditions(_NoSession(), actor) == []
    ids = {"00000000-0000-0000-0000-000000000001"}
    assert {str(value) for value in scopes.visible_ids(_NoSession(), actor, ids)} == ids
    scopes.require_visible(_NoSession(), actor, ids)
