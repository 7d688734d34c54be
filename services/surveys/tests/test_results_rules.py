"""Q3 unit tests: weighted scores, averages and spread of an application's reviews, and the flags for
diverging reviews and scores under a criterion's minimum."""

from services.surveys.applications import results

CRITERIA = [
    {"id": "q", "weight": 2.0, "max_score": 5, "minimum": 3},
    {"id": "f", "weight": 1.0, "max_score": 10, "minimum": None},
]


def review(q, f):
    return {"q": {"score": q, "comment": ""}, "f": {"score": f, "comment": ""}}


def test_q3_a_reviews_weighted_score_is_0_to_100_with_the_weights():
    assert results.weighted(CRITERIA, review(5, 10)) == 100.0
    assert results.weighted(CRITERIA, review(0, 10)) == 33.3
    assert results.weighted(CRITERIA, review(5, 0)) == 66.7
    assert results.weighted(CRITERIA, {"q": {"score": 5}}) is None  # not every criterion scored


def test_q3_average_spread_and_flags():
    close = results.application_result(CRITERIA, [review(4, 8), review(5, 9)])
    assert close["average"] == 88.3 and close["spread"] == 16.7  # 80.0 and 96.7
    assert close["criteria"] == {"q": 4.5, "f": 8.5}
    assert close["flags"] == {"diverging": False, "under_minimum": []}
    apart = results.application_result(CRITERIA, [review(5, 10), review(1, 2)])
    assert apart["spread"] == 80.0 and apart["flags"] == {"diverging": True, "under_minimum": ["q"]}
    assert results.application_result(CRITERIA, []) == {
        "reviews": 0, "average": None, "spread": 0.0, "criteria": {"q": None, "f": None},
        "flags": {"diverging": False, "under_minimum": []},
    }  # fmt: skip
