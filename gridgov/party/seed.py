"""Default six posts (六员), their service items and the scoring rules. Used by the data
migration and by tests; everything here is editable by party staff afterwards."""

POSTS = [
    ("law", "法制建设宣传员", "宣传法律法规，引导群众依法表达诉求，协助化解矛盾纠纷。", [
        ("开展法治宣传", "每次入户或集中宣传，留存照片", "manual", 2),
        ("参与矛盾纠纷调解", "每调解一起纠纷，记录当事人与结果", "manual", 3),
    ]),
    ("safety", "平安建设宣传员", "宣传平安建设，参与治安巡逻，及时发现并上报安全隐患。", [
        ("参与治安巡逻", "每次巡逻不少于 1 小时", "manual", 2),
        ("上报安全隐患", "在平台上报并受理的事件，自动计分", "cases", 2),
    ]),
    ("opinion", "社情民意联络员", "联系群众、收集社情民意，反映群众诉求。", [
        ("走访收集民意", "每走访一户并记录诉求", "manual", 1),
        ("反映群众诉求", "在平台上报并受理的事件，自动计分", "cases", 2),
    ]),
    ("civility", "文明新风倡导员", "倡导文明新风，参与环境整治和移风易俗。", [
        ("文明劝导与环境整治", "每次参与不少于 1 小时", "manual", 2),
        ("参加志愿服务活动", "志愿活动签到签退，自动计分", "volunteer", 3),
    ]),
    ("supervision", "民主管理监督员", "参与居务公开监督和议事协商，监督小区物业等公共事务。", [
        ("参与议事协商", "每参加一次居民议事会或听证会", "manual", 2),
        ("居务监督检查", "每次监督检查留存记录", "manual", 2),
    ]),
    ("service", "党员服务协理员", "为群众代办服务事项，结对帮扶困难群众。", [
        ("代办服务事项", "双代服务送达并经居民确认，自动计分", "proxy", 2),
        ("结对帮扶", "每次上门帮扶困难群众", "manual", 3),
    ]),
]

# Default caps: a record, and a member's day on one item, count at most CAP_UNITS units (a
# monthly target is 10 points; items earn 1–3 points a unit)
CAP_UNITS = 3


def default_caps(ServiceItem, points):
    """The default caps of an item worth `points` a unit (none for a model state without them:
    the early migrations seed through historical models)."""
    names = {f.name for f in ServiceItem._meta.get_fields()}
    if "max_points_per_record" not in names:
        return {}
    return {"max_points_per_record": points * CAP_UNITS, "max_points_per_day": points * CAP_UNITS}


RULES = [("month", 0.8, 7), ("quarter", 0.8, 14), ("year", 0.8, 30)]


def seed(RolePost, ServiceItem, ScoringRule):
    """Create the defaults that are missing (idempotent, never overwrites edits)."""
    for sort, (code, name, duties, items) in enumerate(POSTS, start=1):
        post, created = RolePost.objects.get_or_create(
            code=code, defaults={"name": name, "duties": duties, "sort": sort, "capacity_per_grid": 5,
                                 "target_period": "month", "target_points": 10},
        )
        if created:
            for item_name, standard, source, points in items:
                ServiceItem.objects.create(post=post, name=item_name, standard=standard, source=source,
                                           points=points, **default_caps(ServiceItem, points))
    for kind, ratio, grace in RULES:
        ScoringRule.objects.get_or_create(period_kind=kind, defaults={"behind_ratio": ratio, "grace_days": grace})
