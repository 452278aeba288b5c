"""The default catalogue: 33 common items of 11 departments, as a Hunan community workstation
(社区综合服务站) handles them. Loaded by migration 0002 and again (idempotent) by the demo.
Plain data so the data migration can use it with historical models."""

DEPARTMENTS = [
    ("mzj", "区民政局"), ("rsj", "区人力资源和社会保障局"), ("ybj", "区医疗保障局"), ("wjj", "区卫生健康局"),
    ("gaj", "市公安局武陵分局"), ("cl", "区残疾人联合会"), ("tyjrj", "区退役军人事务局"),
    ("zjj", "区住房和城乡建设局"), ("jyj", "区教育局"), ("sfj", "区司法局"), ("zgh", "区总工会"),
]

ALL = ["counter", "kiosk", "web", "proxy"]
NO_KIOSK = ["counter", "web", "proxy"]
COUNTER = ["counter", "proxy"]

ID_CARD = ("居民身份证", "original", 1, True)
HUKOU = ("户口簿", "original", 1, True)
PHOTO = ("近期一寸免冠彩色照片", "original", 2, True)
BANK = ("本人银行卡（存折）", "copy", 1, True)


def _f(key, label, type_="text", required=True, choices=(), prefill=""):
    return {"key": key, "label": label, "type": type_, "required": required, "choices": list(choices),
            "prefill": prefill}


BASE_FIELDS = [
    _f("name", "申请人姓名", prefill="name"),
    _f("id_number", "公民身份号码", "id_number", prefill="id_number"),
    _f("phone", "联系电话", "phone", prefill="phone"),
]
ADDRESS = _f("address", "现居住地址", prefill="address")


def item(code, name, dept, category, *, materials, fields=(), eligibility=None, basis, promised, statutory,
         handling="forward", channels=ALL, result="", conditions="", fee_fen=0):
    mats = [{"key": f"m{i}", "name": n, "original": o, "count": c, "required": r, "note": ""}
            for i, (n, o, c, r) in enumerate(materials, start=1)]
    return {
        "code": code, "name": name, "department": dept, "category": category,
        "version": {
            "description": f"{name}：由社区综合服务站统一受理{'，转' if handling == 'forward' else '并'}"
                           f"{'主管部门审核办理' if handling == 'forward' else '办结'}。",
            "conditions": conditions, "eligibility": eligibility or {}, "materials": mats,
            "fields": [*BASE_FIELDS, *fields], "legal_basis": basis, "promised_days": promised,
            "statutory_days": statutory, "fee_fen": fee_fen, "channels": list(channels), "handling": handling,
            "result_name": result or f"{name}结果",
        },
    }


REGISTERED = ["registered", "separated"]

