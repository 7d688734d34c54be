"""Alembic environment of the billing service's own database."""

from piiri.alembic_env import run_migrations
from services.billing.models import metadata

run_migrations(metadata)
