"""The audit log in words: what each recorded action means, what it was done to, and its reason.

The services record an action code, a target like ``topic:12`` and a payload of details
(workflows/people/audit.py); the audit page shows them through these filters, in the reader's
language, with the reason first when there is one.
"""
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from workflows.i18n import N_

ACTIONS: dict[str, str] = {
    "login": N_("登录"), "login_failed": N_("登录失败"), "second_factor_failed": N_("动态口令错误"),
    "lockout": N_("账户锁定"), "export": N_("导出清单"), "escalate": N_("督办"),
    "contact_viewed": N_("查看群众联系方式"),
    "deploy": N_("部署流程版本"), "approve": N_("批准流程版本"), "reject": N_("驳回流程版本"),
    "bind": N_("启用流程版本"), "unbind": N_("停用流程版本"), "migrate": N_("迁移议题到新版本"),
    "suspend": N_("暂停议题"), "resume": N_("恢复议题"), "terminate": N_("终止议题"), "retry": N_("重试出错步骤"),
    "skip": N_("跳过出错步骤"), "reassign": N_("转办任务"), "calendar_day": N_("修改工作日"),
    "calendar_year": N_("录入年度节假日安排"), "password_set": N_("设置密码"), "password_reset": N_("重置密码"),
    "totp_reset": N_("重置动态口令"), "sessions_ended": N_("结束登录会话"), "user_created": N_("新建用户"),
    "user_updated": N_("修改用户"), "user_deactivated": N_("停用用户"), "user_reactivated": N_("启用用户"),
    "user_unlocked": N_("解锁用户"), "role_assigned": N_("授予角色"), "role_ended": N_("撤销角色"),
    "unit_saved": N_("保存单位"), "unit_deactivated": N_("停用单位"), "organization_created": N_("新建组织"),
    "organization_renamed": N_("组织改名"), "organization_moved": N_("调整组织隶属"),
    "organization_merged": N_("合并组织"), "organization_deleted": N_("删除组织"),
    "organization_deactivated": N_("停用组织"), "organization_reactivated": N_("启用组织"),
    "member_saved": N_("保存委员信息"), "sector_saved": N_("保存界别"), "liaison_group_saved": N_("保存联络组"),
    "delegation_added": N_("添加代理"), "first_admin_created": N_("创建首个管理员"),
    "proposal_answered": N_("答复群众议题建议"), "proposal_rejected": N_("不予采纳群众议题建议"),
    "proposal_opened": N_("打开群众议题建议（审核中）"),
    "proposal_merged": N_("合并重复的议题建议"), "proposal_unmerged": N_("撤销合并议题建议"),
    "proposal_became_topic": N_("议题建议立为议题"),
    "photo_published": N_("公开建议照片"), "photo_withdrawn": N_("取消公开建议照片"),
    "topic_published": N_("公开议题成果"), "topic_withdrawn": N_("取消公开议题成果"),
    "publication_edited": N_("修改公开内容"), "typical_case_marked": N_("列为典型案例"),
    "typical_case_unmarked": N_("取消典型案例"),
    "deliberation_opened": N_("开启网络议政"), "deliberation_invited": N_("邀请居民参加网络议政"),
    "deliberation_revoked": N_("收回网络议政邀请"), "opinion_hidden": N_("隐藏网络议政意见"),
    "opinion_taken": N_("意见纳入纪要"), "opinion_untaken": N_("取消意见纳入纪要"),
    "meeting_link_set": N_("设置远程协商会议链接"),
}
TARGETS: dict[str, str] = {"topic": N_("议题"), "task_item": N_("任务"), "version": N_("流程版本"),
                           "process_version": N_("流程版本"), "user": N_("用户"), "list": N_("清单"),
                           "unit": N_("单位"), "organization": N_("组织"),
                           "proposal": N_("群众议题建议"), "opinion": N_("网络议政意见"),
                           "activity": N_("协商活动")}
DETAILS: dict[str, str] = {"reason": N_("理由"), "note": N_("说明"), "format": N_("格式"), "rows": N_("行数"),
                           "from": N_("原版本"), "to": N_("新版本"), "process": N_("流程"), "query": N_("筛选条件"),
                           "name": N_("姓名"), "text": N_("原文"), "opens_at": N_("开始时间"),
                           "closes_at": N_("截止时间"), "link": N_("链接"), "via": N_("途径"), "photo": N_("照片")}


def action_words(action: str) -> str:
    """Return an action's name in the reader's language (its code when it has none)."""
    return _(ACTIONS[action]) if action in ACTIONS else action


def target_words(target: str) -> str:
    """Return ``kind:id`` as the kind in words and its number."""
    kind, _sep, key = target.partition(":")
    return f"{_(TARGETS[kind])} {'#' + key if key.isdigit() else key}".strip() if kind in TARGETS else target


def detail_words(payload: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """Return the payload as (label, value) pairs, the reason first."""
    items = sorted((payload or {}).items(), key=lambda kv: (kv[0] not in ("reason", "note"), kv[0]))
    return [(_(DETAILS[k]) if k in DETAILS else k, v if isinstance(v, str) else str(v)) for k, v in items
            if v not in (None, "", [], {})]
