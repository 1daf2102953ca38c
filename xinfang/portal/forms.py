"""The public forms: parse and check what a citizen typed, in Chinese; no writes here."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from xinfang.cases.models import Category, Satisfaction, Topic
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.orgs.models import Organisation
from xinfang.people.identity import check_email, check_id_number, check_phone
from xinfang.portal.selectors import Options, org_options, topic_choices

CATEGORY_HELP = {
    Category.SUGGESTION: "对政府工作提出建议、意见",
    Category.ACCUSATION: "检举、控告公职人员或单位的违法违纪行为",
    Category.APPEAL: "反映自身合法权益受到侵害，请求解决具体问题",
}


def error_text(code: ErrorCode) -> str:
    return XinfangError(code).message


def add_classes(form: forms.BaseForm) -> None:
    """Bootstrap needs a class on every widget; set once here, not in every template."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def mark_invalid(form: forms.BaseForm) -> None:
    """aria-invalid and the error's id on every field with an error (called once all errors are
    in, just before rendering), so a screen reader says which field to correct and why."""
    if not form.is_bound:
        return
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"error-{name}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the view (cases.uploads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.doc,.docx,.xls,.xlsx"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


# The HTML of each option list, by the identity of the (cached) list it was built from.
_OPTIONS_HTML: dict[int, tuple[Options, str]] = {}


def _options_html(options: Options) -> str:
    hit = _OPTIONS_HTML.get(id(options))
    if hit is not None and hit[0] is options:
        return hit[1]
    parts = []
    for value, label in options:
        if isinstance(label, list):
            inner = "".join(format_html('<option value="{}">{}</option>', v, text) for v, text in label)
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', value, mark_safe(inner)))  # noqa: S308
        else:
            parts.append(format_html('<option value="{}">{}</option>', value, label))
    if len(_OPTIONS_HTML) > 16:
        _OPTIONS_HTML.clear()
    html = "".join(parts)
    _OPTIONS_HTML[id(options)] = (options, html)
    return html


class FastSelect(forms.Select):
    """A <select> of hundreds of options (the topic tree, the organisation tree) built into HTML
    once per version of its data, not through one template per option on every request: the
    public form stays fast under load. The form sets `option_list` from the selectors' caches."""

    def __init__(self, empty_label: str) -> None:
        super().__init__()
        self.empty_label = empty_label
        self.option_list: Options = []

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        html = _options_html(self.option_list)
        if value not in (None, "", []):
            chosen = value[0] if isinstance(value, list | tuple) else value
            marker = format_html('<option value="{}">', chosen)
            html = html.replace(marker, marker[:-1] + " selected>", 1)
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        empty = format_html('<option value="">{}</option>', self.empty_label)
        return format_html("<select{}>{}{}</select>", flatatt(final), empty, mark_safe(html))  # noqa: S308


class CaptchaFields(forms.Form):
    captcha_id = forms.CharField(widget=forms.HiddenInput, required=False)
    captcha_answer = forms.CharField(
        label="验证码",
        max_length=12,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text="请输入图中的5个字母或数字，不区分大小写；看不清可点“换一张”。",
    )


