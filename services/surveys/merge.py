"""contacts_merged (C11) in the surveys service, a feature of the surveys service: the participant entries,
responses, proposed changes and applications (Q3) of each merged contact become the survivor's, so the
survivor's access report lists them and erasing the survivor erases them (at LimeSurvey too)."""

import uuid

from nameko.events import event_handler

from piiri.context import SYSTEM
from piiri.dead_letters import Unprocessable
from services.surveys.applications import storage as application_storage
from services.surveys.core import SurveysCore
from services.surveys.participants import storage as participant_storage
from services.surveys.responses import storage as response_storage


def merge_of(payload):
    """(survivor id, [merged ids]) of a contacts_merged event; Unprocessable when it has neither."""
    try:
        survivor = uuid.UUID(str(payload["survivor_id"]))
        merged = [uuid.UUID(str(value)) for value in payload["merged_ids"]]
    except (KeyError, TypeError, ValueError):
        raise Unprocessable("contacts_merged without survivor_id and merged_ids") from None
    return survivor, [value for value in merged if value != survivor]


class SurveysMerge(SurveysCore):
    @event_handler("contacts", "contacts_merged", requeue_on_error=True)
    def surveys_on_contacts_merged(self, payload):
        survivor, merged = merge_of(payload)
        if not merged:
            return
        self.context.act_as(SYSTEM)
        with self.db.transaction() as session:
            moved = participant_storage.move_to_survivor(session, survivor, merged)
            moved += response_storage.move_to_survivor(session, survivor, merged)
            moved += application_storage.move_to_survivor(session, survivor, merged)
        return moved
