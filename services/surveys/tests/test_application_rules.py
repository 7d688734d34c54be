"""Q3 unit tests: an application round's form and released fields, the rubric's validation (weights
positive, minimums within the scale, names unique), attachments' limits and a survey response's answers
mapped to an application."""

import base64
import datetime

from services.surveys import contract
from services.surveys.applications import rules


def criterion(name="Laatu", weight=1.0, minimum=None, max_score=5):
    return {"name": name, "weight": weight, "minimum": minimum, "max_score": max_score}


def test_q3_a_rubric_with_positive_weights_and_minimums_in_scale_is_sound():
    assert rules.rubric_errors([criterion(), criterion("Vaikuttavuus", 2.5, 3)]) == {}


def test_q3_a_rubric_names_each_bad_criterion_by_its_number():
    errors = rules.rubric_errors(
        [
            criterion(weight=0),
            criterion("Hinta", weight=-1, minimum=6),
            criterion("laatu", weight=float("inf")),
        ]
    )
    assert errors == {
        "criteria.1": ["applications.weight_not_positive"],
        "criteria.2": [
            "applications.weight_not_positive",
            {"code": "applications.minimum_out_of_range", "params": {"max": 5}},
        ],
        "criteria.3": ["applications.weight_not_positive", "applications.criterion_name_duplicate"],
    }


def test_q3_too_many_criteria_is_refused():
    many = [criterion(f"k{n}") for n in range(contract.MAX_CRITERIA + 1)]
    assert list(rules.rubric_errors(many)) == ["criteria"]


def test_q3_a_round_releases_only_its_own_fields_and_keeps_deadlines_in_order():
    form = [{"key": "plan", "label": "Suunnitelma"}, {"key": "budget", "label": "Budjetti"}]
    sound = {"form_fields": form, "released_fields": ["title", "plan", "attachments"], "question_map": {}}
    assert rules.round_errors(sound) == {}
    bad = {
        "form_fields": [*form, {"key": "plan", "label": "x"}],
        "released_fields": ["plan", "email"],
        "question_map": {"Q1": "plan", "Q2": "nimi"},
        "assign_until": datetime.date(2026, 3, 1),
        "review_until": datetime.date(2026, 2, 1),
    }
    assert rules.round_errors(bad) == {
        "form_fields": ["applications.field_key_duplicate"],
        "released_fields": [{"code": "applications.field_unknown", "params": {"fields": "email"}}],
        "question_map": [{"code": "applications.field_unknown", "params": {"fields": "Q2"}}],
        "deadlines": ["applications.deadlines_out_of_order"],
    }


def test_q3_attachments_are_limited_by_type_size_and_encoding():
    good = {
        "filename": "a/b.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(b"%PDF").decode(),
    }
    rows, errors = rules.attachments([good])
    assert errors == {} and rows[0]["filename"] == "a_b.pdf" and rows[0]["size"] == 4
    big = base64.b64encode(b"x" * (contract.MAX_ATTACHMENT_BYTES + 1)).decode()
    rows, errors = rules.attachments(
        [
            {**good, "content_type": "application/x-msdownload"},
            {**good, "content_base64": "ei base64!"},
            {**good, "content_base64": big},
            {**good, "content_base64": ""},
        ]
    )
    assert rows == []
    assert errors == {
        "attachments.1": [
            {"code": "applications.attachment_type", "params": {"type": "application/x-msdownload"}}
        ],
        "attachments.2": ["applications.attachment_not_base64"],
        "attachments.3": [
            {"code": "applications.attachment_too_big", "params": {"max": contract.MAX_ATTACHMENT_BYTES}}
        ],
        "attachments.4": ["applications.attachment_empty"],
    }


def test_q3_texts_name_only_the_rounds_fields():
    form = [{"key": "plan", "label": "Suunnitelma"}]
    assert rules.texts_errors(form, {"plan": "x"}) == {}
    assert rules.texts_errors(form, {"plan": "x", "salary": "y"}) == {
        "texts": [{"code": "applications.field_unknown", "params": {"fields": "salary"}}]
    }


