"""The write transaction belongs to the caller: services require it, nested blocks join it, rollbacks undo files."""
import pytest
from sqlalchemy import func, select

from models import SavedFilter
from models.database import in_writing, on_rollback, writing
from tests.conftest import NOW
from workflows.deadlines.sweep import sweep
from workflows.demo.world import user_named
from workflows.topics import filters


def saved(sessions) -> int:
    with sessions() as other:
        return other.scalar(select(func.count()).select_from(SavedFilter))


def test_a_service_called_outside_a_write_transaction_names_itself(session):
    user = user_named(session, "office_tianning")
    with pytest.raises(RuntimeError, match=r"workflows\.topics\.filters\.save .*with writing\(session\)"):
        filters.save(session, user, "inbox", "mine", "?q=1")


def test_a_nested_block_joins_the_outer_one_and_only_the_outer_one_commits(session, sessions):
    user = user_named(session, "office_tianning")
    with writing(session):
        with writing(session):
            filters.save(session, user, "inbox", "first", "?q=1")
        assert in_writing(session) and saved(sessions) == 0
        filters.save(session, user, "inbox", "second", "?q=2")
    assert not in_writing(session) and saved(sessions) == 2


def test_an_error_in_a_nested_block_rolls_back_the_whole_transaction(session, sessions):
    user = user_named(session, "office_tianning")
    with pytest.raises(ValueError), writing(session):
        filters.save(session, user, "inbox", "first", "?q=1")
        with writing(session):
            raise ValueError("refused")
    assert saved(sessions) == 0 and not in_writing(session)


def test_undo_steps_run_on_rollback_only(session, tmp_path):
    kept, dropped = tmp_path / "kept", tmp_path / "dropped"
    with writing(session):
        kept.write_text("x")
        on_rollback(session, kept.unlink)
    with pytest.raises(ValueError), writing(session):
        dropped.write_text("x")
        on_rollback(session, dropped.unlink)
        raise ValueError("refused")
    assert kept.exists() and not dropped.exists()


def test_a_batch_that_commits_step_by_step_refuses_to_run_inside_a_transaction(session):
    with pytest.raises(RuntimeError, match=r"workflows\.deadlines\.sweep\.sweep opens its own"), writing(session):
        sweep(session, NOW)
