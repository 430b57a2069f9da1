"""The objection form of a pilot's public page. It only shapes the input: publicity's
``file_objection`` checks it (required fields, lengths, the contact, the attachment's
content and size) and says why it refuses, at the field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from publicity.objections import CONTACT_MAX_LENGTH, GROUNDS_MAX_LENGTH, NAME_MAX_LENGTH


class ObjectionForm(forms.Form):
    name = forms.CharField(
        label=_("姓名或单位名称"), required=False,
        widget=forms.TextInput(attrs={"maxlength": NAME_MAX_LENGTH, "required": True,
                                      "autocomplete": "name"}))
    contact = forms.CharField(
        label=_("联系方式(手机号码、固定电话或电子邮箱)"), required=False,
        help_text=_("仅市生态环境局核实情况时使用，不会公开。"),
        widget=forms.TextInput(attrs={"maxlength": CONTACT_MAX_LENGTH, "required": True}))
    grounds = forms.CharField(
        label=_("异议内容及理由"), required=False,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": GROUNDS_MAX_LENGTH,
                                     "required": True}))
    attachment = forms.FileField(label=_("证明材料(可选)"), required=False,
                                 help_text=_("PDF、JPG或PNG文件。"),
                                 widget=forms.ClearableFileInput(
                                     attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grounds"].help_text = _("请写明异议的具体事实和理由，最多%(max)s字。") % {
            "max": GROUNDS_MAX_LENGTH}

    def apply_errors(self, fields: dict) -> None:
        """The service's refusals, each at its field (one it does not know: at the top)."""
        for name, messages in fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
