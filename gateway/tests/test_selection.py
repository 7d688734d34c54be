"""Issue 13 item 4: a list's selection and order from query arguments (gateway/selection.py), and the
selection the export page takes from a list's selection form."""

from werkzeug.datastructures import MultiDict

from gateway.exports.web import web_selection
from gateway.selection import list_sort, list_sorting, search_of, search_text, selection_of


def test_issue13_all_results_are_the_search_not_the_ticked_ids():
    args = MultiDict(
        [("all", "1"), ("search", "q=virtanen&city=Turku&cursor=x&sort=city"), ("contact_ids", "a")]
    )
    assert selection_of(args) == {
        "kind": "search",
        "q": "virtanen",
        "filters": {"city": "Turku"},  # paging and order are not filters
        "search": "q=virtanen&city=Turku",
    }
    ticked = MultiDict(
        [("contact_ids", " a "), ("contact_ids", "b"), ("contact_ids", "a"), ("search", "q=x")]
    )
    assert selection_of(ticked) == {"kind": "ids", "ids": ["a", "b"]}
    assert search_of("q=+&group_id=g") == ("", {"group_id": "g"})
    assert search_text("", {"b": "2", "a": "1"}) == "a=1&b=2"


def test_issue13_the_order_and_the_column_heads_links():
    assert list_sort(MultiDict({"sort": "city", "direction": "desc"})) == ("city", "desc")
    assert list_sort(MultiDict({"sort": "phone"})) == (None, "asc")  # not a sortable column: the default
    assert list_sort(MultiDict({"sort": "name", "direction": "sideways"})) == (None, "asc")
    assert list_sort(MultiDict({"sort": "name", "direction": "desc"})) == ("name", "desc")
    heads = list_sorting("/contacts", {"q": "a", "tag": "b"}, "city", "asc")
    assert heads["column"] == "city" and heads["direction"] == "asc"
    assert heads["urls"]["city"] == "/contacts?q=a&tag=b&sort=city&direction=desc"  # turns the sorted one
    assert heads["urls"]["email"] == "/contacts?q=a&tag=b&sort=email&direction=asc"
    assert heads["urls"]["name"] == "/contacts?q=a&tag=b"  # the list's own order needs no arguments
    default = list_sorting("/contacts", {}, None, "asc")
    assert default["column"] == "name" and default["urls"]["name"] == "/contacts?sort=name&direction=desc"


def test_issue13_the_export_page_takes_all_results_as_the_search_and_nothing_ticked_as_nothing():
    everything = web_selection(MultiDict([("all", "1"), ("search", "q=virtanen&city=Turku"), ("back", "/x")]))
    assert everything["kind"] == "search"
    assert (everything["query"], everything["filters"]) == ("virtanen", {"city": "Turku"})
    nothing = web_selection(MultiDict([("search", "q=virtanen"), ("from_group", "g"), ("back", "/contacts")]))
    assert nothing["kind"] == "ids" and nothing["ids"] == []  # not "every contact"
