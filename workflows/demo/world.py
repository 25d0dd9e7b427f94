"""Demo data for `make run`: 常州's districts, towns and units, a user for every role, topics at every stage.

Every demo user's API token is ``demo-<username>``; that holds in demo data only, which is
never loaded into a database that already has organizations. The loader is an entry point like
a command: it opens a write transaction for the world and one for each topic step.
"""

import base64
import hashlib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import WorkflowEngine
from engine.store import versions as processes
from models import Organization, OrgKind, Role, RoleAssignment, Topic, Unit, UnitKind, User
from models.database import writing
from workflows.participation import results
from workflows.people import accounts
from workflows.platform import levels
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import open_tasks

BPMN_DIR = Path(__file__).resolve().parents[2] / "bpmn"
DISTRICT_VARIANTS = {"wujin": "approval/town_approval_wujin.bpmn"}

DISTRICTS = [
    ("tianning", "天宁区"),
    ("zhonglou", "钟楼区"),
    ("xinbei", "新北区"),
    ("wujin", "武进区"),
    ("jintan", "金坛区"),
    ("liyang", "溧阳市"),
    ("jingkai", "常州经开区"),
]
TOWNS = [
    ("tianning", "zhenglu", "郑陆镇", OrgKind.TOWN),
    ("tianning", "qinglong", "青龙街道", OrgKind.STREET),
    ("zhonglou", "nandajie", "南大街街道", OrgKind.STREET),
    ("xinbei", "menghe", "孟河镇", OrgKind.TOWN),
    ("wujin", "hutang", "湖塘镇", OrgKind.TOWN),
    ("wujin", "niutang", "牛塘镇", OrgKind.TOWN),
    ("jintan", "jincheng", "金城镇", OrgKind.TOWN),
    ("liyang", "licheng", "溧城街道", OrgKind.STREET),
    ("jingkai", "henglin", "横林镇", OrgKind.TOWN),
    ("wujin", "wujin-park", "武进国家高新区", OrgKind.PARK),
]
DISTRICT_UNITS = [
    ("cmt-social", "社会和法制委员会", UnitKind.COMMITTEE),
    ("cmt-economy", "经济委员会", UnitKind.COMMITTEE),
    ("housing", "住房和城乡建设局", UnitKind.DEPARTMENT),
    ("civil", "民政局", UnitKind.DEPARTMENT),
    ("urban", "城市管理局", UnitKind.DEPARTMENT),
    ("education", "教育局", UnitKind.DEPARTMENT),
]
CITY_UNITS = [("cmt-social", "政协社会和法制委员会", UnitKind.COMMITTEE),
              ("housing", "住房和城乡建设局", UnitKind.DEPARTMENT)]
TOWN_UNITS = [("gov", "人民政府", UnitKind.TOWN_GOVERNMENT), ("cmt", "政协工委", UnitKind.COMMITTEE)]

# username, display name, role, organization code or None, unit code or None
USERS: list[tuple[str, str, Role, str | None, str | None]] = [
    ("admin", "流程管理员", Role.PROCESS_ADMIN, "changzhou", None),
    ("admin2", "流程管理员（复核）", Role.PROCESS_ADMIN, "changzhou", None),
    ("supervisor_city", "市政协专门指导组", Role.SUPERVISOR, "changzhou", None),
    # The city's own platform: its office, chairs' meeting, a committee and a department.
    ("office_changzhou", "常州市政协办公室", Role.CPPCC_OFFICE, "changzhou", None),
    ("chair_changzhou", "常州市政协主席会议", Role.CHAIR, "changzhou", None),
    ("committee_changzhou", "常州市政协社会和法制委", Role.COMMITTEE, None, "changzhou-cmt-social"),
    ("housing_changzhou", "常州市住建局", Role.HANDLING_UNIT, None, "changzhou-housing"),
    # 等保 2.0 separated duties: people and organizations, credentials, the audit log.
    ("sysadmin", "系统管理员", Role.SYSTEM_ADMIN, "changzhou", None),
    ("secadmin", "安全管理员", Role.SECURITY_ADMIN, "changzhou", None),
    ("auditor", "安全审计员", Role.AUDITOR, "changzhou", None),
    ("party_changzhou", "常州市委领导", Role.PARTY_LEADER, "changzhou", None),
]
for _d, _name in DISTRICTS:
    USERS += [
        (f"office_{_d}", f"{_name}政协办公室", Role.CPPCC_OFFICE, _d, None),
        (f"chair_{_d}", f"{_name}政协主席会议", Role.CHAIR, _d, None),
        (f"committee_{_d}", f"{_name}政协社会和法制委", Role.COMMITTEE, None, f"{_d}-cmt-social"),
        (f"housing_{_d}", f"{_name}住建局", Role.HANDLING_UNIT, None, f"{_d}-housing"),
        (f"civil_{_d}", f"{_name}民政局", Role.HANDLING_UNIT, None, f"{_d}-civil"),
        (f"leader_housing_{_d}", f"{_name}住建局负责人", Role.LEADER, None, f"{_d}-housing"),
        (f"leader_civil_{_d}", f"{_name}民政局负责人", Role.LEADER, None, f"{_d}-civil"),
        (f"supervisor_{_d}", f"{_name}政协督查", Role.SUPERVISOR, _d, None),
        (f"member_{_d}", f"{_name}政协委员", Role.MEMBER, _d, None),
        (f"party_{_d}", f"{_name}党委领导", Role.PARTY_LEADER, _d, None),
    ]
