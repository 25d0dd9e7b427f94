"""A district with known figures: 天宁, 10 rooms of which 7 meet all five, 24 district activities, 6 with leaders.

Rooms: 4 at 郑陆镇 and 3 at its community, all complete; 3 at 青龙街道, none complete (one lacks
signage, one lacks an activity this year, one has only a future activity). So 郑陆镇 is covered
and 青龙街道 is missing. Activities held in 2026 up to NOW: 24 on the district platform (6 with
a leader checked in, one more with a leader invited who did not come) and 7 in the 郑陆 rooms.
"""
import io
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ConsultationRoom, Have, Organization
from models.database import writing
from workflows.demo.world import user_named
from workflows.platform import activities, rooms

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FOUR = (Have.SITE, Have.RULES, Have.ORGANIZATION, Have.SIGNAGE)


def room(session: Session, directory: Path, org: str, name: str, haves: tuple[Have, ...], now: datetime
         ) -> ConsultationRoom:
    """Register a room as the district office and prove and verify the given haves."""
    office, supervisor = user_named(session, "office_tianning"), user_named(session, "supervisor_tianning")
    made = rooms.register(session, office, org, {"name": name, "address": f"{name}路1号", "host": "党群服务中心",
                                                 "functions": ["member_home"]}, now=now)
    for have in haves:
        rooms.add_evidence(session, directory, office, made, have, "photo.png", io.BytesIO(PNG), now=now)
        rooms.verify(session, supervisor, made, have, now=now)
    return made


def held(session: Session, platform: str, day: date, title: str = "协商活动") -> int:
    """Plan an activity as the district office; return its id."""
    office = user_named(session, "office_tianning")
    return activities.plan(session, office, {"title": title, "platform": platform, "form": "on_site",
                                             "held_on": day.isoformat()}).id


def build(session: Session, directory: Path, now: datetime) -> dict[str, list[ConsultationRoom]]:
    """Build the known district in one write transaction."""
    office = user_named(session, "office_tianning")
    with writing(session):
        complete = [room(session, directory, "zhenglu", f"郑陆议事室{i}", FOUR, now) for i in range(4)]
        complete += [room(session, directory, "zhenglu-c1", f"郑陆社区议事室{i}", FOUR, now) for i in range(3)]
        partial = [room(session, directory, "qinglong", "青龙议事室甲", FOUR[:3], now),
                   room(session, directory, "qinglong", "青龙议事室乙", FOUR, now),
                   room(session, directory, "qinglong", "青龙议事室丙", FOUR, now)]
        for r in complete + partial[:1]:
            held(session, r.code, date(2026, 2, 10), f"{r.name}活动")
        held(session, partial[1].code, date(2025, 12, 20))  # last year: no activity this year
        held(session, partial[2].code, date(2026, 6, 1))  # planned, not yet held
        for i in range(24):
            activity = activities.require_activity(session, office, held(session, "tianning", date(2026, 1, 5 + i)))
            if i < 7:
                leader = activities.add_participant(session, office, activity, {"kind": "leader", "name": f"领导{i}"})
                activities.tick(session, office, activity, leader.id, present=i < 6, now=now)
        activities.set_target(session, office, office.roles[0].organization, 2026, 4)
    return {"complete": complete, "partial": partial}


# Four 天宁 topics handled by 住建局: (working days the signing overran, the reply overran, class, rating).
HOUSING = [(0, 0, "A", "satisfied"), (0, 2, "A", "basically_satisfied"), (1, 0, "B", "satisfied"),
           (0, 3, "C", "unsatisfied")]


