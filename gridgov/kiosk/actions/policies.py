"""The policy library: staff save, publish and withdraw documents and their attachments."""

from django.core.exceptions import ValidationError

from gridgov.core import audit, clock, richtext
from gridgov.core.access import ensure_visible, require
from gridgov.core.actors import action
from gridgov.core.widgets import pinyin_keys

from ..choices import PolicyStatus
from ..models import SEARCH_TEXT, PolicyAttachment, PolicyDocument

POLICY_FIELDS = ["title", "doc_number", "issuer", "issued_on", "category", "summary", "body", "valid_from",
                 "valid_to"]
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_KINDS = {"pdf": b"%PDF-", "xlsx": b"PK\x03\x04", "docx": b"PK\x03\x04"}


def sanitise(html):
    """The rich-text body: text structure only, no links, images or attributes (core.richtext)."""
    return richtext.clean(html, links=False)


def _index(policy):
    policy.initials = pinyin_keys(policy.title).split(" ")[0][:200]
    policy.search_text = " ".join([policy.title, policy.doc_number, policy.issuer, policy.summary,
                                   richtext.plain_text(policy.body)]).lower()[:SEARCH_TEXT]


@action
def save_policy(*, actor, data, division=None, policy=None):
    """Create (in `division`: the district, a street or a community) or edit a document."""
    if policy is None:
        if division is None:
            raise ValidationError({"division": "请选择发布范围"})
        policy = PolicyDocument(division_code=division.code)
        perm, before = "kiosk.add_policydocument", None
    else:
        perm, before = "kiosk.change_policydocument", audit.snapshot(policy, POLICY_FIELDS)
    require(actor, perm, policy.division_code)
    for name in POLICY_FIELDS:
        if name in data:
            setattr(policy, name, data[name])
    policy.body = sanitise(policy.body)
    for name, label in (("title", "标题"), ("issuer", "发文机关")):
        if not (getattr(policy, name) or "").strip():
            raise ValidationError({name: f"请填写{label}"})
    if not policy.issued_on:
        raise ValidationError({"issued_on": "请填写发文日期"})
    if policy.valid_from and policy.valid_to and policy.valid_to < policy.valid_from:
        raise ValidationError({"valid_to": "失效日期不能早于生效日期"})
    _index(policy)
    policy.updated_at, policy.updated_by = clock.now(), actor
    policy.full_clean()
    policy.save()
    after = audit.snapshot(policy, ["title", "doc_number", "issuer", "issued_on", "category", "valid_from",
                                    "valid_to"])
    if before is None:
        audit.record(actor, "kiosk.save_policy", policy, after=after)
    else:
        b, a = audit.diff({k: v for k, v in before.items() if k in after}, after)
        audit.record(actor, "kiosk.save_policy", policy, before=b, after=a)
    ensure_visible(actor, policy)
    return policy


@action
def publish_policy(*, actor, policy):
    require(actor, "kiosk.publish_policydocument", policy.division_code)
    if policy.status == PolicyStatus.PUBLISHED:
        raise ValidationError("该文件已发布")
    policy.status, policy.published_at = PolicyStatus.PUBLISHED, clock.now()
    policy.save(update_fields=["status", "published_at"])
    audit.record(actor, "kiosk.publish_policy", policy, after={"status": policy.status})
    return policy


@action
def withdraw_policy(*, actor, policy, reason=""):
    require(actor, "kiosk.publish_policydocument", policy.division_code)
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError("只有已发布的文件可以撤回")
    policy.status = PolicyStatus.WITHDRAWN
    policy.save(update_fields=["status"])
    audit.record(actor, "kiosk.withdraw_policy", policy, after={"status": policy.status}, reason=reason)
    return policy


@action
def add_policy_attachment(*, actor, policy, title, upload):
    """Attach a PDF, DOCX or XLSX file (checked by its first bytes, at most 20 MB)."""
    require(actor, "kiosk.change_policydocument", policy.division_code)
    if upload is None:
        raise ValidationError({"file": "请选择文件"})
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": "文件不能超过 20 MB"})
    ext = (upload.name.rsplit(".", 1)[-1] if "." in upload.name else "").lower()
    head = upload.read(8)
    upload.seek(0)
    if ext not in ATTACHMENT_KINDS or not head.startswith(ATTACHMENT_KINDS[ext]):
        raise ValidationError({"file": "附件须为 PDF、DOCX 或 XLSX 文件"})
    title = (title or "").strip() or upload.name.rsplit(".", 1)[0]
    item = PolicyAttachment(policy=policy, title=title[:120], uploaded_at=clock.now())
    item.file.save(f"a.{ext}", upload, save=False)
    item.save()
    audit.record(actor, "kiosk.add_policy_attachment", policy, after={"attachment": item.title})
    return item


@action
def remove_policy_attachment(*, actor, attachment):
    policy = attachment.policy
    require(actor, "kiosk.change_policydocument", policy.division_code)
    audit.record(actor, "kiosk.remove_policy_attachment", policy, before={"attachment": attachment.title})
    attachment.file.delete(save=False)
    attachment.delete()
