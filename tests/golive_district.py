"""A real district to go live with: one district, 8 towns/streets/parks, 20 units, 60 people, 30 members.

Written into the downloaded XLSX template by the go-live tests; the usernames and unit codes follow
the demo's pattern (office_<district>, <district>-housing …) so the demo's topic path runs on them.
"""
import io
from typing import Any

from openpyxl import load_workbook

from workflows.organizations import bulk

D = "xinqu"
TOWNS = [("xq-t1", "东方镇", "镇"), ("xq-t2", "西城镇", "镇"), ("xq-t3", "南湖镇", "镇"), ("xq-t4", "北港镇", "镇"),
         ("xq-s1", "中山街道", "街道"), ("xq-s2", "解放街道", "街道"), ("xq-s3", "人民街道", "街道"),
         ("xq-p1", "高新园区", "园区")]
DISTRICT_UNITS = [("cppcc", "政协", "政协"), ("cmt-social", "政协社会和法制委员会", "专委会工委"),
                  ("cmt-economy", "政协经济委员会", "专委会工委"), ("housing", "住房和城乡建设局", "部门"),
                  ("civil", "民政局", "部门"), ("urban", "城市管理局", "部门"), ("education", "教育局", "部门"),
                  ("health", "卫生健康局", "部门"), ("transport", "交通运输局", "部门")]
SECTORS = [("zg", "中共"), ("mg", "民革"), ("jj", "经济界"), ("jy", "教育界"), ("ws", "医药卫生界")]


def rows() -> dict[str, list[list[Any]]]:
    """Return every sheet's rows of the district."""
    orgs = [["changzhou", "常州市", "市", ""], [D, "常州新区", "区", "changzhou"]]
    orgs += [[code, name, kind, D] for code, name, kind in TOWNS]
    units = [[f"{D}-{code}", f"新区{name}", kind, D, ""] for code, name, kind in DISTRICT_UNITS]
    units += [[f"{code}-gov", f"{name}人民政府", "镇街政府", code, ""] for code, name, _k in TOWNS]
    units += [[f"{code}-cmt", f"{name}政协工委", "专委会工委", code, ""] for code, name, _k in TOWNS[:3]]
    people = [
        [f"office_{D}", "王晓梅", "13800000001", "wxm@example.cn", "dt-001", "wc-001", "政协办公室", D, "", ""],
        [f"chair_{D}", "李建国", "13800000002", "", "", "", "主席会议", D, "", ""],
        [f"committee_{D}", "张丽", "13800000003", "", "", "", "专委会/工委", f"{D}-cmt-social", "", ""],
        [f"housing_{D}", "陈伟", "13800000004", "", "", "", "承办单位", f"{D}-housing", "", ""],
        [f"civil_{D}", "刘芳", "13800000005", "", "", "", "承办单位", f"{D}-civil", "", ""],
        [f"leader_housing_{D}", "赵强", "13800000006", "", "", "", "单位负责人", f"{D}-housing", "", ""],
        [f"supervisor_{D}", "孙敏", "13800000007", "", "", "", "督查", D, "", ""],
    ]
    for index in range(8, 61):
        unit = units[index % len(units)][0]
        people.append([f"staff{index:02d}", f"工作人员{index:02d}", f"139{index:08d}", "", "", "", "承办单位", unit,
                       "2026-01-01", ""])
    groups = [[f"{code}-lg", f"{name}委员联络组", code] for code, name, _k in TOWNS]
    members = [[f"M{index:03d}", f"委员{index:02d}", f"137{index:08d}", SECTORS[index % 5][0], D,
                TOWNS[index % 8][0], f"{TOWNS[index % 8][0]}-lg", "第十五届", "2022-01-01", "2026-12-31",
                f"staff{index + 8:02d}" if index < 3 else ""] for index in range(30)]
    return {bulk.ORGS: orgs, bulk.UNITS: units, bulk.PEOPLE: people, bulk.SECTORS: [list(s) for s in SECTORS],
            bulk.GROUPS: groups, bulk.MEMBERS: members}


def workbook(changes: dict[str, list[list[Any]]] | None = None) -> bytes:
    """Fill the downloaded template with the district's rows (``changes`` replaces whole sheets)."""
    book = load_workbook(io.BytesIO(bulk.template()))
    for sheet, values in {**rows(), **(changes or {})}.items():
        for line in values:
            book[sheet].append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