def handled_topics(session: Session, now: datetime) -> None:
    """Drive the HOUSING topics to their rating, signing and replying on time or the given working days late."""
    from datetime import timedelta

    from engine.time.calendar import SHANGHAI
    from tests.factories import drive, start_topic
    from workflows.demo.world import district_path
    from workflows.topics import lifecycle
    from workflows.topics.inbox import open_tasks

    path = district_path("tianning", assisting=False)
    sign = [s[0] for s in path].index("sign_receipt")
    calendar = lifecycle.load_calendar(session)

    def finish(topic, bpmn_id: str, username: str, data: dict, late: int) -> datetime:  # type: ignore[no-untyped-def]
        item = next(i for i in open_tasks(session, topic) if i.bpmn_id == bpmn_id)
        due = item.due_at.astimezone(SHANGHAI)
        day = calendar.add_working_days(due.date(), late).date if late else due.date()
        at = datetime.combine(day, due.time(), tzinfo=SHANGHAI) - timedelta(hours=0 if late else 2)
        with writing(session):
            lifecycle.complete_task(session, user_named(session, username), item.id, data, now=at)
        return at

    for i, (sign_late, reply_late, klass, rating) in enumerate(HOUSING):
        topic = start_topic(session, now, title=f"住建议题{i}")
        drive(session, topic, path[:sign], now)
        finish(topic, "sign_receipt", "housing_tianning", {}, sign_late)
        at = finish(topic, "write_reply", "housing_tianning", {"reply_class": klass, "reply": "答复"}, reply_late)
        drive(session, topic, [("rate_reply", "office_tianning", {"rating": rating, "rating_note": "未解决"})],
              at + timedelta(hours=1))


def members(session: Session, now: datetime) -> dict[str, int]:
    """Build members with known 2026 points (rules: attended 2, spoke 3, recommended 5, follow-up 4).

    王委员 (经济界, the account member_tianning): two activities attended, spoke once, one of them a
    re-inspection: 2+2+3+4 = 11. 李委员 (经济界): one activity, one adopted recommendation: 2+5 = 7.
    张委员 (教育界): invited but absent, his recommendation not yet approved: 0. 赵委员 (教育界, 新北):
    attended and spoke: 5. An activity of 2025 counts for nobody.
    """
    from models import FollowUpRound
    from tests.factories import drive, start_topic
    from workflows.demo.world import district_path
    from workflows.people import members as people
    from workflows.platform import points

    orgs = {o.code: o for o in session.scalars(select(Organization))}
    with writing(session):
        econ = people.save_sector(session, None, "econ", "经济界")
        edu = people.save_sector(session, None, "edu", "教育界")
        made = {name: people.save_member(session, None, code=code, name=name, sector=sector,
                                         organization=orgs[org], user=user_named(session, user) if user else None)
                for code, name, sector, org, user in [("M1", "王委员", econ, "tianning", "member_tianning"),
                                                      ("M2", "李委员", econ, "tianning", None),
                                                      ("M3", "张委员", edu, "tianning", None),
                                                      ("M4", "赵委员", edu, "xinbei", None)]}
        city = user_named(session, "supervisor_city")
        for kind, value in (("attended", 2), ("spoke", 3), ("recommended", 5), ("follow_up", 4)):
            points.set_rule(session, city, kind, 2026, value, now=now)
        points.set_rule(session, city, "attended", 2025, 9, now=now)
        office, xinbei = user_named(session, "office_tianning"), user_named(session, "office_xinbei")

        def activity(actor, platform: str, day: date, present: dict[str, bool], follow_up=None) -> None:  # type: ignore[no-untyped-def]
            made_activity = activities.plan(session, actor, {"title": "协商", "platform": platform, "form": "on_site",
                                                             "held_on": day.isoformat(), "follow_up": follow_up})
            for name, spoke in present.items():
                person = activities.add_participant(session, actor, made_activity,
                                                    {"kind": "member", "member_id": str(made[name].id)})
                if name != "张委员":
                    activities.tick(session, actor, made_activity, person.id, True, now, spoke=spoke)

        activity(office, "tianning", date(2026, 2, 1), {"王委员": True, "李委员": False, "张委员": False})
        activity(office, "tianning", date(2026, 2, 8), {"王委员": False}, FollowUpRound.INSPECTION.value)
        activity(office, "tianning", date(2025, 11, 8), {"王委员": True})
        activity(xinbei, "xinbei", date(2026, 2, 9), {"赵委员": True})
    adopted = start_topic(session, now, title="委员荐题：口袋公园")
    drive(session, adopted, district_path("tianning")[:4], now)
    waiting = start_topic(session, now, title="委员荐题：学校周边交通")
    with writing(session):
        points.recommend(session, office, adopted, made["李委员"], now=now)
        points.recommend(session, office, waiting, made["张委员"], now=now)
    return {name: m.id for name, m in made.items()}
