"""Alembic environment: runs on the connection handed over by :func:`console.storage.db.migrate`."""

from alembic import context

from console.storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Gridwatch migrations run through console.storage.db.migrate(), not the alembic CLI")

context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
