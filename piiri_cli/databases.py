"""Every database of Piiri, known here (the operator CLI composes everything; the kit piiri/ names no
service): each one's Alembic history and table metadata, and ``migrate`` over them (piiri/migrate.py)."""

import importlib
from collections.abc import Iterable, Mapping

from alembic.config import Config
from sqlalchemy import MetaData

from piiri import migrate as kit
from piiri.config import ROOT

MIGRATION_DIRS = {
    "contacts": ROOT / "services" / "contacts" / "migrations",
    "audit": ROOT / "services" / "audit" / "migrations",
    "gateway": ROOT / "gateway" / "migrations",
    "imports": ROOT / "services" / "imports" / "migrations",
    "exports": ROOT / "services" / "exports" / "migrations",
    "surveys": ROOT / "services" / "surveys" / "migrations",
    "mailing": ROOT / "services" / "mailing" / "migrations",
    "billing": ROOT / "services" / "billing" / "migrations",
}
METADATA_MODULES = {
    "contacts": "services.contacts.models",
    "audit": "services.audit.models",
    "gateway": "gateway.models",
    "imports": "services.imports.models",
    "exports": "services.exports.models",
    "surveys": "services.surveys.models",
    "mailing": "services.mailing.models",
    "billing": "services.billing.models",
}


def alembic_config(service: str, url: str) -> Config:
    return kit.alembic_config(service, url, MIGRATION_DIRS[service])


def target_metadata(service: str) -> MetaData:
    metadata: MetaData = importlib.import_module(METADATA_MODULES[service]).metadata
    return metadata


def migrate(
    config: Mapping[str, object], services: Iterable[str] | None = None, create: bool = True
) -> list[str]:
    """Bring every service's database (or those of ``services``) to its newest migration."""
    return kit.migrate(config, MIGRATION_DIRS, services, create)
