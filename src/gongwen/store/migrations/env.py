"""Alembic environment: gongwen passes its own connection in `config.attributes`."""

from alembic import context

import gongwen.store.platform_schema  # noqa: F401  (registers the platform tables)
from gongwen.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
