"""Community services (社区服务): the service catalogue (事项清单), applications (办件), the hall
queue (取号叫号) and proxy services (双代). Issue 14.

Public entry points for other apps (kiosk, portal) — stable signatures, keyword-only:

    from gridgov.services.actions import submit_application, take_ticket, rate_application

    app = submit_application(
        actor=request.user,          # the signed-in clerk / party member, or the anonymous
                                     # visitor on kiosk and web (the caller has identified `person`)
        item=service_item,           # services.ServiceItem; its current version is used and kept
        person=person,               # registry.Person, the applicant
        channel="kiosk",             # "counter" | "kiosk" | "web" | "proxy" (must be allowed by the item)
        answers={"phone": "138…"},   # {field key: value} for the item's form fields
        files=(("m1", upload), …),   # (material or file-field key, uploaded image) pairs
        materials=("m1",),           # keys of paper materials received at the counter
        community_code="",           # 12-digit community; default: the person's community
        proxy_member=None,           # party.PartyMember filing on the person's behalf (channel proxy)
        device=None,                 # the kiosk device (stored by its pk) for channel kiosk
    ) -> Application                 # .number contains the community code; .get_absolute_url()

    Raises django ValidationError (message_dict) with Chinese messages:
      "eligibility": ["不符合“高龄津贴申领”的办理条件：年龄须满 80 周岁（申请人 72 周岁）"],
      "answers.<key>": "请填写“…”", "materials.<key>": "缺少申请材料“…”", "channel": …
    and nothing is written.

    ticket = take_ticket(actor=..., group=service_group, channel="kiosk"|"reception"|"appointment",
                         device=None, person=None, priority=False) -> Ticket   # ticket.number "A012"

    rate_application(actor=..., application=app, level=1..5, efficiency=1..5, quality=1..5,
                     attitude=1..5, comment="", channel="kiosk")   # 好差评, once per application

    correct_application_online(actor=request.user, application=app, files=(("m3", upload), …))
        # 补正 from the website: the applicant or an authorised family member (portal.access
        # `acting_for`) uploads every missing material; anyone else gets Http404; the item must
        # accept the web channel; a bad picture raises "materials.<key>" and nothing is written.

Reads: `services.queries.status_for_public(number)` for the status page the receipt's QR links to.
"""
