"""Alembic environment of the imports service's own database."""

from piiri.alembic_env import run_migrations
from services.imports.models import metadata

run_migrations(metadata)
