"""Demo data of the kiosk app: two terminals in the first community (丹阳街道 preferred) and
the policy library (`demo_policies.POLICIES`, published by the district). Deterministic for a
seed; the summary carries the two enrolment links (the keys exist only there)."""

import datetime
import random

from django.db import transaction

from gridgov.core import clock
from gridgov.divisions.models import Division

from . import device as auth
from .actions.policies import _index, sanitise
from .choices import PolicyStatus
from .demo_policies import POLICIES
from .models import KioskDevice, PolicyDocument


def _community():
    qs = Division.objects.filter(level=3).order_by("code")
    return qs.filter(parent__name__contains="丹阳").first() or qs.first()


def generate(scale=None, seed=1, progress=None):
    rng = random.Random(seed)
    community = _community()
    if community is None:
        return {"kiosks": 0, "policies": 0}
    district = Division.objects.districts().order_by("code").first()
    now = clock.now()
    links = []
    with transaction.atomic():
        names = (("党群服务中心自助终端", "党群服务中心一楼大厅"), ("24小时自助服务亭", "社区广场东侧"))
        KioskDevice.objects.filter(community=community, name__in=[community.name + n for n, _ in names]).delete()
        for i, (name, place) in enumerate(names):
            key, prefix, digest = auth.new_key()
            KioskDevice.objects.create(
                community=community, division_code=community.code, name=f"{community.name}{name}", location=place,
                key_prefix=prefix, key_hash=digest, key_issued_at=now, created_at=now, enrolled_at=now,
                last_seen_at=now - datetime.timedelta(minutes=rng.randint(0, 3) if i == 0 else 45))
            links.append(f"/kiosk/enrol/#k={key}")
        PolicyDocument.objects.filter(division_code=district.code, title__in=[p[1] for p in POLICIES]).delete()
        rows = []
        for category, title, number, issuer, issued, summary, paragraphs in POLICIES:
            issued_on = datetime.date.fromisoformat(issued)
            p = PolicyDocument(
                division_code=district.code, title=title, doc_number=number, issuer=issuer, issued_on=issued_on,
                category=category, summary=summary, body=sanitise("".join(f"<p>{t}</p>" for t in paragraphs)),
                valid_from=issued_on, status=PolicyStatus.PUBLISHED, published_at=now, updated_at=now)
            _index(p)
            rows.append(p)
        PolicyDocument.objects.bulk_create(rows)
    if progress:
        progress(f"自助终端：2 台（{community.name}），政策文件 {len(rows)} 篇；在终端的浏览器打开下面的登记链接"
                 f"（密钥只显示这一次，也可在 社区服务 → 自助终端 重新签发）：")
        for link in links:
            progress(f"  {link}")
    return {"kiosks": 2, "policies": len(rows), "enrol": links}
