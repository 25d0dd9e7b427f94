"""Rooms, coverage and activity figures computed from the known district, and who may do what."""
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput, NotFound
from models import Have
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.workflows.platform import known
from workflows.demo.world import user_named
from workflows.platform import activities, coverage, rooms
from workflows.topics.attachments import UploadRefused

TODAY = date(2026, 3, 2)


def test_the_known_district_has_7_of_10_rooms_complete_and_qinglong_missing(session: Session, tmp_path: Path) -> None:
    known.build(session, tmp_path, NOW)
    figures = coverage.coverage(session, user_named(session, "supervisor_tianning"), 2026, TODAY)
    [tianning] = figures.districts
    assert (tianning.rooms, tianning.complete_rooms, tianning.required, tianning.covered) == (10, 7, 2, 1)
    assert tianning.missing == ["青龙街道"] and tianning.no_room == []
    assert tianning.rate == 0.5


def test_activities_have_is_computed_from_the_year_s_held_activities(session: Session, tmp_path: Path) -> None:
    built = known.build(session, tmp_path, NOW)
    status = coverage.statuses(session, built["partial"], 2026, TODAY)
    assert [sorted(status[r.id].haves) for r in built["partial"]] == [
        sorted({Have.SITE, Have.RULES, Have.ORGANIZATION, Have.ACTIVITIES}),
        sorted(known.FOUR), sorted(known.FOUR)]
    later = coverage.statuses(session, built["partial"], 2026, date(2026, 6, 1))
    assert later[built["partial"][2].id].complete  # held on 1 June: complete from that day


def test_the_city_guidance_group_sees_every_district_and_the_missing_by_name(session: Session, tmp_path: Path) -> None:
    known.build(session, tmp_path, NOW)
    figures = coverage.coverage(session, user_named(session, "supervisor_city"), 2026, TODAY)
    assert len(figures.districts) == 7
    whole = figures.total
    assert (whole.rooms, whole.complete_rooms, whole.required, whole.covered) == (10, 7, 10, 1)
    assert "青龙街道" in whole.missing and "孟河镇" in whole.no_room and "郑陆镇" not in whole.missing


def test_coverage_reads_a_fixed_number_of_statements(session: Session, tmp_path: Path) -> None:
    known.build(session, tmp_path, NOW)
    city = user_named(session, "supervisor_city")
    session.expunge_all()
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        coverage.coverage(session, city, 2026, TODAY)
    assert len(seen) == 5  # scope, organizations, rooms, haves, activities


def test_frequency_per_platform_against_the_target_and_the_leaders_share(session: Session, tmp_path: Path) -> None:
    known.build(session, tmp_path, NOW)
    figures = activities.figures(session, user_named(session, "supervisor_tianning"), 2026, TODAY)
    by_code = {p.code: p for p in figures.platforms}
    assert (by_code["tianning"].held, by_code["zhenglu"].held, by_code["qinglong"].held) == (24, 7, 1)
    assert by_code["zhenglu"].target == 4 and by_code["zhenglu"].met and not by_code["qinglong"].met
    assert (figures.district_activities, figures.with_leaders, figures.leader_share) == (24, 6, 0.25)


def test_figures_read_a_fixed_number_of_statements(session: Session, tmp_path: Path) -> None:
    known.build(session, tmp_path, NOW)
    city = user_named(session, "supervisor_city")
    with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        activities.figures(session, city, 2026, TODAY)
    assert len(seen) == 5


def test_only_the_office_registers_and_only_the_district_verifies(session: Session, tmp_path: Path) -> None:
    with writing(session):
        made = known.room(session, tmp_path, "zhenglu", "郑陆议事室", (), NOW)
        with pytest.raises(Forbidden):
            rooms.register(session, user_named(session, "chair_tianning"), "zhenglu", {"name": "x"})
        office_town = user_named(session, "office_zhenglu")
        rooms.add_evidence(session, tmp_path, office_town, made, Have.SITE, "a.png", io.BytesIO(known.PNG))
        with pytest.raises(Forbidden):  # the town verifies not its own room
            rooms.verify(session, office_town, made, Have.SITE)
        with pytest.raises(InvalidInput):  # no evidence of signage yet
            rooms.verify(session, user_named(session, "supervisor_tianning"), made, Have.SIGNAGE)
        with pytest.raises(InvalidInput):
            rooms.have_of("activities")
        with pytest.raises(NotFound):
            rooms.require_room(session, user_named(session, "office_menghe"), made.code)


def test_bad_room_input_is_refused_field_by_field(session: Session, tmp_path: Path) -> None:
    office = user_named(session, "office_tianning")
    with writing(session), pytest.raises(InvalidInput) as refused:
        rooms.register(session, office, "tianning", {"name": "", "functions": ["kitchen"]})
    assert set(refused.value.fields) == {"name", "functions", "organization"}
    with writing(session):
        made = rooms.register(session, office, "qinglong", {"name": "青龙议事室"})
        with pytest.raises(UploadRefused):
            rooms.add_evidence(session, tmp_path, office, made, Have.SITE, "x.png", io.BytesIO(b"<script>"))


def test_the_consultation_task_creates_the_topic_s_activity_and_keeps_it_in_step(session: Session) -> None:
    from engine.errors import Conflict
    from tests.factories import drive, start_topic
    from workflows.demo.world import district_path

    path = district_path("tianning", assisting=False)
    meeting = [s[0] for s in path].index("hold_meeting")
    topic = start_topic(session, NOW)
    drive(session, topic, path[:meeting], NOW)
    office = user_named(session, "office_tianning")
    with writing(session), pytest.raises(Conflict):  # the materials task created it: a second one would disagree
        activities.plan(session, office, {"title": "另一场", "platform": "tianning", "form": "online",
                                          "held_on": "2026-05-28", "topic_id": str(topic.id)})
    drive(session, topic, path[meeting:meeting + 1], NOW)
    [activity] = activities.activities_in(session, office, 2026)
    assert (activity.topic_id, activity.platform.code, activity.form.value) == (topic.id, "tianning", "on_site")
    assert (activity.held_on, activity.materials_sent_on) == (date(2026, 5, 28), date(2026, 5, 20))
    with writing(session):
        follow_up = activities.plan(session, office, {"title": "再视察", "platform": "tianning", "form": "on_site",
                                                      "held_on": "2026-09-01", "topic_id": str(topic.id),
                                                      "follow_up": "inspection"})
    assert follow_up.follow_up is not None and follow_up.topic_id == topic.id
