"""The navigation menu: one explicit list (grep-able), filtered per user by permission.

Each entry: (label, url name, permission needed or None for any signed-in user, icon letter).
Entries whose URL is not installed are skipped, so an app can be removed without editing this.
"""

from django.urls import NoReverseMatch, reverse

from gridgov.core.access import can

MENU = [
    ("工作台", [
        ("首页", "home", None),
        ("通知中心", "core:notifications", None),
    ]),
    ("网格与区划", [
        ("区划网格", "divisions:list", "divisions.view_division"),
        ("网格地图", "divisions:map", "divisions.view_division"),
        ("网格划分", "divisions:partition", "divisions.partition_division"),
    ]),
    ("基础信息", [
        ("综合查询", "registry:search", "registry.view_person"),
        ("实有人口", "registry:person_list", "registry.view_person"),
        ("楼栋房屋", "registry:building_list", "registry.view_building"),
        ("法人单位", "registry:entity_list", "registry.view_legalentity"),
        ("城市部件", "registry:component_list", "registry.view_component"),
        ("关爱人群", "registry:care_list", "registry.view_person"),
        ("数据导入", "registry:import", "registry.add_person"),
        ("变更审核", "registry:changerequest_list", "registry.approve_changerequest"),
        ("网格员移动端", "registry:mobile_home", "registry.record_visit"),
    ]),
    ("事件管理", [
        ("事件列表", "cases:list", "cases.view_case"),
        ("上报事件", "cases:report", "cases.add_case"),
        ("部门待办", "cases:queue", "cases.handle_case"),
        ("超期督办", "cases:overdue", "cases.supervise_case"),
        ("综合评价", "cases:evaluation", "cases.view_evaluation"),
        ("事件分类", "cases:categories", "cases.change_category"),
    ]),
    ("红色网格", [
        ("组织架构", "party:tree", "party.view_partyorganization"),
        ("党员管理", "party:member_list", "party.view_partymember"),
        ("六员岗位", "party:posts", "party.view_rolepost"),
        ("志愿活动", "party:events", "party.view_volunteerevent"),
        ("积分排名", "party:rankings", "party.view_partymember"),
        ("我的履职", "party:me", None),
    ]),
    ("系统管理", [
        ("用户", "accounts:user_list", "accounts.view_user"),
        ("角色权限", "accounts:role_list", "accounts.view_role"),
        ("审计日志", "core:audit", "core.view_auditentry"),
        ("后台任务", "core:jobs", "core.view_job"),
        ("工作日历", "core:calendar", "core.view_calendarday"),
        ("API 文档", "api-docs", None),
    ]),
]


def menu_for(user):
    groups = []
    for title, entries in MENU:
        items = []
        for label, name, perm in entries:
            if perm and not can(user, perm):
                continue
            try:
                items.append({"label": label, "url": reverse(name), "name": name})
            except NoReverseMatch:
                continue
        if items:
            groups.append({"title": title, "items": items})
    return groups
