"""Alembic environment of the gateway's own database (users and sessions)."""

from gateway.models import metadata
from piiri.alembic_env import run_migrations

run_migrations(metadata)
