"""Bulk import and export of the tree, units, people, sectors, liaison groups and members as XLSX.

Called by the administration pages, the JSON API and ``shangliang import``. ``check`` reads a
workbook and lists every row's problem in Chinese without writing anything (the dry run);
``apply`` checks again and, only when no row has a problem, writes every row through the same
services the pages use, inside the caller's one write transaction. Rows are keyed by their
codes and user names, so importing the same file twice changes nothing the second time.
``export`` writes the database in the template's layout, so an export imports back unchanged.
"""
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from models import LiaisonGroup, Member, Organization, OrgKind, Role, RoleAssignment, Sector, Unit, UnitKind, User
from models.database import require_writing
from workflows.organizations import tree
from workflows.people import directory, members, names

ORGS, UNITS, PEOPLE, SECTORS, GROUPS, MEMBERS = "组织", "单位", "人员", "界别", "联络组", "委员"
COLUMNS: dict[str, list[str]] = {
    ORGS: ["编码", "名称", "类型", "上级编码"],
    UNITS: ["编码", "名称", "类型", "所属组织编码", "负责人用户名"],
    PEOPLE: ["用户名", "姓名", "手机", "邮箱", "钉钉ID", "企业微信ID", "角色", "组织或单位编码", "开始日期",
             "结束日期"],
    SECTORS: ["编码", "名称"],
    GROUPS: ["编码", "名称", "所属组织编码"],
    MEMBERS: ["编号", "姓名", "手机", "界别编码", "所属政协编码", "分片联系编码", "联络组编码", "届次", "届期开始",
              "届期结束", "用户名"],
}
MAX_ROWS = 20000
NOTES = [
    ("组织", "类型：市、区（含经开区）、镇、街道、园区、村、社区、企事业单位；市以外须填上级编码。"
             "编码是稳定标识，名称可改。"),
    ("单位", "类型：部门、镇街政府、专委会工委、政协；负责人用户名须在“人员”表或系统中。"),
    ("人员", "一人多角色时每个角色一行，姓名和联系方式须一致；角色：" + "、".join(directory.ROLE_LABELS.values())
     + "；承办单位、单位负责人、专委会/工委填单位编码，其余填组织编码；日期写作 2026-01-31。"),
    ("界别", "委员所属界别，如 中共、民革、经济界。"),
    ("联络组", "委员联络组，设在区或镇街。"),
    ("委员", "所属政协填市或区编码；分片联系填区或镇街编码；用户名可空（有账户的委员可登录查看自己的活动）。"),
    ("说明", "先“检查”：逐行列出问题，什么都不写入；全部无误后“导入”，在一个事务中写入；"
             "同一文件重复导入不改变任何数据。"),
]


@dataclass(frozen=True)
class Problem:
    """One row's problem, in Chinese, with the sheet and the row number as the spreadsheet shows it."""

    sheet: str
    row: int
    message: str

    def __str__(self) -> str:
        return f"{self.sheet} 第 {self.row} 行：{self.message}"


