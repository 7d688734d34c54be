"""Birthdays: the upcoming birthdays and their settings."""

from gateway.birthdays.api import BirthdaysApiRoutes
from gateway.birthdays.web import BirthdaysWebRoutes
from gateway.core import Area

AREA = Area("birthdays", routes=(BirthdaysApiRoutes, BirthdaysWebRoutes))
