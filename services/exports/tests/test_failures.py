"""A failed export keeps the most specific coded finding, which the contract gives back as code + params."""

from piiri.errors import ServiceUnavailable, ValidationFailed, coded
from services.exports.failures import failure_text, failure_view, unexpected_text


def test_the_first_coded_finding_is_kept_with_its_params():
    exc = ValidationFailed("contact.invalid", {"columns": [coded("value.no_custom_field", key="nosuch")]})
    assert failure_view(failure_text(exc)) == ("value.no_custom_field", {"key": "nosuch"})


def test_a_plain_code_finding_and_a_code_without_findings():
    assert failure_view(failure_text(ValidationFailed("x.invalid", {"limit": ["value.not_list"]}))) == (
        "value.not_list",
        {},
    )
    assert failure_view(failure_text(ValidationFailed("exp.err.one_contact"))) == ("exp.err.one_contact", {})
    assert failure_view(unexpected_text()) == ("exp.err.unexpected", {})


def test_a_sentence_and_an_older_jobs_text_stay_as_they_are():
    sentence = "The audit log cannot record this read right now, so it was refused. Try again."
    assert failure_text(ServiceUnavailable(sentence)) == sentence
    assert failure_view(sentence) == (sentence, {})
    assert failure_view("{not json") == ("{not json", {})
    assert failure_view(None) == (None, {})
