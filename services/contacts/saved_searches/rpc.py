"""RPC methods of saved searches and result counts (C4), a feature of ContactsService.

A saved search holds a free-text query with structured filters, or an advanced-search expression
(AND/OR/NOT, checked by the advanced search's own compiler); running it gives the list's or the
advanced search's audited page.

Everything needs ``contacts.view``. A search is its owner's, or shared with everyone; only the owner
or a user manager (``users.manage``) may change or delete it; others' private searches are not found.
"""

from marshmallow import ValidationError
from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS, Conflict, PermissionDenied, ValidationFailed
from services.contacts import scopes
from services.contacts.advanced_search.contract import AdvancedSearchInput
from services.contacts.advanced_search.rules import load_input as advanced_args
from services.contacts.advanced_search.storage import audited_page, condition_for
from services.contacts.contract import ContactSummary
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_count
from services.contacts.registries import SEARCH_FILTERS
from services.contacts.saved_searches import rules
from services.contacts.saved_searches import storage as saved_storage
from services.contacts.saved_searches.contract import ContactCount, SavedSearch, SavedSearchInput
from services.contacts.search import plan_search
from services.contacts.validation.contract import invalid

VIEW = "contacts.view"
SAVED = SavedSearch()
COUNT = ContactCount()
SUMMARY = ContactSummary()
EVENT_FIELDS = ("name", "shared", "query", "filters", "expression")


def checked_filters(filters, session):
    """Cleaned filters that the search knows and accepts (filters.py), errors keyed under "filters"."""
    filters = rules.clean_filters(filters)
    try:
        SEARCH_FILTERS.conditions(filters, session)
    except ValidationFailed as exc:
        raise ValidationFailed(
            f"Some filters are not valid: {exc.message}", {"filters": exc.details}
        ) from None
    return filters


def loaded_input(data, session, partial=False):
    """Create/update input, checked by the contract and the rules: {name, query, filters, expression,
    shared}; an expression is checked by the advanced search itself (errors name its nodes)."""
    if not isinstance(data, dict):
        raise ValidationFailed("contact.not_object", {"_schema": ["contact.not_object"]})
    try:
        values = SavedSearchInput(partial=partial).load(data)
    except ValidationError as exc:
        raise invalid(exc.normalized_messages()) from None
    if "name" in values:
        values["name"] = rules.clean_name(values["name"])
    if "query" in values:
        values["query"] = rules.clean_query(values["query"])
    if "filters" in values:
        values["filters"] = checked_filters(values["filters"], session)
    if values.get("expression") is not None:
        condition_for(values["expression"], session)
    session.rollback()
    return values


def check_one_kind(search):
    """A saved search is either an advanced expression or a query with filters, not both."""
    if search.get("expression") is not None and (search.get("query") or search.get("filters")):
        raise ValidationFailed("ss.err.expression_alone", {"expression": ["ss.err.expression_alone"]})


def name_conflict(name):
    return Conflict("ss.err.name_taken", {"name": ["ss.err.name_taken"]}, {"name": name})


