"""RPC methods of advanced search (C4), a feature of ContactsService: search_contacts_advanced and
count_contacts_advanced. Both need contacts.view; each page is audited as one contact.listed read."""

from nameko.rpc import rpc
from sqlalchemy import and_

from piiri.errors import EXPECTED_ERRORS
from services.contacts import scopes
from services.contacts.advanced_search import storage as advanced_storage
from services.contacts.advanced_search.contract import AdvancedCountInput, AdvancedSearchInput
from services.contacts.advanced_search.rules import load_input
from services.contacts.core import ContactsCore
from services.contacts.counting import audit_count
from services.contacts.saved_searches.storage import COUNT_CAP

VIEW = "contacts.view"


class AdvancedSearchRpc(ContactsCore):
    """Advanced search: expressions, sorting, deep keyset paging, counts (C4)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def search_contacts_advanced(self, expression, sort="name", direction="asc", limit=None, cursor=None):
        actor = self.context.require(VIEW)
        args = load_input(
            AdvancedSearchInput(),
            {
                "expression": expression,
                "sort": sort or "name",
                "direction": direction or "asc",
                "cursor": cursor,
            },
        )
        return advanced_storage.audited_page(self.db.session, self.audit, actor, args, limit, {})

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def count_contacts_advanced(self, expression):
        """How many contacts match, up to 10,001; one ``contact.counted`` audit record (issue 12 item 4)."""
        actor = self.context.require(VIEW)
        args = load_input(AdvancedCountInput(), {"expression": expression})
        session = self.db.session
        condition = and_(
            advanced_storage.condition_for(args["expression"], session, actor),
            *scopes.conditions(session, actor),
        )
        found = advanced_storage.count(self.db.session, condition)
        self.db.session.rollback()
        count = {"count": found, "exact": found <= COUNT_CAP}
        return audit_count(self.audit, actor, count, {"expression": args["expression"]})
