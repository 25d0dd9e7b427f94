"""The names of the bundled diagrams' user tasks, marked for the catalog.

A task's name comes from its diagram (bpmn/): the pages and the notices show it through the catalog,
so a reader whose language is English reads these in English; a name an administrator typed in the
modeler is not listed and shows as typed. tests/workflows/rules/test_task_names.py keeps this list
in step with bpmn/.
"""
from workflows.i18n import N_

TASK_NAMES = frozenset({
    N_("提交议题建议"), N_("主席会议审议"), N_("党委审定"), N_("列入年度协商计划"), N_("深入调研"),
    N_("向党委政府通报"), N_("提前发送协商材料"), N_("召开协商会议"), N_("报送协商纪要"), N_("签收"),
    N_("重新交办（退回后改派主办单位）"), N_("协办单位意见"), N_("办理并书面答复"), N_("答复满意度测评"),
    N_("跟踪问效"), N_("主席会议审议办理成效"), N_("镇（街道）政协工委审议"), N_("镇（街道）党（工）委审定"),
    N_("报区政协备案"), N_("区政协审核"),
})
