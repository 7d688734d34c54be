"""Q3 unit tests: conflicts of interest Piiri knows (own application, same organisation, couple,
conflicting group) and declared ones, and balanced automatic assignment that never picks a conflict."""

from collections import Counter

from services.surveys.applications import assignment

TIES = {
    "rev": {"organisations": ["acme"], "partners": ["spouse"], "groups": ["board", "choir"]},
    "colleague": {"organisations": ["acme"], "partners": [], "groups": []},
    "spouse": {"organisations": [], "partners": ["rev"], "groups": []},
    "boardmate": {"organisations": [], "partners": [], "groups": ["board"]},
    "singer": {"organisations": [], "partners": [], "groups": ["choir"]},
    "acme": {"organisations": ["acme"], "partners": [], "groups": []},
}


def reasons(applicant, declared=frozenset(), groups=("board",)):
    reviewer = {"id": "r1", "contact_id": "rev"}
    return assignment.conflicts(reviewer, {"id": "a1", "contact_id": applicant}, TIES, groups, declared)


def test_q3_conflicts_piiri_knows_of():
    assert reasons("rev") == ["own_application"]
    assert reasons("colleague") == ["same_organisation"]
    assert reasons("acme") == ["same_organisation"]  # the reviewer's own organisation applies
    assert reasons("spouse") == ["couple"]
    assert reasons("boardmate") == ["conflict_group"]
    assert reasons("singer") == []  # a group the round does not mark as conflicting
    assert reasons("stranger") == []
    assert reasons(None) == []  # a pseudonymised application has no applicant to conflict with


def test_q3_a_declared_conflict_counts_even_without_a_contact():
    declared = {("r1", "a1")}
    assert reasons("stranger", declared) == ["declared"]
    no_contact = {"id": "r1", "contact_id": None}
    assert assignment.conflicts(no_contact, {"id": "a1", "contact_id": "x"}, TIES, (), declared) == [
        "declared"
    ]


def test_q3_balanced_assignment_gives_n_reviewers_and_even_loads():
    applications = [f"a{n}" for n in range(7)]
    reviewers = [("r1", "aino"), ("r2", "bo"), ("r3", "cecilia")]
    pairs, unfilled = assignment.balanced(applications, reviewers, set(), 2, lambda a, r: False)
    assert unfilled == {} and len(pairs) == 14 and len(set(pairs)) == 14
    assert Counter(a for a, _ in pairs) == {a: 2 for a in applications}
    loads = Counter(r for _, r in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_q3_balanced_assignment_never_picks_a_conflict_and_counts_the_existing_load():
    reviewers = [("r1", "aino"), ("r2", "bo"), ("r3", "cecilia")]
    blocked = {("a1", "r1"), ("a1", "r2")}
    existing = {("a2", "r3"), ("a3", "r3")}
    pairs, unfilled = assignment.balanced(
        ["a1", "a2", "a3"], reviewers, existing, 2, lambda a, r: (a, r) in blocked
    )
    assert ("a1", "r3") in pairs and not blocked & set(pairs)
    assert unfilled == {"a1": 1}  # only one reviewer is free of conflicts
    assert not {pair for pair in pairs if pair in existing}  # nothing assigned twice
    assert sorted(pairs) == [("a1", "r3"), ("a2", "r1"), ("a3", "r2")]  # the least loaded first
