"""The go-live administration pages: the tree, units, people and roles, the import, separated duties."""
import io

from sqlalchemy import func, select

from models import AuditEntry, Organization, Role, User
from tests import golive_district
from workflows.demo.world import user_named


def _org(session, code):
    return session.scalar(select(Organization).where(Organization.code == code))


def test_the_system_administrator_adds_a_town_renames_and_merges_it(web, session):
    admin = web("sysadmin")
    page = admin.get("/directory/organizations")
    assert page.status_code == 200 and "天宁区" in page.get_data(as_text=True)
    done = admin.post("/directory/organizations", {"code": "xinzhen", "name": "新镇", "kind": "town",
                                                   "parent": "tianning"})
    assert done.status_code == 302
    town = _org(session, "xinzhen")
    assert (town.name, town.parent.code, town.kind.value) == ("新镇", "tianning", "town")
    admin.get(f"/directory/organizations/{town.id}")
    assert admin.post(f"/directory/organizations/{town.id}/rename", {"name": "新桥镇"}).status_code == 302
    assert admin.post(f"/directory/organizations/{town.id}/merge", {"target": "zhenglu"}).status_code == 302
    session.rollback()  # a new read sees what the app committed
    town = _org(session, "xinzhen")
    assert (town.name, town.active, town.merged_into.code) == ("新桥镇", False, "zhenglu")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "organization_renamed"))
    assert (entry.payload["before"]["name"], entry.payload["after"]["name"]) == ("新镇", "新桥镇")


