"""Reading a LimeSurvey survey's responses (Q2, Q3): an operation for LimeSurvey.run that exports the
complete responses after a response id, parsed (responses/rules.py parse_export)."""

from citric.exceptions import LimeSurveyStatusError

from services.surveys.responses import rules

NO_DATA = "No Data, could not get max id."


def export_after(sid, last_id):
    """An operation: the complete responses after ``last_id`` (none yet is [])."""

    def export(client):
        try:
            raw = client.export_responses(
                sid, file_format="json", completion_status="complete", from_response_id=last_id + 1
            )
        except LimeSurveyStatusError as exc:
            if exc.args and exc.args[0] == NO_DATA:
                return []
            raise
        return rules.parse_export(raw)

    return export
