"""Databases and migrations: create each service's own database and run its own Alembic history."""

import importlib
from collections.abc import Iterable, Mapping
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import make_url

from piiri.config import ROOT, database_url

MIGRATION_DIRS = {
    "contacts": ROOT / "services" / "contacts" / "migrations",
    "audit": ROOT / "services" / "audit" / "migrations",
    "gateway": ROOT / "gateway" / "migrations",
    "imports": ROOT / "services" / "imports" / "migrations",
    "exports": ROOT / "services" / "exports" / "migrations",
    "billing": ROOT / "services" / "billing" / "migrations",
}
METADATA_MODULES = {
    "contacts": "services.contacts.models",
    "audit": "services.audit.models",
    "gateway": "gateway.models",
    "imports": "services.imports.models",
    "exports": "services.exports.models",
    "billing": "services.billing.models",
}


def alembic_config(service: str, url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATION_DIRS[service]))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def target_metadata(service: str) -> MetaData:
    metadata: MetaData = importlib.import_module(METADATA_MODULES[service]).metadata
    return metadata


def ensure_database(url: str) -> bool:
    """Create the database named in ``url`` if it does not exist (connecting to 'postgres')."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    conninfo = admin.render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
        if not exists:
            conn.execute(f"CREATE DATABASE \"{parsed.database}\" ENCODING 'UTF8' TEMPLATE template0")
            return True
    return False


def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def migrate(
    config: Mapping[str, object], services: Iterable[str] | None = None, create: bool = True
) -> list[str]:
    """Bring every service's database to its newest migration; returns the URLs touched."""
    done = []
    for service in services or MIGRATION_DIRS:
        url = database_url(config, service)
        if create:
            ensure_database(url)
        settings = alembic_config(service, url)
        settings.attributes["piiri_config"] = config  # e.g. the gateway's SECRET_KEYS (its migration 0003)
        command.upgrade(settings, "head")
        done.append(url)
    return done


def migration_dir(service: str) -> Path:
    return Path(MIGRATION_DIRS[service])
