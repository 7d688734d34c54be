"""Q1: LimeSurvey's answers and failures as Piiri error codes (limesurvey/connection.py, pure parts)."""

import pytest
import requests
from citric.exceptions import LimeSurveyStatusError, RPCInterfaceNotEnabledError

from piiri.errors import Conflict, NotFound, ServiceUnavailable
from services.surveys.limesurvey.connection import Connection, send_result, translate


@pytest.mark.parametrize(
    ("failure", "kind", "code"),
    [
        (requests.ConnectionError("refused"), ServiceUnavailable, "surveys.limesurvey_unreachable"),
        (requests.Timeout("slow"), ServiceUnavailable, "surveys.limesurvey_unreachable"),
        (RPCInterfaceNotEnabledError(), ServiceUnavailable, "surveys.limesurvey_rpc_disabled"),
        (
            LimeSurveyStatusError("Invalid user name or password"),
            ServiceUnavailable,
            "surveys.limesurvey_login_failed",
        ),
        (
            LimeSurveyStatusError("Invalid Session Key"),
            ServiceUnavailable,
            "surveys.limesurvey_session_expired",
        ),
        (LimeSurveyStatusError("Error: Invalid survey ID"), NotFound, "surveys.remote_survey_missing"),
        (LimeSurveyStatusError("No permission"), Conflict, "surveys.limesurvey_no_permission"),
        (LimeSurveyStatusError("Faulty parameters"), Conflict, "surveys.limesurvey_status"),
    ],
)
def test_q1_every_failure_is_a_code(failure, kind, code):
    error = translate(failure)
    assert isinstance(error, kind) and error.args[0] == code


def test_q1_a_send_answer_tells_who_was_sent_to_and_how_many_are_left():
    answer = {
        "3": {"name": "A", "email": "a@x.fi", "status": "OK"},
        "4": {"status": "Failed"},
        "status": "7 left to send",
    }
    assert send_result(answer) == ([3], 7)
    assert send_result({"status": "Error: No candidate tokens"}) == ([], 0)
    with pytest.raises(NotFound):
        send_result({"status": "Error: Invalid survey ID"})


def test_q1_no_url_configured_is_its_own_code():
    with pytest.raises(ServiceUnavailable) as refused:
        Connection("", "", "", 5).run(lambda client: None)
    assert refused.value.args[0] == "surveys.limesurvey_not_configured"
