"""C4 result counts and saved searches in the web UI, pure parts: Finnish/English count words, the
save form, where a saved search opens."""

from werkzeug.datastructures import MultiDict

from gateway.i18n import Translator, format_number
from gateway.saved_searches.links import open_url
from gateway.saved_searches.web import count_text, list_search, save_form_data


def test_c4_counts_in_finnish_use_a_narrow_no_break_space():
    fi = Translator("fi")
    assert format_number(1234, "fi") == "1\xa0234"
    assert count_text(fi, {"count": 1234, "exact": True}) == "1\xa0234 osumaa"
    assert count_text(fi, {"count": 1, "exact": True}) == "1 osuma"
    assert count_text(fi, {"count": 0, "exact": True}) == "0 osumaa"
    assert count_text(fi, {"count": 10001, "exact": False}) == "yli 10\xa0000 osumaa"


def test_c4_counts_in_english():
    en = Translator("en")
    assert count_text(en, {"count": 1234, "exact": True}) == "1,234 results"
    assert count_text(en, {"count": 10001, "exact": False}) == "more than 10,000 results"


def test_c4_save_form_carries_the_lists_query_and_filters():
    form = MultiDict(
        {
            "csrf_token": "x",
            "name": "Eläville",
            "q": "virtanen",
            "shared": "on",
            "filter.deceased": "exclude",
            "filter.group_id": "",
        }
    )
    assert save_form_data(form) == {
        "name": "Eläville",
        "query": "virtanen",
        "shared": True,
        "filters": {"deceased": "exclude"},
    }
    assert save_form_data(MultiDict({"name": "x"}))["shared"] is False


def test_c4_saved_search_opens_on_the_contact_list():
    assert open_url({"query": "anna b", "filters": {"deceased": "exclude"}}) == (
        "/contacts?q=anna+b&deceased=exclude"
    )
    assert open_url({"query": "", "filters": {}}) == "/contacts"
    args = MultiDict({"q": " anna ", "cursor": "abc", "deceased": "exclude", "group_id": ""})
    assert list_search(args) == ("anna", {"deceased": "exclude"})
