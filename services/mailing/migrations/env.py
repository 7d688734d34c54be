"""Alembic environment of the mailing service's own database."""

from piiri.alembic_env import run_migrations
from services.mailing.models import metadata

run_migrations(metadata)
