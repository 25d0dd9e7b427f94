"""Democratic appraisal (民主评议): scores recorded per rater, averages and band computed, who may do what."""
import pytest
from flask import Flask

from tests.conftest import NOW
from tests.factories import drive, start_topic
from workflows.demo.world import district_path


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def topic(session):  # type: ignore[no-untyped-def]
    """Return a topic past its consultation: the committee has written its minutes."""
    started = start_topic(session, NOW)
    steps = district_path("tianning")
    drive(session, started, steps[: [s[0] for s in steps].index("submit_minutes") + 1], NOW)
    return started


def _open(api, topic_id: int, unit: str = "tianning-housing") -> dict:  # type: ignore[no-untyped-def]
    opened = api.post(f"/api/v1/topics/{topic_id}/appraisals", headers=auth("office_tianning"),
                      json={"unit": unit, "held_on": "2026-06-30", "note": "办理成效评议会"})
    assert opened.status_code == 201, opened.get_json()
    return opened.get_json()


def test_the_averages_and_band_follow_the_raters_scores(api, topic) -> None:  # type: ignore[no-untyped-def]
    held = _open(api, topic.id)
    for rater, marks in (("王委员", (90, 80, 70)), ("居民代表", (100, 90, 80)), ("界别代表", (80, 70, 60))):
        scored = api.post(f"/api/v1/appraisals/{held['id']}/scores", headers=auth("committee_tianning"),
                          json=dict(zip(("attitude", "quality", "effect"), marks, strict=True), rater=rater))
        assert scored.status_code == 201, scored.get_json()
    found = api.get(f"/api/v1/topics/{topic.id}/appraisals", headers=auth("housing_tianning")).get_json()
    shown = found["appraisals"][0]
    assert (shown["raters"], shown["averages"], shown["overall"], shown["band"]) == (
        3, {"attitude": 90.0, "quality": 80.0, "effect": 70.0}, 80.0, "基本满意")
    again = api.post(f"/api/v1/appraisals/{held['id']}/scores", headers=auth("office_tianning"),
                     json={"rater": "王委员", "attitude": 100, "quality": 100, "effect": 100})
    assert again.status_code == 422 and "rater" in again.get_json()["error"]["fields"]


@pytest.mark.parametrize("marks", [{"attitude": 101, "quality": 1, "effect": 1},
                                   {"attitude": "９０", "quality": 1, "effect": 1},
                                   {"attitude": -1, "quality": 1, "effect": 1},
                                   {"attitude": 1, "quality": 1}])
def test_a_score_out_of_range_is_refused_by_name(api, topic, marks) -> None:  # type: ignore[no-untyped-def]
    held = _open(api, topic.id)
    refused = api.post(f"/api/v1/appraisals/{held['id']}/scores", headers=auth("office_tianning"),
                       json={"rater": "王委员", **marks})
    assert refused.status_code == 422 and set(refused.get_json()["error"]["fields"]) <= {"attitude", "effect"}


def test_who_may_open_score_and_read(api, topic) -> None:  # type: ignore[no-untyped-def]
    for sees_but_does_not_record in ("housing_tianning", "chair_tianning"):
        assert api.post(f"/api/v1/topics/{topic.id}/appraisals", headers=auth(sees_but_does_not_record),
                        json={"unit": "tianning-housing", "held_on": "2026-06-30"}).status_code == 403
    assert api.post(f"/api/v1/topics/{topic.id}/appraisals", headers=auth("office_wujin"),
                    json={"unit": "tianning-housing", "held_on": "2026-06-30"}).status_code == 404
    wrong = api.post(f"/api/v1/topics/{topic.id}/appraisals", headers=auth("office_tianning"),
                     json={"unit": "wujin-housing", "held_on": "30/06/2026"})
    assert wrong.status_code == 422 and set(wrong.get_json()["error"]["fields"]) == {"unit", "held_on"}
    held = _open(api, topic.id)
    assert api.post(f"/api/v1/appraisals/{held['id']}/scores", headers=auth("housing_tianning"),
                    json={"rater": "自评", "attitude": 100, "quality": 100, "effect": 100}).status_code == 403
    assert api.get(f"/api/v1/topics/{topic.id}/appraisals", headers=auth("office_wujin")).status_code == 404
    assert api.post("/api/v1/appraisals/999999/scores", headers=auth("office_tianning"),
                    json={"rater": "x", "attitude": 1, "quality": 1, "effect": 1}).status_code == 404


def test_a_co_organizing_districts_office_reads_but_neither_opens_nor_scores(api, topic) -> None:  # type: ignore[no-untyped-def]
    joined = api.post(f"/api/v1/topics/{topic.id}/co-platforms", headers=auth("office_tianning"),
                      json={"platform": "wujin"})
    assert joined.status_code == 201, joined.get_json()
    held = _open(api, topic.id)
    assert api.get(f"/api/v1/topics/{topic.id}/appraisals", headers=auth("office_wujin")).status_code == 200
    assert api.post(f"/api/v1/topics/{topic.id}/appraisals", headers=auth("office_wujin"),
                    json={"unit": "tianning-housing", "held_on": "2026-06-30"}).status_code == 403
    assert api.post(f"/api/v1/appraisals/{held['id']}/scores", headers=auth("office_wujin"),
                    json={"rater": "武进委员", "attitude": 1, "quality": 1, "effect": 1}).status_code == 403
    assert api.post(f"/api/v1/appraisals/{held['id']}/scores", headers=auth("office_changzhou"),
                    json={"rater": "市政协委员", "attitude": 90, "quality": 90, "effect": 90}).status_code == 201


def test_the_page_keeps_a_refused_score_and_shows_the_average(web, api, topic) -> None:  # type: ignore[no-untyped-def]
    held = _open(api, topic.id)
    committee = web("committee_tianning")
    url = f"/platform/topics/{topic.id}/appraisals"
    assert "住房和城乡建设局" in committee.get(url).get_data(as_text=True)
    refused = committee.post(f"/platform/appraisals/{held['id']}/scores",
                             {"rater": "<script>alert(1)</script>", "attitude": "95", "quality": "abc", "effect": "85"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "请填写 0 至 100 之间的整数" in page and 'value="95"' in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert committee.post(f"/platform/appraisals/{held['id']}/scores",
                          {"rater": "王委员", "attitude": "95", "quality": "90", "effect": "85"}).status_code == 302
    page = committee.get(url).get_data(as_text=True)
    assert f'data-testid="overall-{held["id"]}">90.0<' in page and "满意" in page
    assert 'data-testid="score-' not in web("housing_tianning").get(url).get_data(as_text=True)
    opened = committee.post(url, {"unit": "", "held_on": "2026-07-01", "note": "第二次评议"})
    assert opened.status_code == 422 and ">第二次评议</textarea>" in opened.get_data(as_text=True)