@dataclass
class Report:
    """What a check or an import found: the problems, and per sheet the rows created, changed and unchanged."""

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def count(self, sheet: str, outcome: str) -> None:
        """Count one row's outcome (created, changed, unchanged)."""
        per = self.counts.setdefault(sheet, {"created": 0, "changed": 0, "unchanged": 0})
        per[outcome] += 1

    def as_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data."""
        return {"problems": [{"sheet": p.sheet, "row": p.row, "message": p.message} for p in self.problems],
                "counts": self.counts}


Row = tuple[int, dict[str, str]]


def template() -> bytes:
    """Return the empty workbook to fill in: one sheet per kind of row, with a notes sheet."""
    return _workbook({sheet: [] for sheet in COLUMNS})


def _workbook(rows: dict[str, list[list[Any]]]) -> bytes:
    book = Workbook()
    assert book.active is not None
    book.remove(book.active)
    for sheet, columns in COLUMNS.items():
        page = book.create_sheet(sheet)
        page.append(columns)
        for values in rows.get(sheet, []):
            page.append(["" if v is None else str(v) for v in values])
        for line in page.iter_rows(min_row=2):
            for cell in line:
                cell.data_type = "s"  # text stays text: a value beginning with = is never a formula
        for index in range(len(columns)):
            page.column_dimensions[chr(ord("A") + index)].width = 18
    notes = book.create_sheet("说明")
    for note in NOTES:
        notes.append(list(note))
    notes.column_dimensions["B"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table(headers: list[str], rows: list[list[Any]]) -> bytes:
    """Return one sheet of text cells (no value becomes a formula), for exports such as the audit log."""
    book = Workbook()
    page = book.active
    assert page is not None
    page.append(headers)
    for values in rows:
        page.append(["" if v is None else str(v) for v in values])
    for line in page.iter_rows(min_row=2):
        for cell in line:
            cell.data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes) -> dict[str, list[Row]]:
    """Return each sheet's rows as column -> text, numbered as the spreadsheet numbers them."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        message = f"不是有效的 XLSX 文件，请使用下载的模板 (not an XLSX workbook: {type(exc).__name__})"
        raise InvalidInput("the file is not an XLSX workbook", {"file": message}) from exc
    sheets: dict[str, list[Row]] = {}
    header_problems = []
    for sheet, columns in COLUMNS.items():
        if sheet not in book.sheetnames:
            continue
        lines = book[sheet].iter_rows(values_only=True)
        header = [_text(v) for v in next(lines, ())][: len(columns)]
        if header != columns:
            header_problems.append(f"“{sheet}”表头应为：{'、'.join(columns)}")
            continue
        rows: list[Row] = []
        for number, values in enumerate(lines, start=2):
            texts = [_text(v) for v in values][: len(columns)]
            if any(texts):
                rows.append((number, dict(zip(columns, texts + [""] * (len(columns) - len(texts)), strict=True))))
            if len(rows) > MAX_ROWS:
                raise InvalidInput("the sheet is too long", {"file": f"“{sheet}”超过 {MAX_ROWS} 行 (too many rows)"})
        sheets[sheet] = rows
    book.close()
    if header_problems:
        raise InvalidInput("the workbook is not the template", {"file": "；".join(header_problems)})
    return sheets


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return names.clean(str(value)).strip()


