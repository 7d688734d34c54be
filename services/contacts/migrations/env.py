"""Alembic environment of the contacts service's own database."""

from piiri.alembic_env import run_migrations
from services.contacts.models import metadata

run_migrations(metadata)
