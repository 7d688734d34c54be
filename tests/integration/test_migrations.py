"""Each service's Alembic history: one head, and the migrated database matches the models exactly."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from piiri_cli.databases import MIGRATION_DIRS, alembic_config, target_metadata


@pytest.mark.parametrize("service", sorted(MIGRATION_DIRS))
def test_each_service_has_a_single_migration_head(service, databases):
    script = ScriptDirectory.from_config(alembic_config(service, databases[service]))
    assert len(script.get_heads()) == 1


@pytest.mark.parametrize("service", sorted(MIGRATION_DIRS))
def test_migrations_create_exactly_what_the_models_declare(service, engines):
    with engines[service].connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, target_metadata(service)) == []


@pytest.mark.parametrize("service", sorted(MIGRATION_DIRS))
def test_migrations_downgrade_to_nothing_and_back(service, config):
    from alembic import command

    from piiri.config import database_url
    from piiri.migrate import drop_database, ensure_database

    url = database_url(config, service).replace("_" + service, "_" + service + "_roundtrip")
    ensure_database(url)
    try:
        alembic = alembic_config(service, url)
        command.upgrade(alembic, "head")
        command.downgrade(alembic, "base")
        command.upgrade(alembic, "head")
    finally:
        drop_database(url)
