"""Choice lists of the base-information registry (基础信息库)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BuildingType(models.TextChoices):
    HIGH_RISE = "high_rise", _("高层住宅")
    MULTI_STOREY = "multi_storey", _("多层住宅")
    BUNGALOW = "bungalow", _("平房")
    VILLA = "villa", _("别墅")
    COMMERCIAL = "commercial", _("商业楼宇")
    MIXED = "mixed", _("商住混合")
    PUBLIC = "public", _("公共建筑")
    OTHER = "other", _("其他")


class HouseUse(models.TextChoices):
    RESIDENCE = "residence", _("住宅")
    SHOP = "shop", _("商铺")
    OFFICE = "office", _("办公")
    WAREHOUSE = "warehouse", _("仓储")
    OTHER = "other", _("其他")


class HouseStatus(models.TextChoices):
    OWNER_OCCUPIED = "owner", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    LENT = "lent", _("借住")
    OTHER = "other", _("其他")


class HouseholdType(models.TextChoices):
    REGISTERED = "registered", _("户籍户")
    FLOATING = "floating", _("流动户")
    COLLECTIVE = "collective", _("集体户")
    OTHER = "other", _("其他")


class IdType(models.TextChoices):
    RESIDENT_ID = "ric", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAU = "hkmo", _("港澳居民来往内地通行证")
    TAIWAN = "tw", _("台湾居民来往大陆通行证")
    FOREIGN_PR = "fpr", _("外国人永久居留身份证")
    NONE = "none", _("无证件")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")
    UNKNOWN = "U", _("未知")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    OVERSEAS = "overseas", _("境外人员")
    SEPARATED = "separated", _("人户分离")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母/外祖父母")
    GRANDCHILD = "grandchild", _("孙子女/外孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER_RELATIVE = "relative", _("其他亲属")
    TENANT = "tenant", _("租住人员")
    OTHER = "other", _("其他")


class Employment(models.TextChoices):
    EMPLOYED = "employed", _("在职")
    SELF_EMPLOYED = "self", _("个体经营")
    FARMER = "farmer", _("务农")
    UNEMPLOYED = "unemployed", _("失业/待业")
    RETIRED = "retired", _("离退休")
    STUDENT = "student", _("在校学生")
    PRESCHOOL = "preschool", _("学龄前")
    OTHER = "other", _("其他")


class Education(models.TextChoices):
    NONE = "none", _("未上学")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中/中专")
    COLLEGE = "college", _("大专")
    BACHELOR = "bachelor", _("本科")
    MASTER = "master", _("硕士研究生")
    DOCTOR = "doctor", _("博士研究生")
    UNKNOWN = "unknown", _("不详")


class PoliticalStatus(models.TextChoices):
    MASSES = "masses", _("群众")
    CPC = "cpc", _("中共党员")
    CPC_PROBATIONARY = "cpc_prob", _("中共预备党员")
    CYL = "cyl", _("共青团员")
    DEMOCRATIC = "democratic", _("民主党派")
    UNKNOWN = "unknown", _("不详")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    MOVED_OUT = "moved_out", _("迁出")
    DECEASED = "deceased", _("死亡")


class PersonEventKind(models.TextChoices):
    REGISTER = "register", _("登记")
    IMPORT = "import", _("导入")
    UPDATE = "update", _("信息变更")
    MOVE_IN = "move_in", _("迁入")
    MOVE_OUT = "move_out", _("迁出")
    BIRTH = "birth", _("出生")
    DEATH = "death", _("死亡")
    CHANGE_HOUSE = "change_house", _("变更住房")


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    SOCIAL_ORG = "social_org", _("社会组织")
    INSTITUTION = "institution", _("事业单位")
    GOVERNMENT = "government", _("机关")
    OTHER = "other", _("其他")


class Industry(models.TextChoices):
    """GB/T 4754-2017 门类 (sections A–T)."""

    A = "A", _("农、林、牧、渔业")
    B = "B", _("采矿业")
    C = "C", _("制造业")
    D = "D", _("电力、热力、燃气及水生产和供应业")
    E = "E", _("建筑业")
    F = "F", _("批发和零售业")
    G = "G", _("交通运输、仓储和邮政业")
    H = "H", _("住宿和餐饮业")
    I = "I", _("信息传输、软件和信息技术服务业")  # noqa: E741
    J = "J", _("金融业")
    K = "K", _("房地产业")
    L = "L", _("租赁和商务服务业")
    M = "M", _("科学研究和技术服务业")
    N = "N", _("水利、环境和公共设施管理业")
    O = "O", _("居民服务、修理和其他服务业")  # noqa: E741
    P = "P", _("教育")
    Q = "Q", _("卫生和社会工作")
    R = "R", _("文化、体育和娱乐业")
    S = "S", _("公共管理、社会保障和社会组织")
    T = "T", _("国际组织")


class EntityStatus(models.TextChoices):
    OPERATING = "operating", _("存续")
    SUSPENDED = "suspended", _("停业")
    CANCELLED = "cancelled", _("注销")
    REVOKED = "revoked", _("吊销")
    MOVED_OUT = "moved_out", _("迁出")


class ComponentStatus(models.TextChoices):
    NORMAL = "normal", _("完好")
    DAMAGED = "damaged", _("破损")
    LOST = "lost", _("丢失")
    REMOVED = "removed", _("已拆除")


class ChangeTarget(models.TextChoices):
    PERSON = "person", _("人口")
    HOUSE = "house", _("房屋")
    HOUSEHOLD = "household", _("户")
    BUILDING = "building", _("楼栋")
    ENTITY = "entity", _("法人")
    COMPONENT = "component", _("部件")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已通过")
    REJECTED = "rejected", _("已驳回")


# Chinese labels of this app's audit actions (the audit log shows them)
AUDIT_LABELS = {
    "registry.register_person": "人口登记", "registry.update_person": "修改人口信息", "registry.move_in": "迁入登记",
    "registry.move_out": "迁出登记", "registry.death": "死亡登记", "registry.change_house": "变更住房",
    "registry.export_person": "导出人口信息", "registry.search_exact": "按完整号码查询人口", "registry.create_building": "新建楼栋",
    "registry.update_building": "修改楼栋", "registry.create_house": "新建房屋", "registry.update_house": "修改房屋",
    "registry.create_household": "新建户", "registry.update_household": "修改户",
    "registry.create_entity": "新建法人单位", "registry.update_entity": "修改法人单位",
    "registry.create_component": "新建城市部件", "registry.update_component": "修改城市部件",
    "registry.record_visit": "记录走访", "registry.request_change": "申请信息变更",
    "registry.approve_change": "通过信息变更", "registry.reject_change": "驳回信息变更",
}