def _day(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


class _Known:
    """What exists once the file is applied: the database's rows overlaid with the file's."""

    def __init__(self, session: Session, sheets: dict[str, list[Row]]) -> None:
        self.orgs: dict[str, tuple[OrgKind | None, str]] = {
            o.code: (o.kind, o.parent.code if o.parent else "") for o in session.scalars(select(Organization))}
        self.db_orgs = set(self.orgs)
        for _n, row in sheets.get(ORGS, []):
            kind = tree.kind_of(row["类型"], tree.KIND_LABELS, OrgKind)
            self.orgs.setdefault(row["编码"], (kind, row["上级编码"]))
            if row["编码"] in self.db_orgs:
                self.orgs[row["编码"]] = (self.orgs[row["编码"]][0], row["上级编码"])
        self.units = set(session.scalars(select(Unit.code))) | {r["编码"] for _n, r in sheets.get(UNITS, [])}
        self.users = set(session.scalars(select(User.username))) | {r["用户名"] for _n, r in sheets.get(PEOPLE, [])}
        self.sectors = set(session.scalars(select(Sector.code))) | {r["编码"] for _n, r in sheets.get(SECTORS, [])}
        self.groups = set(session.scalars(select(LiaisonGroup.code))) | {r["编码"] for _n, r in sheets.get(GROUPS, [])}
        self.separated: dict[str, set[Role]] = {}
        for a in session.scalars(select(RoleAssignment).where(RoleAssignment.role.in_(directory.SEPARATED))):
            if a.in_force():
                self.separated.setdefault(a.user.username, set()).add(a.role)


def check(session: Session, sheets: dict[str, list[Row]]) -> Report:
    """List every row's problem without writing anything."""
    report = Report()
    known = _Known(session, sheets)
    for sheet, checker in ((ORGS, _check_org), (UNITS, _check_unit), (PEOPLE, _check_person),
                           (SECTORS, _check_sector), (GROUPS, _check_group), (MEMBERS, _check_member)):
        seen: dict[str, int] = {}
        agreed: dict[str, tuple[int, tuple[str, ...]]] = {}
        for number, row in sheets.get(sheet, []):
            messages = checker(row, known, seen if sheet != PEOPLE else {}, number)
            if sheet == PEOPLE:
                messages += _check_same_person(row, agreed, number)
            report.problems += [Problem(sheet, number, m) for m in messages]
    report.problems += _check_cycles(sheets.get(ORGS, []), known)
    report.problems += _check_separation(sheets.get(PEOPLE, []), known)
    return report


def _duplicate(key: str, seen: dict[str, int], number: int, what: str) -> list[str]:
    if key in seen:
        return [f"{what} {key} 重复（第 {seen[key]} 行已有）"]
    seen[key] = number
    return []


def _check_org(row: dict[str, str], known: _Known, seen: dict[str, int], number: int) -> list[str]:
    code, problems = row["编码"], []
    problems += [tree.code_problem(code)] if tree.code_problem(code) else _duplicate(code, seen, number, "编码")
    if not row["名称"]:
        problems.append("缺少名称")
    kind = tree.kind_of(row["类型"], tree.KIND_LABELS, OrgKind)
    if kind is None:
        return [*problems, f"类型“{row['类型']}”无法识别，应为：{'、'.join(tree.KIND_LABELS.values())}"]
    if code in known.db_orgs and known.orgs[code][0] is not kind:
        problems.append("已有组织的类型不能更改")
    parent = row["上级编码"]
    if kind is OrgKind.CITY:
        return problems + (["市不能有上级"] if parent else [])
    if not parent:
        return [*problems, "缺少上级编码"]
    if parent not in known.orgs:
        return [*problems, f"上级编码 {parent} 不存在"]
    parent_kind = known.orgs[parent][0]
    if parent_kind is not None and parent_kind not in tree.PARENT_KINDS[kind]:
        problems.append(f"{tree.KIND_LABELS[kind]}不能设在{tree.KIND_LABELS[parent_kind]}之下")
    return problems


def _check_cycles(rows: list[Row], known: _Known) -> list[Problem]:
    problems = []
    for number, row in rows:
        code, path = row["编码"], list[str]()
        node = code
        while node and node not in path and len(path) <= len(known.orgs):
            path.append(node)
            node = known.orgs.get(node, (None, ""))[1]
        if node == code:
            problems.append(Problem(ORGS, number, f"上级关系形成循环：{' → '.join([*path, code])}"))
    return problems


def _check_unit(row: dict[str, str], known: _Known, seen: dict[str, int], number: int) -> list[str]:
    code, problems = row["编码"], []
    problems += [tree.code_problem(code)] if tree.code_problem(code) else _duplicate(code, seen, number, "编码")
    if not row["名称"]:
        problems.append("缺少名称")
    if tree.kind_of(row["类型"], tree.UNIT_KIND_LABELS, UnitKind) is None:
        problems.append(f"类型“{row['类型']}”无法识别，应为：{'、'.join(tree.UNIT_KIND_LABELS.values())}")
    if row["所属组织编码"] not in known.orgs:
        problems.append(f"所属组织编码 {row['所属组织编码'] or '（空）'} 不存在")
    if row["负责人用户名"] and row["负责人用户名"] not in known.users:
        problems.append(f"负责人用户名 {row['负责人用户名']} 不存在")
    return problems


def _check_person(row: dict[str, str], known: _Known, _seen: dict[str, int], _number: int) -> list[str]:
    found = directory.contact_problems(row["用户名"], row["姓名"], row["手机"], row["邮箱"])
    problems = [message.split(" (")[0] for message in found.values()]
    if not row["角色"]:
        return problems
    role = directory.role_of(row["角色"])
    if role is None:
        return [*problems, f"角色“{row['角色']}”无法识别"]
    scope = row["组织或单位编码"]
    if role in directory.UNIT_ROLES and scope not in known.units:
        problems.append(f"{directory.ROLE_LABELS[role]}须填单位编码，{scope or '（空）'} 不是已知单位")
    elif role not in directory.UNIT_ROLES and scope and scope not in known.orgs:
        problems.append(f"组织编码 {scope} 不存在")
    elif role not in directory.UNIT_ROLES and role not in directory.SEPARATED and not scope:
        problems.append(f"{directory.ROLE_LABELS[role]}须填组织编码")
    problems += _date_problems(row["开始日期"], row["结束日期"])
    return problems


def _date_problems(start: str, end: str) -> list[str]:
    try:
        first, last = _day(start), _day(end)
    except ValueError:
        return ["日期须写作 2026-01-31"]
    return ["结束日期早于开始日期"] if first and last and last < first else []


def _check_same_person(row: dict[str, str], agreed: dict[str, tuple[int, tuple[str, ...]]], number: int) -> list[str]:
    details = tuple(row[c] for c in ("姓名", "手机", "邮箱", "钉钉ID", "企业微信ID"))
    first = agreed.setdefault(row["用户名"], (number, details))
    if first[1] != details:
        return [f"用户 {row['用户名']} 的姓名或联系方式与第 {first[0]} 行不一致"]
    return []


def _check_separation(rows: list[Row], known: _Known) -> list[Problem]:
    held = {user: set(roles) for user, roles in known.separated.items()}
    problems = []
    for number, row in rows:
        role = directory.role_of(row["角色"]) if row["角色"] else None
        if role not in directory.SEPARATED:
            continue
        roles = held.setdefault(row["用户名"], set())
        if roles - {role}:
            problems.append(Problem(PEOPLE, number, f"三员分立：{row['用户名']} 已是"
                                    f"{'、'.join(directory.ROLE_LABELS[r] for r in roles - {role})}，不能再任"
                                    f"{directory.ROLE_LABELS[role]}"))
        roles.add(role)
    return problems


def _check_sector(row: dict[str, str], _known: _Known, seen: dict[str, int], number: int) -> list[str]:
    code = row["编码"]
    problems = [tree.code_problem(code)] if tree.code_problem(code) else _duplicate(code, seen, number, "编码")
    return problems + ([] if row["名称"] else ["缺少名称"])


def _check_group(row: dict[str, str], known: _Known, seen: dict[str, int], number: int) -> list[str]:
    problems = _check_sector(row, known, seen, number)
    org = row["所属组织编码"]
    if org not in known.orgs:
        problems.append(f"所属组织编码 {org or '（空）'} 不存在")
    elif known.orgs[org][0] not in members.LIAISON_LEVELS:
        problems.append("联络组须设在区或镇街")
    return problems


def _check_member(row: dict[str, str], known: _Known, seen: dict[str, int], number: int) -> list[str]:
    code, problems = row["编号"], []
    problems += [tree.code_problem(code)] if tree.code_problem(code) else _duplicate(code, seen, number, "编号")
    if not row["姓名"]:
        problems.append("缺少姓名")
    if row["手机"] and not directory.PHONE.match(row["手机"]):
        problems.append(f"手机号 {row['手机']} 格式不正确")
    if row["界别编码"] not in known.sectors:
        problems.append(f"界别编码 {row['界别编码'] or '（空）'} 不存在")
    cppcc = row["所属政协编码"]
    if cppcc not in known.orgs or known.orgs[cppcc][0] not in members.CPPCC_LEVELS:
        problems.append(f"所属政协编码 {cppcc or '（空）'} 不是市或区")
    assigned = row["分片联系编码"]
    if assigned and (assigned not in known.orgs or known.orgs[assigned][0] not in members.LIAISON_LEVELS):
        problems.append(f"分片联系编码 {assigned} 不是已知的区或镇街")
    if row["联络组编码"] and row["联络组编码"] not in known.groups:
        problems.append(f"联络组编码 {row['联络组编码']} 不存在")
    if row["用户名"] and row["用户名"] not in known.users:
        problems.append(f"用户名 {row['用户名']} 不存在")
    return problems + _date_problems(row["届期开始"], row["届期结束"])


def apply(session: Session, actor: User | None, sheets: dict[str, list[Row]], address: str = "") -> Report:
    """Check the workbook and, when no row has a problem, write it in the caller's transaction."""
    require_writing(session)
    directory.require_system_admin(actor)
    report = check(session, sheets)
    if report.problems:
        return report
    writer = _Writer(session, actor, address, report)
    for number, row in _parents_first(sheets.get(ORGS, [])):
        writer.org(number, row)
    for _n, row in sheets.get(SECTORS, []):
        writer.sector(row)
    for _n, row in sheets.get(GROUPS, []):
        writer.group(row)
    for _n, row in sheets.get(UNITS, []):
        writer.unit(row, with_leader=False)
    for _n, row in sheets.get(PEOPLE, []):
        writer.person(row)
    for _n, row in sheets.get(UNITS, []):
        writer.unit(row, with_leader=True)
    for _n, row in sheets.get(MEMBERS, []):
        writer.member(row)
    session.flush()
    return report


def dry_run(session: Session, actor: User | None, sheets: dict[str, list[Row]]) -> Report:
    """Return what an import would report (problems, or rows created and changed) and keep none of it.

    The rows are written inside a savepoint that is rolled back, so the counts are the import's own.
    """
    require_writing(session)
    directory.require_system_admin(actor)
    savepoint = session.begin_nested()
    try:
        return apply(session, actor, sheets)
    finally:
        savepoint.rollback()


def _parents_first(rows: list[Row]) -> Iterable[Row]:
    pending, placed = list(rows), {r["编码"] for _n, r in rows}
    while pending:
        ready = [(n, r) for n, r in pending if r["上级编码"] not in placed]
        placed -= {r["编码"] for _n, r in ready}
        pending = [(n, r) for n, r in pending if (n, r) not in ready]
        yield from ready


class _Writer:
    """Writes checked rows through the administration services, counting what each row did."""

    def __init__(self, session: Session, actor: User | None, address: str, report: Report) -> None:
        self.session, self.actor, self.address, self.report = session, actor, address, report

    def _org(self, code: str) -> Organization:
        return tree.by_code(self.session, code)

    def org(self, _number: int, row: dict[str, str]) -> None:
        existing = self.session.scalar(select(Organization).where(Organization.code == row["编码"]))
        parent = self._org(row["上级编码"]) if row["上级编码"] else None
        if existing is None:
            kind = tree.kind_of(row["类型"], tree.KIND_LABELS, OrgKind)
            tree.create(self.session, self.actor, row["编码"], row["名称"], kind, parent, self.address)
            return self.report.count(ORGS, "created")
        changed = False
        if existing.name != row["名称"]:
            tree.rename(self.session, self.actor, existing, row["名称"], self.address)
            changed = True
        if parent is not None and existing.parent_id != parent.id:
            tree.move(self.session, self.actor, existing, parent, self.address)
            changed = True
        self.report.count(ORGS, "changed" if changed else "unchanged")

    def sector(self, row: dict[str, str]) -> None:
        before = self.session.scalar(select(Sector).where(Sector.code == row["编码"]))
        state = (before.name,) if before else None
        sector = members.save_sector(self.session, self.actor, row["编码"], row["名称"], self.address)
        self.report.count(SECTORS, _outcome(state, (sector.name,)))

    def group(self, row: dict[str, str]) -> None:
        before = self.session.scalar(select(LiaisonGroup).where(LiaisonGroup.code == row["编码"]))
        state = (before.name, before.organization_id) if before else None
        group = members.save_liaison_group(self.session, self.actor, row["编码"], row["名称"],
                                           self._org(row["所属组织编码"]), self.address)
        self.report.count(GROUPS, _outcome(state, (group.name, group.organization_id)))

    def unit(self, row: dict[str, str], with_leader: bool) -> None:
        existing = self.session.scalar(select(Unit).where(Unit.code == row["编码"]))
        leader = None
        if with_leader:
            if not row["负责人用户名"]:
                return
            leader = self.session.scalar(select(User).where(User.username == row["负责人用户名"]))
        elif existing is not None:
            leader = self.session.get(User, existing.leader_id) if existing.leader_id else None
        state = tree.unit_describe(existing) if existing else None
        unit = tree.save_unit(self.session, self.actor, row["编码"], row["名称"],
                              tree.kind_of(row["类型"], tree.UNIT_KIND_LABELS, UnitKind),
                              self._org(row["所属组织编码"]), leader, self.address)
        if not with_leader:
            self.report.count(UNITS, _outcome(state, tree.unit_describe(unit)))

    def person(self, row: dict[str, str]) -> None:
        user = self.session.scalar(select(User).where(User.username == row["用户名"]))
        contact = {"display_name": row["姓名"], "phone": row["手机"], "email": row["邮箱"],
                   "dingtalk_id": row["钉钉ID"], "wecom_id": row["企业微信ID"]}
        outcome = "unchanged"
        if user is None:
            user = directory.create_user(self.session, self.actor, username=row["用户名"], address=self.address,
                                         **contact)
            outcome = "created"
        elif directory.update_user(self.session, self.actor, user, self.address, **contact):
            outcome = "changed"
        if row["角色"]:
            outcome = self._role(user, row, outcome)
        self.report.count(PEOPLE, outcome)

    def _role(self, user: User, row: dict[str, str], outcome: str) -> str:
        role = directory.role_of(row["角色"])
        assert role is not None
        scope = row["组织或单位编码"]
        unit = self.session.scalar(select(Unit).where(Unit.code == scope)) if role in directory.UNIT_ROLES else None
        org = self._org(scope) if scope and unit is None else None
        before = [directory.describe_assignment(a) for a in user.roles]
        directory.assign_role(self.session, self.actor, user, role, org, unit, _day(row["开始日期"]),
                              _day(row["结束日期"]), self.address)
        after = [directory.describe_assignment(a) for a in user.roles]
        return outcome if before == after else ("created" if outcome == "created" else "changed")

    def member(self, row: dict[str, str]) -> None:
        existing = self.session.scalar(select(Member).where(Member.code == row["编号"]))
        state = members.describe(existing) if existing else None
        member = members.save_member(
            self.session, self.actor, code=row["编号"], name=row["姓名"], phone=row["手机"],
            sector=self.session.scalars(select(Sector).where(Sector.code == row["界别编码"])).one(),
            organization=self._org(row["所属政协编码"]),
            assigned=self._org(row["分片联系编码"]) if row["分片联系编码"] else None,
            liaison_group=self.session.scalar(select(LiaisonGroup).where(LiaisonGroup.code == row["联络组编码"])),
            term=row["届次"], term_start=_day(row["届期开始"]), term_end=_day(row["届期结束"]),
            user=self.session.scalar(select(User).where(User.username == row["用户名"])) if row["用户名"] else None,
            address=self.address)
        self.report.count(MEMBERS, _outcome(state, members.describe(member)))


def _outcome(before: Any, after: Any) -> str:
    if before is None:
        return "created"
    return "unchanged" if before == after else "changed"


def export(session: Session) -> bytes:
    """Return the database's tree, units, people, sectors, liaison groups and members in the template's layout."""
    orgs = list(session.scalars(select(Organization).order_by(Organization.id)))
    rows: dict[str, list[list[Any]]] = {
        ORGS: [[o.code, o.name, tree.KIND_LABELS[o.kind], o.parent.code if o.parent else ""] for o in orgs],
        UNITS: [[u.code, u.name, tree.UNIT_KIND_LABELS[u.kind], u.organization.code, tree.unit_leader_name(u) or ""]
                for u in session.scalars(select(Unit).order_by(Unit.id))],
        SECTORS: [[s.code, s.name] for s in session.scalars(select(Sector).order_by(Sector.id))],
        GROUPS: [[g.code, g.name, g.organization.code]
                 for g in session.scalars(select(LiaisonGroup).order_by(LiaisonGroup.id))],
        PEOPLE: [],
        MEMBERS: [[m.code, m.name, m.phone, m.sector.code, m.organization.code,
                   m.assigned_organization.code if m.assigned_organization else "",
                   m.liaison_group.code if m.liaison_group else "", m.term,
                   m.term_start.isoformat() if m.term_start else "", m.term_end.isoformat() if m.term_end else "",
                   m.user.username if m.user else ""]
                  for m in session.scalars(select(Member).order_by(Member.id))],
    }
    for user in session.scalars(select(User).order_by(User.id)):
        contact = [user.username, user.display_name, user.phone, user.email, user.dingtalk_id, user.wecom_id]
        assignments = [a for a in user.roles if a.role is not Role.MEMBER or not _member_role(session, user)]
        if not assignments:
            rows[PEOPLE].append([*contact, "", "", "", ""])
        for a in assignments:
            scope = a.unit.code if a.unit else (a.organization.code if a.organization else "")
            rows[PEOPLE].append([*contact, directory.ROLE_LABELS[a.role], scope,
                                 a.starts_on.isoformat() if a.starts_on else "",
                                 a.ends_on.isoformat() if a.ends_on else ""])
    return _workbook(rows)


def _member_role(session: Session, user: User) -> bool:
    """Tell whether the member role comes from a member record (the import gives it again)."""
    return session.scalar(select(Member.id).where(Member.user_id == user.id)) is not None
