"""Alembic environment of the exports service's own database."""

from piiri.alembic_env import run_migrations
from services.exports.models import metadata

run_migrations(metadata)
