"""Alembic environment of the store.

Store.open() runs the migrations itself on its own connection (passed in `config.attributes["connection"]`).
For developers: `alembic -c desktop/store/alembic.ini -x url=sqlite:///x.sqlite revision --autogenerate -m "…"`
(without `-x url=` the default database of desktop.paths.default_db_url() is used).
SQLite uses batch mode ("move and copy"), since it cannot ALTER most things in place.
"""
from __future__ import annotations

from alembic import context

from desktop.store.schema import metadata

config = context.config


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=metadata, literal_binds=True,
                      render_as_batch=url.startswith("sqlite"),
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    from desktop.paths import default_db_url
    from desktop.store.db import make_engine, migration_connection

    url = (context.get_x_argument(as_dictionary=True).get("url")
           or config.get_main_option("sqlalchemy.url") or default_db_url())
    engine = make_engine(url)
    try:
        with migration_connection(engine) as connection:
            _configure_and_run(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
