"""Who sees which care rows (docs/architecture.md §4, “Reads go through one access chokepoint”, ADR on the care app).

Staff see rows by division prefix, as everywhere. Two kinds of account are narrowed further,
inside `visible_to` itself so no view can forget it:

- a *provider account* (a user linked to a provider by `ProviderMember`) sees only its own
  provider's rows, whatever its role's division says;
- a *resident account* sees only the orders and appointments of the persons it may act for
  (itself and the relatives who authorised it), and no staff rows at all.
"""

from gridgov.core.access import ScopedManager, ScopedQuerySet


def provider_ids(user):
    """The providers `user` works for, or None for an account that is not a provider account.
    Cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__
    if "_care_providers" not in cache:
        from .models import ProviderMember

        ids = list(ProviderMember.objects.filter(user_id=user.pk, is_active=True).values_list("provider_id", flat=True))
        cache["_care_providers"] = ids or (
            [] if getattr(user, "kind", "staff") == "provider" else None)
    return cache["_care_providers"]


def resident_person_ids(user):
    """The registry persons a resident account may act for, or None for a non-resident account."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "kind", "staff") != "resident":
        return None
    cache = user.__dict__
    if "_care_persons" not in cache:
        from .residents import persons_for

        cache["_care_persons"] = [p.pk for p in persons_for(user)]
    return cache["_care_persons"]


class CareQuerySet(ScopedQuerySet):
    """`provider_path`: the lookup from the row to its provider's id ("id" on Provider itself);
    `person_path`: the lookup to the person a resident sees the row through (None: residents see
    none of these rows through `visible_to`)."""

    provider_path = "provider_id"
    person_path = None

    def visible_to(self, user, action="view"):
        persons = resident_person_ids(user)
        if persons is not None:
            if self.person_path is None or action != "view":
                return self.none()
            return self.filter(**{f"{self.person_path}__in": persons})
        qs = super().visible_to(user, action)
        providers = provider_ids(user)
        if providers is not None:
            qs = qs.filter(**{f"{self.provider_path}__in": providers})
        return qs


class ProviderScoped(CareQuerySet):
    pass


class ProviderSelf(CareQuerySet):
    provider_path = "id"


class DoctorScoped(CareQuerySet):
    provider_path = "doctor__provider_id"


class OrderScoped(CareQuerySet):
    person_path = "person_id"


class AppointmentScoped(CareQuerySet):
    provider_path = "doctor__provider_id"
    person_path = "person_id"


class SigningScoped(CareQuerySet):
    provider_path = "doctor__provider_id"
    person_path = "person_id"


def manager(qs_class):
    return ScopedManager.from_queryset(qs_class)()
