"""A round's results for its coordinator (Q3), with no I/O: each submitted review's weighted score (the
criteria's scores on their own scales, weighted, as 0-100), per application the average and spread of
those, per-criterion averages, and the flags: diverging reviews and scores under a criterion's minimum."""

DIVERGING_POINTS = 25.0  # reviews of one application further apart than this (on 0-100) are flagged


def weighted(criteria, scores):
    """A review's weighted score 0-100 ({criterion id (text): {"score"}}), or None without every score."""
    total = sum(item["weight"] for item in criteria)
    if not criteria or total <= 0:
        return None
    points = 0.0
    for item in criteria:
        given = scores.get(str(item["id"]))
        if given is None:
            return None
        points += item["weight"] * given["score"] / item["max_score"]
    return round(100 * points / total, 1)


def application_result(criteria, reviews):
    """{"reviews", "average", "spread", "criteria": {id: average}, "flags": {"diverging", "under_minimum"}}
    of one application's submitted reviews (each {criterion id: {"score", "comment"}})."""
    totals = [value for value in (weighted(criteria, review) for review in reviews) if value is not None]
    per_criterion = {}
    under = []
    for item in criteria:
        given = [review[str(item["id"])]["score"] for review in reviews if str(item["id"]) in review]
        per_criterion[str(item["id"])] = round(sum(given) / len(given), 2) if given else None
        if item.get("minimum") is not None and any(score < item["minimum"] for score in given):
            under.append(str(item["id"]))
    spread = round(max(totals) - min(totals), 1) if len(totals) > 1 else 0.0
    return {
        "reviews": len(reviews),
        "average": round(sum(totals) / len(totals), 1) if totals else None,
        "spread": spread,
        "criteria": per_criterion,
        "flags": {"diverging": spread > DIVERGING_POINTS, "under_minimum": under},
    }
