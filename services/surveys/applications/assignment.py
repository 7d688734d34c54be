"""Conflicts of interest and balanced assignment of reviewers (Q3), with no I/O.

A reviewer conflicts with an application when Piiri knows of a tie between the reviewer's own contact and
the applicant: the same contact, the same organisation (an affiliation of either, or one being the other's
organisation), a couple, or both in a group the round marks as conflicting; or when the reviewer declared
a conflict with that application. Automatic assignment gives each application up to n reviewers, never a
conflicting one, each time to the least-loaded reviewer that fits (ties by username): the loads stay
within one of each other wherever the conflicts allow it.
"""

OWN = "own_application"
ORGANISATION = "same_organisation"
COUPLE = "couple"
GROUP = "conflict_group"
DECLARED = "declared"
NO_TIES = {"organisations": [], "partners": [], "groups": []}


def conflicts(reviewer, application, ties, conflict_groups, declared):
    """The reasons (codes above) ``reviewer`` may not review ``application``; [] when there is none.

    reviewer: {"id", "contact_id"}; application: {"id", "contact_id"} (None once pseudonymised);
    ties: {contact id: {"organisations", "partners", "groups"}} (the contacts service's conflict_ties);
    declared: {(reviewer id, application id)} the reviewers' own declarations."""
    found = []
    if (str(reviewer["id"]), str(application["id"])) in declared:
        found.append(DECLARED)
    mine, theirs = reviewer.get("contact_id"), application.get("contact_id")
    if not mine or not theirs:
        return found
    mine, theirs = str(mine), str(theirs)
    if mine == theirs:
        return [OWN, *found]
    own_ties, their_ties = ties.get(mine, NO_TIES), ties.get(theirs, NO_TIES)
    if set(own_ties["organisations"]) & set(their_ties["organisations"]):
        found.append(ORGANISATION)
    if theirs in own_ties["partners"] or mine in their_ties["partners"]:
        found.append(COUPLE)
    marked = {str(group) for group in conflict_groups}
    if marked & set(own_ties["groups"]) & set(their_ties["groups"]):
        found.append(GROUP)
    return found


def balanced(applications, reviewers, existing, per_application, blocked):
    """(new pairs [(application id, reviewer id)], unfilled {application id: reviewers missing}).

    applications, reviewers: lists of ids (reviewers as (id, username)); existing: {(application id,
    reviewer id)} already assigned; blocked(application id, reviewer id) -> bool: a conflict. The
    applications with the fewest possible reviewers are filled first; each place goes to the fitting
    reviewer with the smallest load (existing and new), then by username."""
    load = {reviewer: 0 for reviewer, _ in reviewers}
    names = dict(reviewers)
    have = {application: set() for application in applications}
    for application, reviewer in existing:
        if reviewer in load:
            load[reviewer] += 1
        if application in have:
            have[application].add(reviewer)
    fitting = {
        application: [r for r, _ in reviewers if r not in have[application] and not blocked(application, r)]
        for application in applications
    }
    order = sorted(applications, key=lambda a: (len(fitting[a]), str(a)))
    pairs, unfilled = [], {}
    for application in order:
        wanted = per_application - len(have[application])
        candidates = list(fitting[application])
        while wanted > 0 and candidates:
            choice = min(candidates, key=lambda r: (load[r], names[r], str(r)))
            candidates.remove(choice)
            load[choice] += 1
            pairs.append((application, choice))
            wanted -= 1
        if wanted > 0:
            unfilled[application] = wanted
    return pairs, unfilled
