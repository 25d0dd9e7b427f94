"""Suggestions of the minutes followed to their result by their units."""
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput, NotFound
from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from workflows.demo.world import user_named
from workflows.platform import suggestions


def test_a_suggestion_is_followed_to_100_percent_by_its_unit(session: Session) -> None:
    topic = start_topic(session, NOW)
    committee, housing = user_named(session, "office_tianning"), user_named(session, "housing_tianning")
    with writing(session):
        first = suggestions.add(session, committee, topic.id, {"text": "设立加装电梯补贴", "unit": "tianning-housing"})
        second = suggestions.add(session, committee, topic.id, {"text": "简化审批", "unit": "tianning-civil"})
        suggestions.report(session, housing, first.id, {"progress": "40", "note": "补贴办法已起草"})
        suggestions.report(session, housing, first.id, {"progress": "100", "note": "补贴办法印发",
                                                        "outcome": "livelihood_project"})
    _, found = suggestions.of_topic(session, committee, topic.id)
    assert [(s.number, s.progress, s.outcome and s.outcome.value) for s in found] == [
        (1, 100, "livelihood_project"), (2, 0, None)]
    assert [m.progress for m in found[0].milestones] == [40, 100]
    counts = suggestions.by_outcome(session, topic.district_id, datetime(2026, 1, 1, tzinfo=UTC),
                                    datetime(2027, 1, 1, tzinfo=UTC))
    assert counts == {"livelihood_project": 1, "open": 1}
    with writing(session):
        with pytest.raises(InvalidInput):  # progress never goes back
            suggestions.report(session, housing, first.id, {"progress": "50", "note": "x"})
        with pytest.raises(NotFound):  # not the suggestion's unit, and the topic is not in its sight
            suggestions.report(session, housing, second.id, {"progress": "10", "note": "x"})
        with pytest.raises(Forbidden):  # the office sees the topic but handles no suggestion
            suggestions.report(session, committee, second.id, {"progress": "10", "note": "x"})
        with pytest.raises(InvalidInput) as refused:  # done without an outcome
            suggestions.report(session, user_named(session, "civil_tianning"), second.id,
                               {"progress": "100", "note": "完成"})
    assert "outcome" in refused.value.fields


def test_who_lists_suggestions_and_bad_input(session: Session) -> None:
    topic = start_topic(session, NOW)
    with writing(session):
        with pytest.raises(Forbidden):
            suggestions.add(session, user_named(session, "chair_tianning"), topic.id,
                            {"text": "x", "unit": "tianning-housing"})
        with pytest.raises(InvalidInput) as refused:
            suggestions.add(session, user_named(session, "office_tianning"), topic.id,
                            {"text": "", "unit": "xinbei-housing"})
        with pytest.raises(NotFound):
            suggestions.add(session, user_named(session, "office_xinbei"), topic.id,
                            {"text": "x", "unit": "xinbei-housing"})
    assert set(refused.value.fields) == {"text", "unit"}