for _d, _t, _name, _kind in TOWNS:
    USERS += [
        (f"office_{_t}", f"{_name}政协工作人员", Role.CPPCC_OFFICE, _t, None),
        (f"committee_{_t}", f"{_name}政协工委", Role.COMMITTEE, None, f"{_t}-cmt"),
        (f"gov_{_t}", f"{_name}人民政府", Role.HANDLING_UNIT, None, f"{_t}-gov"),
        (f"leader_gov_{_t}", f"{_name}人民政府负责人", Role.LEADER, None, f"{_t}-gov"),
        (f"party_{_t}", f"{_name}党委领导", Role.PARTY_LEADER, _t, None),
    ]


def demo_token(username: str) -> str:
    """Return the API token a demo user has."""
    return f"demo-{username}"


def district_path(d: str, sensitive: bool = False, assisting: bool = True) -> list[tuple[str, str, dict[str, Any]]]:
    """Return every step of a district topic from proposal to closed: (task, username, form data)."""
    return [
        (
            "submit_proposal",
            f"office_{d}",
            {"rationale": "群众反映强烈，需协商推动解决", "committee": f"{d}-cmt-social", "sensitive": sensitive},
        ),
        ("chairs_review", f"chair_{d}", {"approved": True, "opinion": "同意列入协商议题"}),
        ("party_approval", f"office_{d}", {"approved": True, "opinion": "区委同意"}),
        ("enter_annual_plan", f"office_{d}", {"plan_year": 2026, "planned_month": 6}),
        *_shared_path(
            d,
            f"office_{d}",
            f"chair_{d}",
            f"committee_{d}",
            f"housing_{d}",
            [f"{d}-civil"] if assisting else [],
            f"civil_{d}",
            sensitive,
        ),
    ]


