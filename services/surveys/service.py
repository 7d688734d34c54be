"""Nameko entrypoints of the surveys service (Q1, Q2): LimeSurvey surveys linked to Piiri, their participants
pushed from a group or saved search, invitations and reminders, and responses taken into the registry.

The features live in links/, participants/, responses/ (rpc.py, rules.py, storage.py); LimeSurvey is reached
through the real citric client (limesurvey/connection.py, configuration LIMESURVEY_URL, LIMESURVEY_USER,
LIMESURVEY_PASSWORD); members and contact changes through the contacts service's RPCs. The timer keeps every
link in step every SURVEY_SYNC_SECONDS (default 900; 0 turns it off), acting as the user who linked it.
"""

import logging

from nameko.dependency_providers import Config
from nameko.rpc import rpc
from nameko.timer import timer

from piiri.audit import AuditTrail
from piiri.context import Context
from piiri.db import Database
from piiri.errors import EXPECTED_ERRORS
from piiri.outbox import Outbox
from piiri.rpc import RpcProxy
from services.surveys import models
from services.surveys.erasure import SurveysErasure
from services.surveys.limesurvey.connection import LimeSurvey
from services.surveys.links.rpc import LinksRpc
from services.surveys.merge import SurveysMerge
from services.surveys.participants.rpc import ParticipantsRpc
from services.surveys.responses.rpc import ResponsesRpc

log = logging.getLogger(__name__)

SYNC_CHECK_SECONDS = 10  # how often the timer looks for links whose SURVEY_SYNC_SECONDS have passed


class SurveysService(SurveysErasure, SurveysMerge, LinksRpc, ParticipantsRpc, ResponsesRpc):
    name = "surveys"

    db = Database("surveys")
    context = Context()
    audit = AuditTrail("surveys")
    outbox = Outbox("surveys", models.outbox)
    config = Config()
    contacts = RpcProxy("contacts", timeout_key="SURVEY_RPC_TIMEOUT", default=120.0)
    limesurvey = LimeSurvey()

    @rpc(expected_exceptions=EXPECTED_ERRORS)
    def ping(self):
        self.db.session.execute(models.survey_links.select().limit(0))
        self.db.session.rollback()
        return "pong"

    @timer(interval=SYNC_CHECK_SECONDS)
    def scheduled_sync(self):
        """Every SURVEY_SYNC_SECONDS, every link in step (each as its linking user; errors recorded on it)."""
        every = int(self.config.get("SURVEY_SYNC_SECONDS", 900) or 0)
        if every <= 0 or not self.config.get("LIMESURVEY_URL"):
            return
        done = self.sync_due_as_their_users(every)
        if done:
            log.info("surveys: %d linked surveys brought in step with LimeSurvey", done)
