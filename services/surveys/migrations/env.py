"""Alembic environment of the surveys service's own database."""

from piiri.alembic_env import run_migrations
from services.surveys.models import metadata

run_migrations(metadata)
