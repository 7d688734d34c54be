"""Q3 unit tests: a reviewer's scores checked against the rubric (within each criterion's scale, all of
them to submit) and what a reviewer sees of an application (released fields only, never the applicant)."""

from services.surveys.applications import scoring

CRITERIA = [{"id": "c1", "max_score": 5}, {"id": "c2", "max_score": 10}]


def test_q3_scores_within_the_scale_and_complete_to_submit():
    assert scoring.score_errors(CRITERIA, {"c1": {"score": 5}, "c2": {"score": 0.5}}, complete=True) == {}
    assert scoring.score_errors(CRITERIA, {"c1": {"score": 3}}, complete=False) == {}  # a draft
    assert scoring.score_errors(CRITERIA, {"c1": {"score": 3}}, complete=True) == {
        "scores.2": ["applications.score_missing"]
    }
    errors = scoring.score_errors(
        CRITERIA, {"c1": {"score": 6}, "c2": {"score": "paljon"}, "c9": {"score": 1}}, complete=True
    )
    assert errors == {
        "scores.c9": ["applications.criterion_unknown"],
        "scores.1": [{"code": "applications.score_out_of_range", "params": {"max": 5}}],
        "scores.2": ["applications.value_not_number"],
    }


def test_q3_a_reviewer_sees_only_released_fields_and_no_applicant():
    round_ = {
        "id": "r", "name": "Kierros", "released_fields": ["plan"],
        "form_fields": [{"key": "plan", "label": "Suunnitelma"}, {"key": "budget", "label": "Budjetti"}],
    }  # fmt: skip
    application = {
        "id": "a", "title": "Otsikko", "texts": {"plan": "P", "budget": "B"}, "language": "sv",
        "contact_id": "anna", "created_by": "staff", "source": "piiri",
    }  # fmt: skip
    files = [{"id": "f", "filename": "x.pdf", "content_type": "application/pdf", "size": 3}]
    view = scoring.released_view(round_, application, files)
    assert view == {
        "id": "a", "round_id": "r", "round_name": "Kierros", "title": None, "texts": {"plan": "P"},
        "labels": {"plan": "Suunnitelma"}, "attachments": [], "language": "sv", "applicant_name": None,
    }  # fmt: skip
    assert "anna" not in str(view) and "staff" not in str(view)
    assert scoring.released_fields_read(round_, application) == ["plan"]
    round_["released_fields"] = ["plan", "title", "attachments"]
    assert scoring.released_view(round_, application, files)["attachments"][0]["filename"] == "x.pdf"
    application["applicant_name"] = "Anna Aalto"
    assert scoring.released_view(round_, application, files)["applicant_name"] is None  # blind by default
    round_["blind"] = False
    assert scoring.released_view(round_, application, files)["applicant_name"] == "Anna Aalto"