def test_q3_a_survey_response_becomes_an_applications_title_and_texts():
    title, texts = rules.from_response(
        {"otsikko": "title", "Q1": "plan", "Q2": "budget"},
        {"otsikko": "Kuorolle", "Q1": "Laulamme", "Q2": ""},
    )
    assert (title, texts) == ("Kuorolle", {"plan": "Laulamme"})


def test_q3_schema_sentences_become_codes_with_dotted_numbered_paths():
    messages = {
        "criteria": {
            0: {"weight": ["Not a valid number."]},
            2: {"name": ["Missing data for required field."]},
        }
    }
    assert rules.schema_codes(messages) == {
        "criteria.1.weight": ["applications.value_not_number"],
        "criteria.3.name": ["applications.value_required"],
    }
    assert rules.schema_codes({"phase": ["Must be one of: assign."]}) == {
        "phase": ["applications.value_invalid"]
    }


def test_q3_a_deadline_holds_to_the_end_of_its_day_and_the_submission_deadline_comes_first():
    day = datetime.date(2027, 3, 1)
    assert not rules.passed(None, day) and not rules.passed(day, day)
    assert rules.passed(day, day + datetime.timedelta(days=1))
    assert [rules.days_left(day, day - datetime.timedelta(days=3)), rules.days_left(day, day)] == [3, 0]
    assert rules.days_left(day, day + datetime.timedelta(days=2)) == -2 and rules.days_left(None, day) is None
    late_submission = {"submit_until": day, "assign_until": day - datetime.timedelta(days=1)}
    assert rules.round_errors(late_submission)["deadlines"] == ["applications.deadlines_out_of_order"]


def test_q3_the_decision_letter_pdf_speaks_the_applicants_language():
    """Q3: the PDF letter in Finnish and English: the organisation, decision, reasoning and date."""
    import io

    import pypdf

    from services.surveys.applications import letter_pdf

    letter = {
        "application_id": "0f0e0d0c-0000-0000-0000-000000000000",
        "round_name": "Matka-apuraha",
        "title": "Tutkimusmatka <Lappiin>",
        "state": "accepted",
        "note": "Hyvin perusteltu.\nToinen rivi.",
        "decided_at": "2027-03-02T08:00:00+00:00",
    }
    for language, expected in (
        ("fi", ("Päätös: Matka-apuraha", "Hyvä Aino Tutkija,", "Hyväksytty", "Perustelut", "2.3.2027")),
        ("en", ("Decision: Matka-apuraha", "Dear Aino Tutkija,", "Accepted", "Reasoning", "2027-03-02")),
    ):
        made = letter_pdf.render({**letter, "language": language}, "Aino Tutkija", "Säätiö sr")
        text = pypdf.PdfReader(io.BytesIO(made)).pages[0].extract_text()
        for words in (*expected, "Säätiö sr", "Tutkimusmatka <Lappiin>", "Toinen rivi."):
            assert words in text, (language, words)
    assert letter_pdf.filename({**letter, "language": "fi"}) == "paatos-0f0e0d0c.pdf"


def test_q3_the_plain_text_letter_says_what_the_pdf_says():
    """Q3: the plain-text letter is made of the PDF's words (letter_pdf.TEXTS), in the applicant's
    language."""
    from services.surveys.applications import letter_pdf

    letter = {
        "round_name": "Matka-apuraha",
        "title": "Tutkimusmatka",
        "state": "rejected",
        "note": "Rahat loppuivat.",
        "decided_at": "2027-03-02T08:00:00+00:00",
    }
    text = letter_pdf.plain_text({**letter, "language": "fi"}, "Aino Tutkija")
    assert text.splitlines() == [
        "Päätös: Matka-apuraha",
        "2.3.2027",
        "",
        "Hyvä Aino Tutkija,",
        "",
        "hakemustasi \u201cTutkimusmatka\u201d haussa Matka-apuraha ei valitettavasti voitu hyväksyä.",
        "",
        "Rahat loppuivat.",
        "",
        "Ystävällisin terveisin",
    ]
    swedish = letter_pdf.plain_text({**letter, "language": "sv", "state": "accepted", "note": " "}, "")
    assert swedish.startswith("Beslut: Matka-apuraha\n2.3.2027\n\nBästa sökande,\n\ndin ansökan ")
    assert "har godkänts." in swedish and swedish.endswith("\n\nMed vänliga hälsningar\n")