ITEMS = [
    # 民政 (mzj)
    item("MZ001", "老年人优待证办理", "mzj", "elderly", materials=[ID_CARD, PHOTO],
         eligibility={"min_age": 60}, basis="《中华人民共和国老年人权益保障法》；《湖南省实施〈中华人民共和国老年人权益保障法〉办法》",
         promised=3, statutory=10, handling="complete", result="湖南省老年人优待证", conditions="年满60周岁的老年人。"),
    item("MZ002", "高龄津贴申领", "mzj", "elderly", materials=[ID_CARD, HUKOU, BANK],
         eligibility={"min_age": 80, "residence_types": REGISTERED, "in_community": True},
         basis="《湖南省人民政府关于建立八十周岁以上高龄老人津贴制度的意见》", promised=10, statutory=20,
         result="高龄津贴发放通知", conditions="本区户籍、年满80周岁的老年人。"),
    item("MZ003", "最低生活保障申请", "mzj", "assistance",
         materials=[ID_CARD, HUKOU, ("家庭收入及财产状况声明", "original", 1, True),
                    ("家庭经济状况核对授权书", "original", 1, True), ("残疾、疾病等相关证明", "copy", 1, False)],
         fields=[ADDRESS, _f("family_size", "共同生活家庭人口数", "number"),
                 _f("monthly_income", "家庭月总收入（元）", "number"), _f("reason", "申请理由")],
         eligibility={"residence_types": REGISTERED, "in_community": True},
         basis="《社会救助暂行办法》；《湖南省最低生活保障办法》", promised=20, statutory=30, channels=NO_KIOSK,
         result="最低生活保障金领取证", conditions="本区户籍，家庭人均收入低于当地低保标准且财产状况符合规定。"),
    item("MZ004", "临时救助申请", "mzj", "assistance",
         materials=[ID_CARD, HUKOU, ("遭遇急难事项的相关证明", "copy", 1, True)],
         fields=[_f("event", "急难事由", "choice", choices=["突发疾病", "意外事故", "火灾等灾害", "其他"]),
                 _f("amount", "申请救助金额（元）", "number"), _f("reason", "情况说明")],
         basis="《社会救助暂行办法》；《湖南省临时救助实施办法》", promised=10, statutory=15,
         result="临时救助审批表"),
    item("MZ005", "特困人员救助供养申请", "mzj", "assistance", materials=[ID_CARD, HUKOU,
         ("无劳动能力证明", "copy", 1, True)], fields=[ADDRESS, _f("support", "供养方式", "choice",
         choices=["分散供养", "集中供养"])], eligibility={"residence_types": REGISTERED},
         basis="《国务院关于进一步健全特困人员救助供养制度的意见》", promised=20, statutory=30, channels=NO_KIOSK,
         result="特困人员救助供养证"),
    item("MZ006", "居家养老服务补贴申请", "mzj", "elderly", materials=[ID_CARD, HUKOU],
         fields=[ADDRESS, _f("care_level", "失能等级", "choice", choices=["轻度", "中度", "重度"])],
         eligibility={"min_age": 60, "care_tags_any": ["dibao", "tekun", "elderly_alone", "very_old"]},
         basis="《湖南省养老服务条例》", promised=10, statutory=20, result="居家养老服务补贴核定表"),
    item("MZ007", "基本殡葬服务费用减免", "mzj", "assistance",
         materials=[("逝者居民死亡医学证明（推断）书", "copy", 1, True), ("经办人身份证", "original", 1, True)],
         fields=[_f("deceased", "逝者姓名"), _f("death_date", "死亡日期", "date")],
         basis="《殡葬管理条例》；《湖南省惠民殡葬政策》", promised=5, statutory=10, result="殡葬费用减免通知"),
    # 人社 (rsj)
    item("RS001", "就业失业登记", "rsj", "employment", materials=[ID_CARD, ("劳动合同解除证明", "copy", 1, False)],
         fields=[_f("status", "登记类型", "choice", choices=["就业登记", "失业登记"]),
                 _f("employer", "原工作单位", required=False), _f("since", "就业/失业日期", "date")],
         eligibility={"min_age": 16}, basis="《中华人民共和国就业促进法》；《就业服务与就业管理规定》",
         promised=1, statutory=5, handling="complete", result="就业创业证"),
    item("RS002", "就业困难人员认定", "rsj", "employment", materials=[ID_CARD, ("就业创业证", "original", 1, True)],
         fields=[_f("kind", "困难类型", "choice", choices=["大龄失业", "残疾", "低保家庭", "零就业家庭", "其他"])],
         eligibility={"min_age": 16, "max_age": 60}, basis="《湖南省就业困难人员认定办法》", promised=5, statutory=15,
         result="就业困难人员认定表"),
    item("RS003", "灵活就业人员社会保险补贴申请", "rsj", "employment",
         materials=[ID_CARD, ("社会保险缴费凭证", "copy", 1, True), BANK],
         fields=[_f("months", "申请补贴月数", "number")], basis="《就业补助资金管理办法》", promised=10, statutory=20,
         result="社会保险补贴审批表"),
    item("RS004", "城乡居民养老保险参保登记", "rsj", "insurance", materials=[ID_CARD, HUKOU],
         fields=[_f("grade", "缴费档次（元/年）", "choice", choices=["200", "300", "500", "1000", "2000", "3000"])],
         eligibility={"min_age": 16, "residence_types": REGISTERED},
         basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》", promised=1, statutory=5, handling="complete",
         result="城乡居民养老保险参保登记表"),
    item("RS005", "城乡居民养老保险待遇领取申请", "rsj", "insurance", materials=[ID_CARD, HUKOU, BANK],
         eligibility={"min_age": 60}, basis="《国务院关于建立统一的城乡居民基本养老保险制度的意见》",
         promised=10, statutory=20, result="养老保险待遇核定表"),
    item("RS006", "社会保障卡申领", "rsj", "insurance", materials=[ID_CARD, PHOTO],
         fields=[_f("bank", "合作银行", "choice", choices=["工商银行", "农业银行", "建设银行", "长沙银行"])],
         basis="《社会保障卡管理办法》", promised=15, statutory=20, result="社会保障卡"),
    # 医保 (ybj)
    item("YB001", "城乡居民医保参保登记", "ybj", "medical", materials=[ID_CARD, HUKOU],
         fields=[_f("insured_kind", "参保身份", "choice", choices=["普通居民", "学生儿童", "低保对象", "特困人员"])],
         basis="《中华人民共和国社会保险法》；《湖南省城乡居民基本医疗保险实施办法》", promised=1, statutory=5,
         handling="complete", result="医保参保登记回执"),
    item("YB002", "门诊慢特病待遇认定", "ybj", "medical",
         materials=[ID_CARD, ("二级以上医院诊断证明", "copy", 1, True), ("近一年病历资料", "copy", 1, True)],
         fields=[_f("disease", "病种")], basis="《湖南省门诊慢特病管理办法》", promised=15, statutory=20,
         channels=NO_KIOSK, result="门诊慢特病待遇认定通知"),
    item("YB003", "异地就医备案", "ybj", "medical", materials=[ID_CARD],
         fields=[_f("place", "就医地"), _f("reason", "备案类型", "choice", choices=["异地长期居住", "常驻异地工作", "转诊就医"])],
         basis="《关于进一步做好基本医疗保险跨省异地就医直接结算工作的通知》", promised=1, statutory=3,
         handling="complete", result="异地就医备案回执"),
    # 卫健 (wjj)
    item("WJ001", "生育登记", "wjj", "health", materials=[("夫妻双方身份证", "original", 2, True), ("结婚证", "original", 1, False)],
         fields=[_f("spouse", "配偶姓名"), _f("child_order", "本次生育孩次", "choice", choices=["一孩", "二孩", "三孩"]),
                 _f("due_date", "预产期", "date", required=False)],
         basis="《湖南省人口与计划生育条例》", promised=1, statutory=5, handling="complete", result="生育登记服务单"),
    item("WJ002", "计划生育特别扶助金申请", "wjj", "health", materials=[ID_CARD, HUKOU, ("独生子女父母光荣证", "original", 1, True)],
         eligibility={"min_age": 49, "care_tags_any": ["shidu"]},
         basis="《全国农村部分计划生育家庭奖励扶助和特别扶助制度》", promised=20, statutory=30,
         result="特别扶助金审批表"),
    item("WJ003", "农村部分计划生育家庭奖励扶助申请", "wjj", "health", materials=[ID_CARD, HUKOU],
         eligibility={"min_age": 60}, basis="《湖南省人口与计划生育条例》", promised=20, statutory=30,
         result="奖励扶助审批表"),
    # 公安 (gaj)
    item("GA001", "居住证申领", "gaj", "residence",
         materials=[ID_CARD, PHOTO, ("居住登记凭证（租赁合同或房产证明）", "copy", 1, True)],
         fields=[ADDRESS, _f("since", "来本地居住时间", "date"),
                 _f("purpose", "居住事由", "choice", choices=["就业", "就学", "投亲", "经商", "其他"])],
         eligibility={"residence_types": ["floating", "separated"]}, basis="《居住证暂行条例》",
         promised=10, statutory=15, result="湖南省居住证", conditions="在本地居住半年以上，有合法稳定就业、住所或连续就读之一。"),
    item("GA002", "流动人口居住登记", "gaj", "residence", materials=[ID_CARD],
         fields=[ADDRESS, _f("since", "来本地日期", "date")], eligibility={"residence_types": ["floating", "separated"]},
         basis="《居住证暂行条例》", promised=1, statutory=3, handling="complete", result="居住登记凭证"),
    item("GA003", "户籍证明开具", "gaj", "residence", materials=[ID_CARD, HUKOU],
         fields=[_f("use", "证明用途")], eligibility={"residence_types": REGISTERED},
         basis="《中华人民共和国户口登记条例》", promised=3, statutory=5, result="户籍证明"),
    # 残联 (cl)
    item("CL001", "残疾人证办理", "cl", "disability", materials=[ID_CARD, HUKOU, PHOTO],
         fields=[_f("kind", "残疾类别", "choice", choices=["视力", "听力", "言语", "肢体", "智力", "精神", "多重"])],
         basis="《中华人民共和国残疾人保障法》；《中华人民共和国残疾人证管理办法》", promised=15, statutory=20,
         channels=COUNTER, result="中华人民共和国残疾人证"),
    item("CL002", "困难残疾人生活补贴和重度残疾人护理补贴", "cl", "disability",
         materials=[ID_CARD, ("第二代残疾人证", "original", 1, True), BANK],
         eligibility={"care_tags_any": ["disabled"]}, basis="《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》",
         promised=15, statutory=20, result="两项补贴审批表"),
    item("CL003", "残疾人辅助器具适配申请", "cl", "disability", materials=[ID_CARD, ("第二代残疾人证", "original", 1, True)],
         fields=[_f("device", "申请辅具")], eligibility={"care_tags_any": ["disabled"]},
         basis="《残疾预防和残疾人康复条例》", promised=15, statutory=30, result="辅具适配通知"),
    # 退役军人 (tyjrj)
    item("TY001", "退役军人优待证申领", "tyjrj", "veterans", materials=[ID_CARD, PHOTO, ("退役证件", "copy", 1, True)],
         basis="《退役军人保障法》；《退役军人、其他优抚对象优待证管理办法》", promised=15, statutory=30,
         result="退役军人优待证"),
    item("TY002", "优抚对象定期抚恤补助申请", "tyjrj", "veterans", materials=[ID_CARD, HUKOU, BANK],
         eligibility={"care_tags_any": ["special_care"]}, basis="《军人抚恤优待条例》", promised=20, statutory=30,
         channels=NO_KIOSK, result="抚恤补助审批表"),
    # 住建 (zjj)
    item("ZJ001", "公共租赁住房申请", "zjj", "housing",
         materials=[ID_CARD, HUKOU, ("家庭收入证明", "original", 1, True), ("住房情况声明", "original", 1, True)],
         fields=[ADDRESS, _f("family_size", "家庭人口数", "number"), _f("monthly_income", "家庭月收入（元）", "number")],
         basis="《公共租赁住房管理办法》", promised=20, statutory=30, channels=NO_KIOSK, result="公租房资格确认通知"),
    item("ZJ002", "城镇住房保障家庭租赁补贴申请", "zjj", "housing",
         materials=[ID_CARD, HUKOU, ("租赁合同", "copy", 1, True)], fields=[_f("rent", "月租金（元）", "number")],
         eligibility={"residence_types": REGISTERED}, basis="《湖南省城镇住房保障家庭租赁补贴实施办法》",
         promised=20, statutory=30, result="租赁补贴审批表"),
    # 教育 (jyj)
    item("JY001", "家庭经济困难学生资助申请", "jyj", "education",
         materials=[ID_CARD, ("学生证或在读证明", "copy", 1, True), ("低保证、特困证等困难证明", "copy", 1, False)],
         fields=[_f("student", "学生姓名"), _f("school", "就读学校"),
                 _f("stage", "学段", "choice", choices=["学前", "小学", "初中", "高中", "中职"])],
         basis="《学生资助资金管理办法》", promised=15, statutory=30, result="学生资助审批表"),
    # 司法 (sfj)
    item("SF001", "法律援助申请", "sfj", "other",
         materials=[ID_CARD, ("经济困难状况说明表", "original", 1, True), ("案件相关材料", "copy", 1, True)],
         fields=[_f("matter", "法律援助事项"), _f("opponent", "对方当事人", required=False)],
         basis="《中华人民共和国法律援助法》", promised=7, statutory=7, result="给予法律援助决定书"),
    item("SF002", "人民调解申请", "sfj", "other", materials=[ID_CARD],
         fields=[_f("dispute", "纠纷类型", "choice", choices=["邻里纠纷", "婚姻家庭", "物业纠纷", "损害赔偿", "其他"]),
                 _f("summary", "纠纷简要情况")],
         basis="《中华人民共和国人民调解法》", promised=15, statutory=30, handling="complete", result="人民调解协议书"),
    # 工会 (zgh)
    item("GH001", "困难职工帮扶申请", "zgh", "assistance",
         materials=[ID_CARD, ("单位工会证明", "original", 1, True), ("家庭收入证明", "original", 1, True)],
         fields=[_f("employer", "工作单位"), _f("reason", "困难原因")], eligibility={"min_age": 16},
         basis="《中华人民共和国工会法》；《全国总工会困难职工帮扶管理办法》", promised=15, statutory=30,
         result="困难职工帮扶审批表"),
]


def seed(ServiceItem, ServiceItemVersion, Department, now, actor=None):
    """Create the missing items (and departments); existing items are left as edited. Returns
    the number of items created."""
    depts = {}
    for code, name in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name, "kind": "functional"})
    created = 0
    for sort, spec in enumerate(ITEMS, start=1):
        obj, new = ServiceItem.objects.get_or_create(code=spec["code"], defaults={
            "name": spec["name"], "department": depts[spec["department"]], "category": spec["category"],
            "sort": sort * 10})
        if not new:
            continue
        version = ServiceItemVersion.objects.create(item=obj, number=1, published_at=now, published_by=actor,
                                                    **spec["version"])
        obj.current = version
        obj.save(update_fields=["current"])
        created += 1
    return created
