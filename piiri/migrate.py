"""Databases and migrations: create a service's own database and run its own Alembic history. Which
services have which history is the operator CLI's knowledge (piiri_cli/databases.py): the kit names none."""

from collections.abc import Iterable, Mapping
from pathlib import Path

import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from piiri.collation import ensure_finnish_collation
from piiri.config import database_url


def alembic_config(service: str, url: str, migrations: Path) -> Config:
    """Alembic's configuration for the database ``service`` uses, at ``url``, with the Alembic history in
    the folder ``migrations``."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


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


def ensure_collations(url: str) -> None:
    """The collations the migrations and queries name (piiri.collation: ``fi-x-icu``), made if missing."""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        ensure_finnish_collation(conn)


def drop_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


def migrate(
    config: Mapping[str, object],
    migrations: Mapping[str, Path],
    services: Iterable[str] | None = None,
    create: bool = True,
) -> list[str]:
    """Bring each database to its newest migration (``migrations``: service -> its Alembic folder; all of
    them, or those of ``services``); returns the URLs touched."""
    done = []
    for service in services or migrations:
        url = database_url(config, service)
        if create:
            ensure_database(url)
        ensure_collations(url)
        settings = alembic_config(service, url, migrations[service])
        settings.attributes["piiri_config"] = config  # e.g. the gateway's SECRET_KEYS (its migration 0003)
        command.upgrade(settings, "head")
        done.append(url)
    return done