class SavedSearchesRpc(ContactsCore):
    """Saved searches, shared or private, running them, and result counts (C4)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def create_saved_search(self, data):
        actor = self.context.require(VIEW)
        values = loaded_input(data, self.db.session)
        check_one_kind(values)
        with self.db.transaction() as session:
            if saved_storage.name_taken(session, actor.id, values["name"]):
                raise name_conflict(values["name"])
            search = saved_storage.insert_search(
                session, {**values, "owner_id": actor.id, "owner_name": actor.username[:150]}
            )
            if search is None:  # a concurrent save of the same name won
                raise name_conflict(values["name"])
            self._saved_record(session, actor, "created", search, sorted(EVENT_FIELDS))
        self.outbox.flush()
        return self._saved_view(search, actor)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def list_saved_searches(self):
        """The caller's own saved searches and everyone's shared ones, by name."""
        actor = self.context.require(VIEW)
        items = saved_storage.visible(self.db.session, actor.id)
        self.db.session.rollback()
        return {"items": [self._saved_view(item, actor) for item in items]}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def get_saved_search(self, search_id):
        actor = self.context.require(VIEW)
        search = saved_storage.visible_search(self.db.session, actor, search_id)
        self.db.session.rollback()
        return self._saved_view(search, actor)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def update_saved_search(self, search_id, changes):
        """Rename, share or unshare, or change the query or filters (owner or users.manage)."""
        actor = self.context.require(VIEW)
        values = loaded_input(changes, self.db.session, partial=True)
        with self.db.transaction() as session:
            search = self._saved_changeable(session, actor, search_id)
            check_one_kind({**search, **values})
            changed = {key: value for key, value in values.items() if search[key] != value}
            if not changed:
                return self._saved_view(search, actor)
            if "name" in changed and saved_storage.name_taken(
                session, search["owner_id"], changed["name"], except_id=search["id"]
            ):
                raise name_conflict(changed["name"])
            updated = saved_storage.update_search(session, search["id"], changed)
            if updated is None:
                raise name_conflict(changed["name"])
            self._saved_record(session, actor, "changed", updated, sorted(changed))
        self.outbox.flush()
        return self._saved_view(updated, actor)

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def delete_saved_search(self, search_id):
        actor = self.context.require(VIEW)
        with self.db.transaction() as session:
            search = self._saved_changeable(session, actor, search_id)
            saved_storage.delete_search(session, search["id"])
            self._saved_record(session, actor, "deleted", search, [])
        self.outbox.flush()
        return {"id": str(search["id"]), "deleted": True}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def run_saved_search(self, search_id, limit=None, cursor=None, sort=None, direction=None):
        """One page of the saved search's contacts: search_contacts with its q and filters (or, for an
        expression, search_contacts_advanced with ``sort`` and ``direction``), audited the same way
        (one ``contact.listed`` event) with ``details.saved_search_id``."""
        actor = self.context.require(VIEW)
        session = self.db.session
        search = saved_storage.visible_search(session, actor, search_id)
        session.commit()  # it only read; the page reads in a block of its own (db.reads)
        details = {"saved_search_id": str(search["id"])}
        if search.get("expression") is not None:
            args = advanced_args(
                AdvancedSearchInput(),
                {
                    "expression": search["expression"],
                    "sort": sort or "name",
                    "direction": direction or "asc",
                    "cursor": cursor,
                },
            )
            page = audited_page(session, self.audit, actor, args, limit, details)
            return {**page, "saved_search_id": str(search["id"])}
        page = self._search_page(
            actor, search["query"], search["filters"], limit, cursor, {"saved_search_id": str(search["id"])}
        )
        return {**page, "saved_search_id": str(search["id"])}

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def count_contacts(self, q="", filters=None):
        """How many contacts search_contacts(q, filters=filters) finds: exact up to 10,000, then
        ``{"count": 10001, "exact": false}``. Audited as one ``contact.counted`` record (issue 12 item 4)."""
        actor = self.context.require(VIEW)
        count = self._saved_count(q, filters, actor)
        return audit_count(self.audit, actor, count, {"query": q or "", "filters": filters or {}})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def search_summary(self, q="", filters=None):
        """For the contact list page in one call: the count of this search and the saved searches."""
        actor = self.context.require(VIEW)
        count = self._saved_count(q, filters, actor)
        audit_count(self.audit, actor, count, {"query": q or "", "filters": filters or {}})
        items = saved_storage.visible(self.db.session, actor.id)
        self.db.session.rollback()
        return {"count": count, "saved_searches": [self._saved_view(item, actor) for item in items]}

    # --- helpers ----------------------------------------------------------------------------------------

    def _saved_count(self, q, filters, actor):
        if q is not None and not isinstance(q, str):
            raise ValidationFailed("q must be text.", {"q": ["contact.value_invalid"]})
        conditions = SEARCH_FILTERS.conditions(filters, self.db.session, actor) + scopes.conditions(
            self.db.session, actor
        )
        count, match = saved_storage.count_matches(self.db.session, plan_search(q), conditions)
        self.db.session.rollback()
        cap = saved_storage.COUNT_CAP
        return COUNT.dump({"count": count, "exact": count <= cap, "match": match})

    def _saved_changeable(self, session, actor, search_id):
        search = saved_storage.visible_search(session, actor, search_id, for_update=True)
        if not rules.may_change(search, actor):
            raise PermissionDenied(
                "Only its owner or a user manager may change or delete a saved search.",
                {"permission": rules.MANAGE_ANY},
            )
        return search

    def _saved_view(self, search, actor):
        return SAVED.dump(
            {**search, "mine": search["owner_id"] == actor.id, "can_change": rules.may_change(search, actor)}
        )

    def _saved_record(self, session, actor, change, search, changed_fields):
        """The audit record (through the outbox) and the versioned event of one change."""
        self.audit.write(
            self.outbox,
            session,
            actor,
            f"saved_search.{change}",
            "saved_search",
            [search["id"]],
            fields=changed_fields,
            details={"name": search["name"]},
        )
        self.outbox.event(
            session,
            f"saved_search_{change}",
            {
                "saved_search_id": str(search["id"]),
                "name": search["name"],
                "owner_id": search["owner_id"],
                "shared": search["shared"],
                "changed_fields": list(changed_fields),
            },
        )
