"""The problems of a diagram as the process administrator reads them: in words, one per cause.

The engine and the topic rules (engine/diagrams/loading.py, workflows/rules/topic_rules.py) name
each problem in short English with the element it concerns; the modeler's validation shows them
through ``in_words``: translated, and the problems of one cause (a deleted end event leaves every
element before it without a way to an end) gathered into one message that lists its elements.
"""
import re
from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import gettext as _
from lxml import etree

from engine.diagrams.loading import BPMN, FLOW_NODES, local_name
from engine.errors import DiagramRejected, Problem, ShangliangError
from workflows.rules.roles import CANDIDATES
from workflows.rules.stages import STAGE_LABELS

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
Say = Callable[[re.Match[str]], str]


def _stages(_m: re.Match[str]) -> str:
    return _("须设置“阶段”（stage）属性，可选：%(stages)s", stages=_("、").join(_(v) for v in STAGE_LABELS.values()))


WORDS: list[tuple[re.Pattern[str], Say]] = [
    (re.compile(r"^no path leads from here to an end event$"),
     lambda m: _("无法到达任何结束事件（可能删除了结束事件或断开了连线）")),
    (re.compile(r"^(incoming|outgoing) refers to '([^']*)', which is not a sequence flow here$"),
     lambda m: _("引用了不存在的连线 %(flow)s", flow=m[2])),
    (re.compile(r"^(incoming|outgoing) refers to '([^']*)', which does not (enter|leave) this element$"),
     lambda m: _("引用的连线 %(flow)s 并不连接此元素", flow=m[2])),
    (re.compile(r"^lies in lane '?([^',]*)'?, which is not mapped to a role.*$"),
     lambda m: _("所在泳道“%(lane)s”没有对应的角色，请放入政协办公室、主席会议、专委会或承办单位的泳道", lane=m[1])),
    (re.compile(r"^property stage must be one of .*$"), _stages),
    (re.compile(r"^property form '?([^']*)'? names no known form$"),
     lambda m: _("“表单”（form）属性 %(form)s 不是已知的表单", form=m[1] or "—")),
    (re.compile(r"^property candidate must be one of .*$"),
     lambda m: _("须设置“办理对象”（candidate）属性，可选：%(names)s", names=_("、").join(CANDIDATES))),
    (re.compile(r"^property (clock|warn): bad clock '(.*)': expected a whole number.*$"),
     lambda m: _("时限属性 %(key)s 的值“%(value)s”无效：应为整数加 wd（工作日）或 m（月），例如 15wd 或 3m",
                 key=m[1], value=m[2])),
    (re.compile(r"^property (clock|warn): bad clock '(.*)': the amount must be at least 1$"),
     lambda m: _("时限属性 %(key)s 的值“%(value)s”无效：数量至少为 1", key=m[1], value=m[2])),
    (re.compile(r"^property (clock|warn): (.*)$"), lambda m: _("时限属性 %(key)s 有误：%(why)s", key=m[1], why=m[2])),
    (re.compile(r"^consultation without the research gate.*$"),
     lambda m: _("协商环节之前缺少调研关口（research_gate）：不调研不协商")),
    (re.compile(r"^can be reached without passing the research gate$"),
     lambda m: _("可以不经过调研关口到达此协商环节：不调研不协商")),
    (re.compile(r"^scripts are not allowed$"), lambda m: _("流程图中不允许脚本")),
    (re.compile(r"^(\w+) is not supported by shangliang$"), lambda m: _("不支持的元素类型：%(kind)s", kind=m[1])),
    (re.compile(r"^expression refused: (.*)$"), lambda m: _("条件表达式不被允许：%(why)s", why=m[1])),
    (re.compile(r"^not well-formed XML: (.*)$"), lambda m: _("文件不是格式正确的 XML：%(why)s", why=m[1])),
    (re.compile(r"^a diagram holds exactly one process; this one has (\d+)$"),
     lambda m: _("一个流程图只能包含一个流程，此文件有 %(n)s 个", n=m[1])),
    (re.compile(r"^the element has no layout$"), lambda m: _("没有布局位置（图形信息），建模器无法显示")),
]


def in_words(message: str) -> str:
    """Return one problem's message in the page's language."""
    for pattern, say in WORDS:
        found = pattern.match(message)
        if found:
            return say(found)
    return message


def refusal(exc: ShangliangError) -> str:
    """Return why a diagram was refused, in the page's language: each cause with the elements it concerns."""
    if not isinstance(exc, DiagramRejected):
        return exc.message
    said = [_("%(elements)s：%(why)s", elements=_("、").join(e["name"] or e["id"] for e in cause["elements"]),
              why=cause["message"]) if cause["elements"] else cause["message"] for cause in gathered(exc.problems)]
    return _("；").join(said)


def gathered(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """Return the problems one per cause: its message in words and every element it concerns."""
    causes: dict[str, dict[str, Any]] = {}
    for found in problems:
        cause = causes.setdefault(found.message, {"message": in_words(found.message), "element_id": found.element_id,
                                                  "element_name": found.element_name, "elements": []})
        if found.element_id:
            cause["elements"].append({"id": found.element_id, "name": found.element_name})
    return list(causes.values())


def layout_problems(data: bytes) -> list[Problem]:
    """Name the flow elements that have no shape in the diagram's layout (one problem each, gathered later)."""
    try:
        root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except etree.XMLSyntaxError:
        return []
    shaped = {s.get("bpmnElement") for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    return [Problem("the element has no layout", e.get("id", ""), e.get("name", ""))
            for process in root.iter(f"{{{BPMN}}}process") for e in process
            if local_name(e) in FLOW_NODES and e.get("id") not in shaped]
