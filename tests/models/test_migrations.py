"""The migrations are one line of history and build exactly the tables the models declare."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from models import Base
from models.database import alembic_config, declared_by_models, make_engine, migrate


def test_the_migrations_have_one_head(db_url):
    script = ScriptDirectory.from_config(alembic_config(db_url))
    assert len(script.get_heads()) == 1, script.get_heads()


def test_a_migrated_database_matches_the_models(db_url):
    migrate(db_url)  # the test database is migrated already: this proves a second run changes nothing
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"include_name": declared_by_models})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
