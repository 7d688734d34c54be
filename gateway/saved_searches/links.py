"""Where a saved search opens (the contact list or the advanced search page)."""

from urllib.parse import urlencode

from services.contacts.saved_searches.contract import search_params


def open_url(search):
    """Where a saved search opens: the contact list with its q and filters, or for an expression
    the advanced search page, which runs it (run_saved_search)."""
    if search.get("expression") is not None:
        return "/contacts/advanced?" + urlencode({"saved": search["id"]})
    params = search_params(search["query"], search["filters"])
    return "/contacts?" + urlencode(params) if params else "/contacts"