class SubmissionForm(CaptchaFields):
    name = forms.CharField(
        label="姓名", max_length=50, required=False, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label="身份证号码",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="联系电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text="手机号码或固定电话。查询办理进度时需要输入它的后4位。",
    )
    address = forms.CharField(
        label="住址",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    email = forms.CharField(
        label="电子邮箱",
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text="可不填。填写后，办理进展也会发送到这个邮箱。",
    )
    category = forms.ChoiceField(
        label="信访事项类别",
        choices=[(value, f"{label}：{CATEGORY_HELP[Category(value)]}") for value, label in Category.choices],
        widget=forms.RadioSelect,
    )
    # Checked against the topic tree in clean_topic, not against a list of 500-odd choices.
    topic = forms.IntegerField(label="内容分类", widget=FastSelect("请选择内容分类"))
    place_region = forms.ModelChoiceField(
        label="问题发生地",
        queryset=Organisation.objects.none(),
        widget=FastSelect("请选择问题发生的地区"),
    )
    place_address = forms.CharField(
        label="详细地点", max_length=200, required=False, help_text="如：某小区5幢、某村某组、某路口"
    )
    accused = forms.CharField(label="被反映人或单位", max_length=200, required=False)
    accused_org = forms.ModelChoiceField(
        label="被反映单位（检举控告时，如在列表中请选择）",
        queryset=Organisation.objects.all(),
        required=False,
        widget=FastSelect("（不在列表中或不涉及）"),
    )
    title = forms.CharField(label="标题", max_length=100, help_text="用一句话概括您反映的问题")
    facts = forms.CharField(
        label="事实与理由",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="事情发生的时间、地点、经过，以及已经向哪些部门反映过。",
    )
    request = forms.CharField(
        label="信访诉求",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="希望解决什么问题",
    )
    attachments = MultipleFileField(label="附件（可选）")
    confirm_guidance = forms.BooleanField(
        label="我已阅读网上信访须知，所反映的事项不属于应当通过诉讼、仲裁、行政复议等法定途径解决的事项，"
        "所填内容真实。",
        required=False,
    )
    form_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        places, units = org_options()
        self.fields["topic"].widget.option_list = topic_choices()  # type: ignore[attr-defined]
        self.fields["place_region"].widget.option_list = places  # type: ignore[attr-defined]
        self.fields["accused_org"].widget.option_list = units  # type: ignore[attr-defined]
        self.fields["place_region"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[pk for pk, _ in places]
        )
        self.fields["request"].error_messages["required"] = error_text(ErrorCode.REQUEST_REQUIRED)
        self.fields["place_region"].error_messages["required"] = error_text(ErrorCode.REGION_UNKNOWN)
        self.fields["category"].error_messages["required"] = error_text(ErrorCode.CATEGORY_UNKNOWN)
        self.fields["topic"].error_messages["required"] = error_text(ErrorCode.TOPIC_UNKNOWN)
        self.fields["topic"].error_messages["invalid"] = error_text(ErrorCode.TOPIC_UNKNOWN)
        self.fields["place_region"].error_messages["invalid_choice"] = error_text(ErrorCode.REGION_UNKNOWN)
        add_classes(self)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(error_text(ErrorCode.PORTAL_NAME_REQUIRED))
        return name

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"].strip()
        if not raw:
            raise ValidationError(error_text(ErrorCode.PORTAL_ID_NUMBER_REQUIRED))
        try:
            return check_id_number(raw)
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"].strip()
        if not raw:
            raise ValidationError(error_text(ErrorCode.PORTAL_PHONE_REQUIRED))
        try:
            return check_phone(raw)
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None

    def clean_email(self) -> str:
        raw = self.cleaned_data["email"].strip()
        if not raw:
            return ""
        try:
            return check_email(raw)
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None

    def clean_topic(self) -> Topic:
        topic = Topic.objects.filter(pk=self.cleaned_data["topic"], level=3).first()
        if topic is None:
            raise ValidationError(error_text(ErrorCode.TOPIC_UNKNOWN))
        return topic

    def clean_facts(self) -> str:
        facts: str = self.cleaned_data["facts"].strip()
        if not facts:
            raise ValidationError(error_text(ErrorCode.PORTAL_FACTS_REQUIRED))
        return facts

    def clean_confirm_guidance(self) -> bool:
        if not self.cleaned_data["confirm_guidance"]:
            raise ValidationError(error_text(ErrorCode.PORTAL_GUIDANCE_NOT_CONFIRMED))
        return True


_FOUR_DIGITS = re.compile(r"^\d{4}$")


class LookupForm(CaptchaFields):
    code = forms.CharField(
        label="查询码",
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text="提交信访时页面显示的20位查询码，如 ABCD-1234-EFGH-5678-JKMN",
    )
    phone_last4 = forms.CharField(
        label="联系电话后4位",
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d{4}"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].error_messages["required"] = error_text(ErrorCode.PORTAL_LOOKUP_INVALID)
        self.fields["phone_last4"].error_messages["required"] = error_text(
            ErrorCode.PORTAL_PHONE_DIGITS_FORMAT
        )
        add_classes(self)

    def clean_phone_last4(self) -> str:
        digits: str = self.cleaned_data["phone_last4"].strip()
        if not _FOUR_DIGITS.match(digits):
            raise ValidationError(error_text(ErrorCode.PORTAL_PHONE_DIGITS_FORMAT))
        return digits


class RatingForm(forms.Form):
    level = forms.ChoiceField(
        label="您对办理结果的评价", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见（可选）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].error_messages["required"] = error_text(ErrorCode.RATING_LEVEL_INVALID)
        add_classes(self)


class AppealForm(forms.Form):
    grounds = forms.CharField(
        label="申请理由",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="请写明不服处理意见的理由",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grounds"].error_messages["required"] = error_text(ErrorCode.REASON_REQUIRED)
        add_classes(self)
