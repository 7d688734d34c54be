"""Alembic environment of the audit service's own database."""

from piiri.alembic_env import run_migrations
from services.audit.models import metadata

run_migrations(metadata)