def town_path(d: str, t: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Return every step of a town topic under the default town approval (not 武进's variant)."""
    return [
        ("submit_proposal", f"office_{t}", {"rationale": "村民议事提出", "committee": f"{t}-cmt"}),
        ("town_committee_review", f"committee_{t}", {"approved": True}),
        ("town_party_approval", f"office_{t}", {"approved": True}),
        ("district_filing", f"office_{d}", {"filing_no": f"{d.upper()}-2026-001"}),
        *_shared_path(d, f"office_{t}", f"chair_{d}", f"committee_{t}", f"gov_{t}", [], "", False),
    ]


def _shared_path(
    d: str, office: str, chair: str, committee: str, lead: str, assisting: list[str], assistant: str, sensitive: bool
) -> list[tuple[str, str, dict[str, Any]]]:
    lead_code = {f"housing_{d}": f"{d}-housing"}.get(lead, lead.removeprefix("gov_") + "-gov")
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("research", committee, {"research_report": "走访住户 120 户，召开座谈会 3 次，形成调研报告。"}),
    ]
    if sensitive:
        steps.append(("brief_leadership", office, {"briefed_on": "2026-05-06", "briefing_note": "已向区委区政府通报"}))
    steps += [
        (
            "send_materials",
            committee,
            {"participants": "委员 8 名，群众代表 6 名，专家 2 名", "materials_sent_on": "2026-05-20"},
        ),
        (
            "hold_meeting",
            committee,
            {
                "meeting_form": "on_site",
                "held_on": "2026-05-28",
                "departments_answered": "住建局现场回应加装电梯补贴政策",
            },
        ),
        (
            "submit_minutes",
            committee,
            {"minutes": "形成协商纪要，建议三条。", "lead_unit": lead_code, "assisting_units": assisting},
        ),
        ("sign_receipt", lead, {}),
        *[("assist_opinion", assistant, {"unit_opinion": "同意主办单位意见，配合推进。"}) for _ in assisting],
        ("write_reply", lead, {"reply_class": "B", "reply": "已制定实施方案，年内完成首批改造。"}),
        ("rate_reply", office, {"rating": "satisfied"}),
        ("follow_up", committee, {"method": "democratic_supervision", "findings": "首批改造已开工。"}),
        ("chairs_close", chair, {"close_topic": True, "opinion": "成效明显，同意办结"}),
    ]
    return steps


def load(session: Session, now: datetime) -> None:
    """Load every demo row and topics at every stage, unless organizations exist already."""
    if session.scalar(select(Organization.id).limit(1)) is not None:
        return
    load_world(session)
    set_demo_credentials(session)
    load_topics(session, now)
    publish_results(session, now)


def set_demo_credentials(session: Session) -> None:
    """Give every demo user the demo password, and the second-factor users a fixed TOTP secret.

    Only the demo data gets these: a database set up without ``shangliang demo`` has no
    passwords until ``shangliang set-password`` sets one, and the login refuses the demo
    password unless the app runs in demo mode.
    """
    shared_hash = accounts.HASHER.hash(accounts.DEMO_PASSWORD)  # one hash: 100 users, same password
    with writing(session):
        for user in session.scalars(select(User)):
            user.password_hash = shared_hash
            if accounts.needs_second_factor(user):
                user.totp_secret = demo_totp_secret(user.username)


def demo_totp_secret(username: str) -> str:
    """Return the fixed TOTP secret of a demo user (demo data only)."""
    return base64.b32encode(hashlib.sha256(f"demo-totp-{username}".encode()).digest()[:20]).decode()


def load_world(session: Session) -> None:
    """Load the organizations, units, users and diagrams, without topics, and commit."""
    with writing(session):
        _organizations(session)
        _users(session)
        deploy_bundled(session, session.scalar(select(User).where(User.username == "admin")))


def deploy_bundled(session: Session, admin: User | None = None) -> None:
    """Deploy every diagram in bpmn/ and bind each district's approval variant."""
    engine = WorkflowEngine.of(session)
    for path in sorted(BPMN_DIR.rglob("*.bpmn")):
        if str(path.relative_to(BPMN_DIR)) in DISTRICT_VARIANTS.values():
            continue
        processes.bind(
            session,
            engine.deploy(session, path.read_bytes(), source_name=path.name, deployed_by=admin, preapproved=True),
        )
    for district_code, file in DISTRICT_VARIANTS.items():
        district = session.scalar(select(Organization).where(Organization.code == district_code))
        if district is not None:
            version = engine.deploy(
                session, (BPMN_DIR / file).read_bytes(), source_name=file, deployed_by=admin, preapproved=True
            )
            processes.bind(session, version, district)


def _organizations(session: Session) -> None:
    city = Organization(code="changzhou", name="常州市", kind=OrgKind.CITY)
    session.add(city)
    for suffix, unit_name, kind in CITY_UNITS:
        session.add(Unit(code=f"changzhou-{suffix}", name=f"常州市{unit_name}", kind=kind, organization=city))
    districts = {}
    for code, name in DISTRICTS:
        districts[code] = Organization(code=code, name=name, kind=OrgKind.DISTRICT, parent=city)
        for suffix, unit_name, kind in DISTRICT_UNITS:
            session.add(
                Unit(code=f"{code}-{suffix}", name=f"{name}{unit_name}", kind=kind, organization=districts[code])
            )
    for district, code, name, town_kind in TOWNS:
        town = Organization(code=code, name=name, kind=town_kind, parent=districts[district])
        for suffix, unit_name, unit_kind in TOWN_UNITS:
            session.add(Unit(code=f"{code}-{suffix}", name=f"{name}{unit_name}", kind=unit_kind, organization=town))
        session.add(Organization(code=f"{code}-c1", name=f"{name}第一社区", kind=OrgKind.COMMUNITY, parent=town))
    session.flush()


def _users(session: Session) -> None:
    orgs = {o.code: o for o in session.scalars(select(Organization))}
    units = {u.code: u for u in session.scalars(select(Unit))}
    for username, display, role, org, unit in USERS:
        user = User(
            username=username,
            display_name=display,
            api_token_sha256=hashlib.sha256(demo_token(username).encode()).hexdigest(),
        )
        user.roles.append(RoleAssignment(role=role, organization=orgs.get(org or ""), unit=units.get(unit or "")))
        session.add(user)
    session.flush()


# How many days ago each demo topic's open task opened, chosen so that a newcomer sees a realistic mix
# against today's date: about half green, a quarter yellow (inside the warning window), a quarter red.
DISTRICT_OPENED_DAYS_AGO = (3, 24, 10, 5, 2, 20, 8, 80, 10, 5)
TOWN_OPENED_DAYS_AGO = (1, 15, 6)
DAYS_BETWEEN_STEPS = 3


def load_topics(session: Session, now: datetime) -> None:
    """Start topics in 天宁 and 郑陆, move each a different number of steps along, dated back from ``now``."""
    titles = [
        "老旧小区加装电梯",
        "背街小巷停车难",
        "社区养老助餐点建设",
        "农贸市场环境提升",
        "中小学放学后托管",
        "河道长效管护",
        "垃圾分类投放点设置",
        "公交线路优化",
        "城中村消防隐患整治",
        "夜市经营规范",
    ]
    path = district_path("tianning", sensitive=True)
    for index, title in enumerate(titles):
        steps = path[: index * len(path) // (len(titles) - 1)]
        opened = now - timedelta(days=DISTRICT_OPENED_DAYS_AGO[index])
        topic = _start(session, "office_tianning", title, "district", "tianning", None, _proposed(opened, steps))
        run_dated(session, topic, steps, opened)
    rejected = _start(session, "office_tianning", "设立商业综合体（不宜协商）", "district", "tianning", None,
                      now - timedelta(days=2))
    run_steps(
        session,
        rejected,
        [
            ("submit_proposal", "office_tianning", {"rationale": "商业项目", "committee": "tianning-cmt-economy"}),
            ("chairs_review", "chair_tianning", {"approved": False, "opinion": "属于市场行为，不列入协商议题"}),
        ],
        now - timedelta(days=2),
    )
    town_steps = town_path("tianning", "zhenglu")
    for index, title in enumerate(["村道路灯修复", "村民议事会规范化", "农村污水处理"]):
        steps = town_steps[: index * 4]
        opened = now - timedelta(days=TOWN_OPENED_DAYS_AGO[index])
        topic = _start(session, "office_zhenglu", title, "town", "tianning", "zhenglu", _proposed(opened, steps))
        run_dated(session, topic, steps, opened)
    _levels(session, topic, now)


def _levels(session: Session, town_topic: Topic, now: datetime) -> None:
    """Start a topic of the city's own platform, and raise a town topic to 天宁 for its office to decide."""
    _start(session, "office_changzhou", "全市居家养老服务协商", "city", "changzhou", None, now - timedelta(days=1))
    with writing(session):
        levels.raise_topic(session, user_named(session, "office_zhenglu"), town_topic.id,
                           "污水管网跨越多个村镇，需区级统筹协调", now - timedelta(hours=2))


def publish_results(session: Session, now: datetime) -> None:
    """Publish the two district topics furthest along on /public; the closed one is a typical case."""
    office = user_named(session, "office_tianning")
    marks = {
        "城中村消防隐患整治": {"published": "1", "summary": "协商形成三条建议：排查隐患、疏通消防通道、群防群治。"},
        "夜市经营规范": {"published": "1", "summary": "协商形成划定经营区域、错时经营和油烟治理三条建议。",
                   "typical": "1", "typical_note": "摊主、居民和城管同桌协商，先试点后推广。"},
    }
    for topic in session.scalars(select(Topic).where(Topic.title.in_(marks)).order_by(Topic.id)):
        with writing(session):
            results.mark(session, office, topic, marks[topic.title], now)


def _proposed(opened: datetime, steps: list[tuple[str, str, dict[str, Any]]]) -> datetime:
    """Return when a topic was proposed, so that its steps can be spaced out before ``opened``."""
    return opened - timedelta(days=DAYS_BETWEEN_STEPS * len(steps), hours=1)


def run_dated(session: Session, topic: Topic, steps: list[tuple[str, str, dict[str, Any]]], opened: datetime) -> None:
    """Complete the steps a few days apart, the last at ``opened``; dates in the forms follow the steps."""
    for back, (task_id, username, data) in zip(range(len(steps) - 1, -1, -1), steps, strict=True):
        at = opened - timedelta(days=DAYS_BETWEEN_STEPS * back)
        dated = {k: at.date().isoformat() if k.endswith("_on") else at.year if k == "plan_year" else v
                 for k, v in data.items()}
        run_steps(session, topic, [(task_id, username, dated)], at - timedelta(hours=1))


def _start(
    session: Session, username: str, title: str, level: str, district: str, town: str | None, at: datetime
) -> Topic:
    user = user_named(session, username)
    fields = {
        "title": title,
        "description": f"{title}：群众关心的身边事。",
        "category": "livelihood",
        "source": "public",
        "platform_level": level,
        "district": district,
        "town": town,
    }
    with writing(session):
        return topics.start_topic(session, user, fields, now=at)


def run_steps(session: Session, topic: Topic, steps: list[tuple[str, str, dict[str, Any]]], at: datetime) -> None:
    """Complete the given steps of a topic in order, an hour apart, as the named users."""
    for step, (task_id, username, data) in enumerate(steps, start=1):
        item = next((i for i in open_tasks(session, topic) if i.bpmn_id == task_id), None)
        if item is None:
            raise RuntimeError(f"topic {topic.id}: no open task {task_id} at step {step}")
        with writing(session):
            topics.complete_task(session, user_named(session, username), item.id, data, now=at + timedelta(hours=step))


def user_named(session: Session, username: str) -> User:
    """Return a user by username (demo and tests)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise LookupError(f"no user {username!r}")
    return user
