"""piiri.errors: a service raises a code with params; it survives RPC; the gateway renders its words."""

from nameko.exceptions import deserialize, serialize

from gateway.http import error_response
from piiri.errors import NotFound, ValidationFailed, coded, is_code


def test_codes_and_sentences_are_told_apart():
    assert is_code("contact.email_invalid")
    assert is_code("groups.parent.not_found")
    assert not is_code("Not a valid e-mail address.")
    assert not is_code("contact")
    assert not is_code(None)


def test_a_coded_error_crosses_rpc_with_its_params_and_details():
    error = ValidationFailed("contact.invalid", {"email": ["contact.email_invalid"]}, {"n": 2})
    again = deserialize(serialize(error))
    assert isinstance(again, ValidationFailed)
    assert (again.message, dict(again.details), dict(again.params)) == (
        "contact.invalid",
        {"email": ["contact.email_invalid"]},
        {"n": "2"},  # nameko carries the values as text; they only fill texts
    )


def test_an_older_error_without_params_still_crosses_rpc():
    again = deserialize({"exc_path": "piiri.errors.NotFound", "exc_args": ["No such group.", {}]})
    assert isinstance(again, NotFound) and again.message == "No such group." and again.params == {}


def test_the_api_body_carries_the_code_params_and_a_human_message_in_the_language():
    error = ValidationFailed("contact.invalid", {"name": [coded("contact.too_long", max=100)]})
    body = error.as_dict("Check the fields.")
    assert body == {
        "error": "validation_failed",
        "code": "contact.invalid",
        "params": {},
        "message": "Check the fields.",
        "details": {"name": [{"code": "contact.too_long", "params": {"max": 100}}]},
    }


def test_error_response_translates_a_code_and_passes_a_sentence_on():
    import json

    coded_body = json.loads(error_response(NotFound("err.too_long", params={"max": 5}), "fi").get_data())
    assert coded_body["code"] == "err.too_long" and coded_body["params"] == {"max": 5}
    assert coded_body["message"] == "Liian pitkä (enintään 5 merkkiä)."
    sentence_body = json.loads(error_response(NotFound("No such group."), "fi").get_data())
    assert sentence_body == {"error": "not_found", "message": "No such group."}


def test_the_gateway_words_a_services_coded_field_errors_in_the_users_language():
    from gateway.i18n import Translator
    from gateway.web_helpers import field_errors

    details = {"first_name": [coded("contact.too_long", max=100)], "email": ["contact.email_invalid"]}
    by_field, general = field_errors(details, Translator("sv"))
    assert by_field == {
        "first_name": ["För lång (högst 100 tecken)."],
        "email": ["E-postadressen är inte giltig."],
    }
    by_field, _ = field_errors(details, Translator("fi"))
    assert by_field["first_name"] == ["Liian pitkä (enintään 100 merkkiä)."] and not general
