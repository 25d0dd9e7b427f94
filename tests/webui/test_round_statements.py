"""A follow-up round's page lists its suggestions with their units in the same statements however many units."""
from typing import Any

from sqlalchemy.orm import Session

from tests.counting import counted
from tests.webui.test_follow_up_rounds import _round


def _page_statements(app: Any, web: Any, session: Session, units: list[str]) -> int:
    _, found = _round(session)
    office = web("office_tianning")
    office.get(f"/platform/activities/{found.id}")
    texts = [f"建议{n}" for n in range(len(units))]
    kept = office.post(f"/platform/activities/{found.id}/minutes",
                       {"minutes": "再协商纪要", "suggestions_text": texts, "suggestions_unit": units})
    assert kept.status_code == 302
    with counted(app.extensions["db_engine"]) as seen:
        page = office.get(f"/platform/activities/{found.id}").get_data(as_text=True)
    assert all(f"建议{n}" in page for n in range(len(units)))
    return len(seen)


def test_the_rounds_suggestions_read_their_units_with_them(app: Any, web: Any, session: Session) -> None:
    one = _page_statements(app, web, session, ["tianning-housing"])
    assert _page_statements(app, web, session, ["tianning-civil", "tianning-urban", "tianning-education"]) == one
