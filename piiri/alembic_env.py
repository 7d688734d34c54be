"""The body of every service's Alembic env.py: online migrations against the configured URL."""

from alembic import context
from sqlalchemy import create_engine, pool


def run_migrations(metadata):
    config = context.config
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
