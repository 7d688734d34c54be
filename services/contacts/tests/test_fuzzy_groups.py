"""storage.fuzzy_groups: dictionary words of equal similarity form one group, best first."""

from services.contacts.storage import fuzzy_groups


def test_equal_similarities_share_a_group_in_order():
    words = [("virtanen", 0.6), ("virta", 0.5), ("virtala", 0.5), ("vartio", 0.45)]
    assert fuzzy_groups(words) == [(0.6, ["virtanen"]), (0.5, ["virta", "virtala"]), (0.45, ["vartio"])]


def test_no_words_no_groups():
    assert fuzzy_groups([]) == []
