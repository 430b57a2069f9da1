"""The events of pilots' own records that are not transitions, as the history words them."""
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .registry import register_event

CONSULTANT_INVITED = "consultant_invited"
CONSULTANT_REMOVED = "consultant_removed"
ATTACHMENT_ADDED = "attachment_added"
ATTACHMENT_REMOVED = "attachment_removed"
ATTACHMENT_DOWNLOADED = "attachment_downloaded"


def _consultant(data):
    lines = [_("专业机构用户：%(name)s") % {"name": data.get("name", "")}]
    if data.get("may_submit"):
        lines.append(_("可代为提交"))
    return lines


def _attachment(data):
    size = data.get("size")
    text = data.get("name", "")
    if isinstance(size, int):
        text = f"{text}（{filesizeformat(size)}）"
    return [_("附件：%(name)s") % {"name": text}]


register_event(CONSULTANT_INVITED, gettext_lazy("邀请专业机构"), _consultant)
register_event(CONSULTANT_REMOVED, gettext_lazy("撤销专业机构邀请"), _consultant)
register_event(ATTACHMENT_ADDED, gettext_lazy("上传附件"), _attachment)
register_event(ATTACHMENT_REMOVED, gettext_lazy("删除附件"), _attachment)
register_event(ATTACHMENT_DOWNLOADED, gettext_lazy("下载附件"), _attachment)
