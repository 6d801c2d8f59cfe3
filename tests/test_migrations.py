"""One migration history for SQLite and PostgreSQL, and it matches the models."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from server.extensions import db
from server.migrations import alembic_config
from server.models import Base


def test_the_models_match_the_head_revision(app):
    with app.app_context():
        connection = db.session.connection()
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_downgrade_upgrade_on_an_empty_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    config = alembic_config(url)
    command.upgrade(config, "head")
    engine = create_engine(url)
    assert {"regions", "users", "alembic_version"} <= set(inspect(engine).get_table_names())
    command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    command.upgrade(config, "head")
    assert "users" in inspect(engine).get_table_names()
    engine.dispose()
