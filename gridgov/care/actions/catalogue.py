"""Writes of the staff side: providers and their accounts, service items, subsidy rules,
doctors and schedules (docs/architecture.md §4, “Writes go through actions”)."""

from django.core.exceptions import PermissionDenied, ValidationError

from gridgov.core import audit, clock
from gridgov.core.access import require
from gridgov.core.actors import action
from gridgov.divisions.choices import Level

from ..choices import ProviderKind
from ..models import Doctor, Provider, ProviderMember, Schedule, ServiceItem, SubsidyRule
from ..scoping import provider_ids
from .common import create, require_provider_side, update

PROVIDER_FIELDS = ["kind", "name", "contact", "phone", "address", "service_hours", "licence", "is_active", "note"]
ITEM_FIELDS = ["category", "name", "unit", "price_fen", "minutes", "description", "is_active", "sort"]
RULE_FIELDS = ["name", "min_age", "monthly_minutes", "categories", "is_active", "note"]
DOCTOR_FIELDS = ["name", "title", "specialty", "is_family_doctor", "open_days_ahead", "signed_days_ahead", "is_active"]
SCHEDULE_FIELDS = ["weekday", "start", "end", "capacity", "is_active"]


@action
def save_provider(*, actor, community=None, provider=None, data):
    """Register a provider with a community (物业公司, 维修服务, 养老服务, 商家, 卫生服务站) or edit one."""
    if provider is not None:
        return update(actor, provider, data, PROVIDER_FIELDS, "care.change_provider", "care.save_provider")
    if community is None or community.level != Level.COMMUNITY:
        raise ValidationError({"community": "请选择一个社区"})
    obj = Provider(community=community, division_code=community.code, created_at=clock.now())
    return create(actor, obj, data, PROVIDER_FIELDS, "care.add_provider", "care.save_provider")


@action
def add_provider_account(*, actor, provider, username, full_name, password):
    """Open a provider account (服务商账号) for a provider: an account of kind `provider` holding
    only the provider role over the provider's community, linked to the provider so it sees
    only its own orders."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    from gridgov.accounts.models import Role, RoleAssignment

    require(actor, "care.add_providermember", provider.division_code)
    User = get_user_model()
    username = (username or "").strip()
    if not username or User.objects.filter(username=username).exists():
        raise ValidationError({"username": "用户名为空或已被使用"})
    validate_password(password)
    user = User(username=username, full_name=(full_name or "").strip()[:50])
    if hasattr(user, "kind"):
        user.kind = "provider"
    user.set_password(password)
    user.save()
    role = Role.objects.filter(code="provider").first()
    if role is None:
        raise ValidationError("缺少“服务商”角色，请先运行 gridgov setup_platform")
    RoleAssignment.objects.create(user=user, role=role, division=provider.community)
    member = ProviderMember.objects.create(provider=provider, user=user, created_at=clock.now())
    audit.record(actor, "care.add_provider_account", member, after={"provider": provider.pk, "username": username},
                 division_code=provider.division_code)
    return member


@action
def save_item(*, actor, provider=None, item=None, data):
    """Add or edit a priced item of a provider; provider accounts keep their own catalogue."""
    if item is not None:
        require_provider_side(actor, item.provider, "care.change_serviceitem", item.division_code)
        return update(actor, item, data, ITEM_FIELDS, "care.change_serviceitem", "care.save_item")
    require_provider_side(actor, provider, "care.add_serviceitem", provider.division_code)
    if provider.kind == ProviderKind.HEALTH:
        raise ValidationError("卫生服务站以医生排班提供预约，不设价目")
    obj = ServiceItem(provider=provider, division_code=provider.division_code)
    return create(actor, obj, data, ITEM_FIELDS, "care.add_serviceitem", "care.save_item")


@action
def save_subsidy_rule(*, actor, division=None, rule=None, data, required_tags=None):
    """Add or edit a subsidy rule (data): age and/or care tags, monthly minutes, categories."""
    if provider_ids(actor) is not None:
        raise PermissionDenied("服务商账号不能修改补贴规则")
    if rule is not None:
        obj = update(actor, rule, data, RULE_FIELDS, "care.change_subsidyrule", "care.save_subsidy_rule")
    else:
        if division is None:
            raise ValidationError({"division": "请选择适用区划"})
        obj = SubsidyRule(division=division, division_code=division.code)
        obj = create(actor, obj, data, RULE_FIELDS, "care.add_subsidyrule", "care.save_subsidy_rule")
    if required_tags is not None:
        obj.required_tags.set(required_tags)
    if not obj.min_age and not obj.required_tags.exists():
        raise ValidationError("补贴规则须至少规定年龄或关爱人群标签之一")
    return obj


@action
def save_doctor(*, actor, provider=None, doctor=None, data):
    if doctor is not None:
        return update(actor, doctor, data, DOCTOR_FIELDS, "care.change_doctor", "care.save_doctor")
    if provider.kind != ProviderKind.HEALTH:
        raise ValidationError({"provider": "医生须属于社区卫生服务站"})
    obj = Doctor(provider=provider, division_code=provider.division_code)
    return create(actor, obj, data, DOCTOR_FIELDS, "care.add_doctor", "care.save_doctor")


@action
def save_schedule(*, actor, doctor=None, schedule=None, data):
    """Add or edit a weekly sitting. A lower capacity applies to dates not yet opened."""
    if schedule is not None:
        return update(actor, schedule, data, SCHEDULE_FIELDS, "care.change_schedule", "care.save_schedule")
    obj = Schedule(doctor=doctor, division_code=doctor.division_code)
    return create(actor, obj, data, SCHEDULE_FIELDS, "care.add_schedule", "care.save_schedule")
