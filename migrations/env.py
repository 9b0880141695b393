"""Alembic environment: runs on the caller's connection when given one (in-memory SQLite,
tests, ``Journal.upgrade``), else on ``sqlalchemy.url`` from the configuration."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.pool import NullPool

from netjournal.models import Base

config = context.config
target_metadata = Base.metadata


#: Indexes a migration makes with raw SQL and the model does not declare (see netjournal.tables).
UNDECLARED_INDEXES = {"ix_questions_asked_key_hash"}


def _include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Leave the search index (tables, FTS shadow tables, triggers) out of autogenerate: it
    is built by raw SQL in its migration and has no ORM model; so are the indexes of
    :data:`UNDECLARED_INDEXES`."""
    if type_ == "index" and name in UNDECLARED_INDEXES:
        return False
    return not (type_ == "table" and name is not None and name.startswith("search_"))


def _include_object(
    obj: object, name: str | None, type_: str, reflected: bool, _compare_to: object
) -> bool:
    """Leave out of autogenerate what the model creates on other backends only (an index
    declared with ``ddl_if(dialect=...)``), so each backend compares what it really has."""
    condition = getattr(obj, "_ddl_if", None)
    if reflected or condition is None or condition.dialect is None:
        return True
    dialect = context.get_bind().dialect.name
    wanted = condition.dialect
    return dialect == wanted if isinstance(wanted, str) else dialect in wanted


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=_include_name,
        include_object=_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if isinstance(connection, Engine):  # pytest-alembic hands over an engine
        with connection.begin() as conn:
            _run(conn)
        return
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no connection and no sqlalchemy.url given to the migrations")
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as conn:
        _run(conn)


if context.is_offline_mode():
    run_offline()
else:
    run_online()