def test_a_bad_organization_form_answers_422_and_keeps_what_was_typed(web, session):
    admin = web("sysadmin")
    admin.get("/directory/organizations")
    refused = admin.post("/directory/organizations", {"code": "bad code!", "name": "某镇", "kind": "town",
                                                      "parent": "tianning"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "编码只能由字母" in text and 'value="某镇"' in text
    assert _org(session, "bad code!") is None


def test_a_cycle_in_the_tree_is_refused(web, session):
    admin = web("sysadmin")
    tianning = _org(session, "tianning")
    admin.get(f"/directory/organizations/{tianning.id}")
    refused = admin.post(f"/directory/organizations/{tianning.id}/move", {"parent": "zhenglu-c1"})
    assert refused.status_code == 422 and "不能作为上级" in refused.get_data(as_text=True)
    session.rollback()  # a new read sees what the app committed
    assert _org(session, "tianning").parent.code == "changzhou"


def test_an_organization_with_topics_is_never_deleted(web, session):
    from models.database import writing
    from workflows.topics import lifecycle

    with writing(session):
        lifecycle.start_topic(session, user_named(session, "office_tianning"), {
            "title": "路灯", "description": "", "category": "livelihood", "source": "public",
            "platform_level": "district", "district": "tianning", "town": None})
    admin = web("sysadmin")
    tianning = _org(session, "tianning")
    admin.get(f"/directory/organizations/{tianning.id}")
    refused = admin.post(f"/directory/organizations/{tianning.id}/delete")
    assert refused.status_code == 409 and "不能删除" in refused.get_data(as_text=True)
    assert _org(session, "tianning") is not None


def test_the_last_system_administrator_cannot_be_deactivated(web, session):
    admin = web("sysadmin")
    me = user_named(session, "sysadmin")
    other = web("sysadmin")  # a second browser of the same administrator
    other.get(f"/directory/people/{me.id}")
    refused = other.post(f"/directory/people/{me.id}/deactivate")
    assert refused.status_code == 409 and "最后一名系统管理员" in refused.get_data(as_text=True)
    admin.get("/directory/people")
    session.rollback()  # a new read sees what the app committed
    assert user_named(session, "sysadmin").active


def test_a_system_administrator_can_neither_read_nor_erase_the_audit_log(web):
    admin = web("sysadmin")
    assert admin.get("/admin/audit").status_code == 403
    assert admin.get("/directory/audit.xlsx").status_code == 403
    assert admin.client.delete("/admin/audit").status_code == 405
    assert admin.post("/admin/audit").status_code == 405


def test_the_auditor_reads_and_exports_the_log_with_before_and_after(web, session):
    from openpyxl import load_workbook

    admin = web("sysadmin")
    admin.get("/directory/organizations")
    admin.post("/directory/organizations", {"code": "xz2", "name": "甲镇", "kind": "town", "parent": "tianning"})
    auditor = web("auditor")
    assert auditor.get("/admin/audit").status_code == 200
    sheet = load_workbook(io.BytesIO(auditor.get("/directory/audit.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows(values_only=False)]
    created = next(r for r in rows if r[2] == "organization_created")
    assert created[1] == "sysadmin" and '"name": "甲镇"' in created[6]
    assert auditor.get("/directory/organizations").status_code == 403  # the auditor changes nothing


def test_separated_duties_refuse_a_second_administrator_role(web, session):
    admin = web("sysadmin")
    auditor = user_named(session, "auditor")
    admin.get(f"/directory/people/{auditor.id}")
    refused = admin.post(f"/directory/people/{auditor.id}/roles", {"role": "system_admin", "scope": ""})
    assert refused.status_code == 422 and "三员分立" in refused.get_data(as_text=True)
    session.rollback()  # a new read sees what the app committed
    assert not user_named(session, "auditor").has_role(Role.SYSTEM_ADMIN)


def test_a_new_user_must_change_the_initial_password_then_sees_the_inbox(web, session):
    admin = web("sysadmin")
    admin.get("/directory/people")
    added = admin.post("/directory/people", {"username": "zhangsan", "display_name": "张三", "phone": "13912345678",
                                             "password": "Initial-Pass-2026"})
    assert added.status_code == 302
    user = web()
    user.login("zhangsan", "Initial-Pass-2026")
    assert user.get("/").headers["Location"].endswith("/password")
    user.get("/password")
    changed = user.post("/password", {"current": "Initial-Pass-2026", "new": "Better-Pass-2027",
                                      "confirm": "Better-Pass-2027"})
    assert changed.status_code == 302
    assert user.get("/").status_code == 200


def test_a_bad_phone_is_refused_with_the_field_kept(web, session):
    admin = web("sysadmin")
    admin.get("/directory/people")
    refused = admin.post("/directory/people", {"username": "lisi", "display_name": "李四", "phone": "12345"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "手机号 12345 格式不正确" in text and 'value="李四"' in text
    assert session.scalar(select(func.count(User.id)).where(User.username == "lisi")) == 0


def test_the_security_administrator_resets_a_password_and_the_second_factor(web, session):
    security = web("secadmin")
    target = user_named(session, "supervisor_tianning")
    security.get(f"/directory/people/{target.id}")
    shown = security.post(f"/directory/people/{target.id}/reset-password")
    assert shown.status_code == 200 and 'data-testid="one-time-password"' in shown.get_data(as_text=True)
    assert security.post(f"/directory/people/{target.id}/reset-totp").status_code == 302
    session.rollback()  # a new read sees what the app committed
    target = user_named(session, "supervisor_tianning")
    assert target.must_change_password and target.totp_secret is None
    assert security.post(f"/directory/people/{target.id}/deactivate").status_code == 403  # not a system admin


def test_the_import_page_checks_then_imports(web, session):
    admin = web("sysadmin")
    admin.get("/directory/import")
    data = golive_district.workbook()
    checked = admin.post("/directory/import", {"mode": "check", "file": (io.BytesIO(data), "xinqu.xlsx")},
                         content_type="multipart/form-data")
    assert checked.status_code == 200 and "检查通过" in checked.get_data(as_text=True)
    assert _org(session, "xinqu") is None
    imported = admin.post("/directory/import", {"mode": "import", "file": (io.BytesIO(data), "xinqu.xlsx")},
                          content_type="multipart/form-data")
    assert imported.status_code == 200 and "已导入" in imported.get_data(as_text=True)
    session.rollback()
    assert _org(session, "xinqu") is not None
    broken = admin.post("/directory/import", {"mode": "import", "file": (io.BytesIO(b"junk"), "x.xlsx")},
                        content_type="multipart/form-data")
    assert broken.status_code == 422 and "不是有效的 XLSX 文件" in broken.get_data(as_text=True)


def test_a_member_signs_in_and_sees_their_record(web, session):
    from models.database import writing
    from workflows.people import members

    with writing(session):
        sector = members.save_sector(session, None, "jj", "经济界")
        members.save_member(session, None, code="M001", name="天宁区政协委员", sector=sector,
                            organization=_org(session, "tianning"), assigned=_org(session, "zhenglu"),
                            term="第十五届", user=user_named(session, "member_tianning"))
        from datetime import date

        from models.platform import Activity, ActivityForm, Participant, ParticipantKind

        record = session.scalar(select(members.Member).where(members.Member.code == "M001"))
        activity = Activity(code="A-1", title="加装电梯协商会", platform_id=_org(session, "zhenglu").id,
                            district_id=_org(session, "tianning").id, form=ActivityForm.ON_SITE,
                            held_on=date(2026, 3, 20))
        session.add_all([activity, Participant(activity=activity, kind=ParticipantKind.MEMBER, name=record.name,
                                               member_id=record.id)])
    member = web("member_tianning")
    page = member.get("/directory/me").get_data(as_text=True)
    assert "经济界" in page and "郑陆镇" in page and "第十五届" in page
    assert "加装电梯协商会" in page and "2026-03-20" in page


def test_the_pages_speak_english_to_who_chose_it(web):
    admin = web("sysadmin")
    admin.get("/directory/organizations")
    admin.post("/locale", {"locale": "en", "next": "/directory/organizations"})
    page = admin.get("/directory/organizations").get_data(as_text=True)
    assert "Organization tree" in page and "Add an organization" in page and "组织架构" not in page


def test_the_security_administrator_signs_a_person_out_everywhere(web, session):
    victim = web("office_tianning")
    assert victim.get("/").status_code == 200
    security = web("secadmin")
    target = user_named(session, "office_tianning")
    security.get(f"/directory/people/{target.id}")
    assert security.post(f"/directory/people/{target.id}/end-sessions").status_code == 302
    assert victim.get("/").status_code == 302  # back to the sign-in page


def test_a_member_is_added_on_the_page_and_a_bad_sector_is_named(web, session):
    from models import Member
    from models.database import writing
    from workflows.people import members

    with writing(session):
        members.save_sector(session, None, "mg", "民革")
    admin = web("sysadmin")
    admin.get("/directory/members")
    form = {"code": "M100", "name": "钱八", "phone": "13700000000", "sector": "nope", "organization": "tianning",
            "assigned": "zhenglu", "term": "第十五届", "username": "member_tianning"}
    refused = admin.post("/directory/members", form)
    assert refused.status_code == 422 and "界别编码 nope 不存在" in refused.get_data(as_text=True)
    assert admin.post("/directory/members", {**form, "sector": "mg"}).status_code == 302
    session.rollback()
    member = session.scalar(select(Member).where(Member.code == "M100"))
    assert (member.sector.name, member.assigned_organization.code, member.user.username) == ("民革", "zhenglu",
                                                                                              "member_tianning")
