"""Who was invited, reminded and completed: every participant's sent / remindersent / completed read back
from LimeSurvey and stored (the participants feature after sending, the responses feature when it brings
a survey in step)."""

from citric.exceptions import LimeSurveyStatusError

from services.surveys.participants import storage

PAGE = 1000
STATE_ATTRIBUTES = ["sent", "remindersent", "remindercount", "completed"]
NO_PARTICIPANTS = "No survey participants found."


def _date(value):
    return None if value in (None, "", "N") else str(value)


def refresh(limesurvey, db, link):
    """Read every participant's sent / remindersent / completed back from LimeSurvey (paged by 1,000)."""
    states, start = [], 0
    while True:

        def page(client, start=start):
            try:
                return client.list_participants(
                    link["sid"], start=start, limit=PAGE, attributes=STATE_ATTRIBUTES
                )
            except LimeSurveyStatusError as exc:
                if exc.args and exc.args[0] == NO_PARTICIPANTS:
                    return []
                raise

        rows = limesurvey.run(page)
        states.extend(
            {
                "tid": int(row["tid"]),
                "invited_at": _date(row.get("sent")),
                "reminded_at": _date(row.get("remindersent")),
                "reminder_count": int(row.get("remindercount") or 0),
                "completed_at": _date(row.get("completed")),
            }
            for row in rows
        )
        if len(rows) < PAGE:
            break
        start += PAGE
    with db.transaction() as session:
        storage.update_states(session, link["id"], states)
    return len(states)
