"""Issue 13 item 6: the advanced search takes and shows values as words (fi, sv, en), not codes or ids."""

from gateway.i18n import Translator
from gateway.saved_searches.advanced_search_form import expression_of, expression_text, form_state
from gateway.saved_searches.value_words import ValueWords, group_paths

GROUPS = [
    {"id": "11111111-1111-4111-8111-111111111111", "parent_id": None, "name": "Jäsenet"},
    {"id": "22222222-2222-4222-8222-222222222222", "parent_id": "11111111-1111-4111-8111-111111111111",
     "name": "Hallitus"},
    {"id": "33333333-3333-4333-8333-333333333333", "parent_id": None, "name": "Nuoret"},
    {"id": "44444444-4444-4444-8444-444444444444", "parent_id": "33333333-3333-4333-8333-333333333333",
     "name": "Hallitus"},
]  # fmt: skip
KINDS = [
    {"code": "abroad", "label_fi": "Ulkomailla", "label_en": "Abroad"},
    {"code": "sabbatical", "label_fi": "Vuorotteluvapaalla", "label_en": "On sabbatical"},
]


def test_group_paths_name_the_parents():
    paths = group_paths(GROUPS)
    assert paths[GROUPS[1]["id"]] == "Jäsenet / Hallitus" and paths[GROUPS[2]["id"]] == "Nuoret"


def test_words_in_every_language_and_the_codes_themselves_are_taken():
    words = ValueWords("fi", GROUPS, KINDS)
    for typed in ("Yhteisö", "organisation", "ORGANISATION", "sammanslutning"):
        assert words.code_of("kind", typed) == "organisation", typed
    assert [words.code_of("has_email", word) for word in ("kyllä", "ja", "yes", "true", "ei")] == [
        "true", "true", "true", "true", "false",
    ]  # fmt: skip
    assert words.code_of("deceased", "vain kuolleet") == "only"
    assert words.code_of("deceased", "även avlidna") == "include"
    assert words.code_of("with_active_status", "ulkomailla") == "abroad"
    assert words.code_of("with_active_status", "On sabbatical") == "sabbatical"
    assert words.word_of("kind", "person") == "Henkilö"
    assert ValueWords("sv", GROUPS, KINDS).word_of("deceased", "exclude") == "inte avlidna"


def test_a_group_by_its_name_its_path_or_its_id():
    words = ValueWords("fi", GROUPS, KINDS)
    assert words.code_of("group_id", "nuoret") == GROUPS[2]["id"]
    assert words.code_of("group_id", "Nuoret / Hallitus") == GROUPS[3]["id"]
    assert words.code_of("group_id", GROUPS[1]["id"].upper()) == GROUPS[1]["id"]
    assert words.code_of("group_id", "Hallitus") is None  # two groups have the name
    assert "Useampi ryhmä" in words.problem("group_id", "Hallitus")
    assert words.choices("group_id") == ["Jäsenet", "Jäsenet / Hallitus", "Nuoret", "Nuoret / Hallitus"]


def test_resolve_sends_codes_shows_words_and_names_the_rows_it_cannot_read():
    words = ValueWords("en", GROUPS, KINDS)
    state = form_state(
        {"r1_field": "kind", "r1_value": "yhteisö", "r2_field": "group_id", "r2_value": "Nuoret",
         "r3_field": "gender", "r3_value": "kuka", "r4_field": "city", "r4_value": "Oulu"}
    )  # fmt: skip
    problems = words.resolve(state)
    assert problems == {"r3": ["“kuka” is not one of: female, male, other."]}
    expression, _ = expression_of(state)
    assert expression == {
        "and": [
            {"filter": "kind", "value": "organisation"},
            {"filter": "group_id", "value": GROUPS[2]["id"]},
            {"filter": "city", "value": "Oulu"},
        ]
    }
    assert [row["shown"] for row in state["rows"][:4]] == ["Organisation", "Nuoret", "kuka", "Oulu"]
    text = expression_text(expression, Translator("en"), words)
    assert "Nuoret" in text and GROUPS[2]["id"] not in text and "organisation" not in text


def test_the_audit_logs_filters_are_chosen_by_their_words():
    from gateway.audit.web import filter_choices

    choices = filter_choices(Translator("fi"))
    actions = dict(choices["action"])
    assert (
        actions["contact.viewed"] == "katseli"
        and actions["contact.changes_viewed"] == "katseli muutoshistoriaa"
    )
    words = [word.casefold() for _, word in choices["action"]]
    assert words == sorted(words) and len(words) > 50
    assert dict(choices["service"])["contacts"] != "contacts"
    assert dict(choices["subject_type"])["contact"] == "yhteystieto"
