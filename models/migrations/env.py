"""Alembic environment: runs the migrations against the URL the caller configured."""
from alembic import context

from models import Base
from models.database import declared_by_models, make_engine

config = context.config


def run_migrations() -> None:
    """Run every pending migration in one connection (SQLite needs batch mode for ALTERs)."""
    url = config.get_main_option("sqlalchemy.url")
    assert url, "sqlalchemy.url is not configured"
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=url.startswith("sqlite"),
            compare_type=True,
            include_name=declared_by_models,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
