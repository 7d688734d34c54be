"""A list's selection and order (issue 13 item 4), shared by every list that acts on its rows (the contact
list, a group's members) and by the pages that act (the groups' bulk page, the export page, compare).

A selection is either the ticked rows' contact ids (``contact_ids``) or, with ``all=1``, "all N results" of
the list's search: then ``search`` holds the list's query string (``q`` and its filters), and the acting
page asks the service to run that search again with the user's permissions and data scope, so what is
acted on is what the search finds, not ids sent by the browser. The form and its bar are the components of
gateway/templates/_list.html.
"""

from urllib.parse import parse_qsl, urlencode

from werkzeug.datastructures import MultiDict

from gateway.base import search_filters

# The contact list's sortable columns (the contacts service sorts them in Finnish order) and directions.
SORTS = ("name", "email", "city", "birth_date")
DIRECTIONS = ("asc", "desc")


def selected_ids(values):
    """The ticked ids, in order, each once."""
    return list(dict.fromkeys(value.strip() for value in values if value and value.strip()))


def search_of(text):
    """(q, {filter: value}) of a list's search given as a query string (the selection form's ``search``)."""
    args = MultiDict(parse_qsl(text or "", keep_blank_values=False))
    q = (args.get("q") or "").strip()
    return q, {name: value for name, value in search_filters(args).items() if value}


def search_text(q, filters):
    """A list's search as the query string the selection form carries (no paging, no order)."""
    return urlencode({**({"q": q} if q else {}), **dict(sorted(filters.items()))})


def selection_of(args):
    """The selection a request names: {"kind": "search", "q", "filters"} for all=1, else
    {"kind": "ids", "ids"}."""
    if args.get("all") == "1":
        q, filters = search_of(args.get("search"))
        return {"kind": "search", "q": q, "filters": filters, "search": search_text(q, filters)}
    return {"kind": "ids", "ids": selected_ids(args.getlist("contact_ids"))}


def list_sort(args):
    """(sort, direction) from a list's query arguments; the list's own order is (None, "asc")."""
    sort = args.get("sort")
    direction = args.get("direction") if args.get("direction") in DIRECTIONS else "asc"
    if sort not in SORTS or (sort == "name" and direction == "asc"):
        return None, "asc"
    return sort, direction


def list_sorting(path, params, sort, direction, columns=SORTS):
    """The column heads' state: which column is sorted, which way, and each head's link (the same search
    and filters, first page; the sorted column's link turns the direction)."""
    current = sort or "name"
    urls = {}
    for column in columns:
        turn = "desc" if column == current and direction == "asc" else "asc"
        order = {} if (column == "name" and turn == "asc") else {"sort": column, "direction": turn}
        query = urlencode({**params, **order})
        urls[column] = f"{path}?{query}" if query else path
    return {"column": current, "direction": direction, "urls": urls}


def sort_params(sort, direction):
    """The order's query arguments, kept across paging and filters (none for the list's own order)."""
    return {"sort": sort, "direction": direction} if sort else {}
