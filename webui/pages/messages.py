"""The domain's field messages, said in the user's language with labels instead of codes.

The services and forms (workflows/) answer bad input with short English messages, some with
their Chinese in brackets, that the JSON API passes on as they are; the HTML pages show each
through ``in_words`` (the ``in_words`` template filter), which knows the common shapes and
names the choices by their labels.
"""
import re
from collections.abc import Callable, Mapping, Sequence

from flask_babel import gettext as _

from webui.i18n import select_locale

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BILINGUAL = re.compile(r"^(?P<en>[^()（）]*?)\s*[(（](?P<zh>[^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$")
# The other order, Chinese first (a flashed "已迁移 3 / 3 个议题 (moved)"): the English half has no Chinese.
CHINESE_FIRST = re.compile(r"^(?P<zh>[^()（）]*[\u4e00-\u9fff][^()（）]*?)\s*"
                           r"[(（](?P<en>[^()（）\u4e00-\u9fff]+)[)）]\s*$")


def in_words(message: object, choices: Mapping[str, str] | Sequence[tuple[str, str]] | None = None) -> str:
    """Return a field message for the page: translated, with each code of ``choices`` shown as its label."""
    text = str(message or "").strip()
    labels = dict(choices or {})
    found = BILINGUAL.match(text) or CHINESE_FIRST.match(text)
    if found:  # the service wrote both: the half in the page's language
        return found["en"][:1].upper() + found["en"][1:] if select_locale() == "en" else found["zh"]
    for pattern, say in SHAPES:
        found = pattern.match(text)
        if found:
            return say(found, labels)
    return text


def _one_of(found: re.Match[str], labels: dict[str, str]) -> str:
    codes = [c.strip() for c in found["codes"].split(",") if c.strip() and c.strip() != "…"]
    named = _("、").join(_(labels[c]) if c in labels else c for c in codes)
    return _("请从以下选项中选择：%(choices)s", choices=named) if labels else _("请从所列选项中选择")


SHAPES: list[tuple[re.Pattern[str], Callable[[re.Match[str], dict[str, str]], str]]] = [
    (re.compile(r"^required, at most (?P<n>\d+) characters$"), lambda m, _l: _("此项必填，最多 %(n)s 个字", n=m["n"])),
    (re.compile(r"^required\b.*$"), lambda m, _l: _("此项必填")),
    (re.compile(r"^must be one of (?P<codes>.+)$"), _one_of),
    (re.compile(r"^must be true or false$"), lambda m, _l: _("请选择“是”或“否”")),
    (re.compile(r"^must be a whole number$"), lambda m, _l: _("请填写整数")),
    (re.compile(r"^must be between (?P<lo>-?\d+) and (?P<hi>-?\d+)$"),
     lambda m, _l: _("请填写 %(lo)s 至 %(hi)s 之间的数", lo=m["lo"], hi=m["hi"])),
    (re.compile(r"^must be a date.*$"), lambda m, _l: _("请填写日期，格式为 年-月-日")),
    (re.compile(r"^at most (?P<n>\d+) characters$"), lambda m, _l: _("最多 %(n)s 个字", n=m["n"])),
    (re.compile(r"^unknown unit .*$"), lambda m, _l: _("所选单位不存在，或不属于本议题所在的区，请从列表中选择")),
    (re.compile(r"^must be a list of unit codes$"), lambda m, _l: _("请从列表中选择单位")),
    (re.compile(r"^unknown district code$"), lambda m, _l: _("请从列表中选择区")),
    (re.compile(r"^not a field of .*$"), lambda m, _l: _("表单中没有这一项")),
    (re.compile(r"^must be after the current deadline (?P<day>[\d-]+) and after today$"),
     lambda m, _l: _("须晚于当前截止日期 %(day)s，且晚于今天", day=m["day"])),
    (re.compile(r"^at most (?P<n>\d+) days ahead$"), lambda m, _l: _("最多可延至 %(n)s 天之后", n=m["n"])),
]
