"""Surveys (Q1, Q2): linked LimeSurvey surveys, their participants, invitations, reminders, responses and
the changes responses propose, in the API (/api/v1/surveys) and the web UI (/surveys)."""

from gateway.core import Area
from gateway.surveys.api import SurveysApiRoutes
from gateway.surveys.web import SurveysWebRoutes

AREA = Area("surveys", routes=(SurveysApiRoutes, SurveysWebRoutes))
