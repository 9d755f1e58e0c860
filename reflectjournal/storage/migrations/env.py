"""Alembic environment: runs on the journal's own, already-unlocked connection."""

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel

import reflectjournal.domain.tables  # noqa: F401  (the tables register on import)

config = context.config
factory = config.attributes["connection_factory"]

engine = create_engine(
    "sqlite://", creator=factory, poolclass=StaticPool, module=__import__("sqlcipher3").dbapi2
)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
