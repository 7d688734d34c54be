"""Nameko entrypoints of the surveys service (Q1, Q2, Q3): LimeSurvey surveys linked to Piiri, their
participants pushed from a group or saved search, invitations and reminders, responses taken into the
registry, and application rounds with their rubric and applications (applications/).

Every feature (FEATURES) subclasses SurveysCore (core.py: the dependencies). The features live in links/,
participants/, responses/ (rpc.py, rules.py, storage.py), erasure.py and merge.py; LimeSurvey is reached
through the real citric client (limesurvey/connection.py, configuration LIMESURVEY_URL, LIMESURVEY_USER,
LIMESURVEY_PASSWORD); members and contact changes through the contacts service's RPCs. The responses
feature's timer keeps every link in step every SURVEY_SYNC_SECONDS (default 900; 0 turns it off), acting
as the user who linked it.
"""

from nameko.rpc import rpc

from piiri.errors import EXPECTED_ERRORS
from services.surveys import models
from services.surveys.applications.decisions_rpc import DecisionsRpc
from services.surveys.applications.portal_rpc import ReviewPortalRpc
from services.surveys.applications.review_rpc import ReviewersRpc
from services.surveys.applications.rpc import ApplicationsRpc
from services.surveys.core import SurveysCore
from services.surveys.erasure import SurveysErasure
from services.surveys.links.rpc import LinksRpc
from services.surveys.merge import SurveysMerge
from services.surveys.participants.rpc import ParticipantsRpc
from services.surveys.responses.rpc import ResponsesRpc


class SurveysUpkeep(SurveysCore):
    """The service's own entrypoint: ping (its database answers)."""

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        self.db.session.execute(models.survey_links.select().limit(0))
        self.db.session.rollback()
        return "pong"


FEATURES = (
    SurveysUpkeep,
    SurveysErasure,
    SurveysMerge,
    LinksRpc,
    ParticipantsRpc,
    ResponsesRpc,
    ApplicationsRpc,
    ReviewersRpc,
    ReviewPortalRpc,
    DecisionsRpc,
)


class SurveysService(*FEATURES):  # type: ignore[misc]
    name = "surveys"
