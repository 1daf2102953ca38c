"""Staff forms: parse and validate what a person typed, in Chinese; no writes here."""

import re
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from xinfang.cases import states
from xinfang.cases.models import Category, Channel, PartyRole, Topic
from xinfang.cases.selectors import SORTS, LedgerFilter
from xinfang.core.errors import ErrorCode, XinfangError
from xinfang.leaders.models import ReceptionDay
from xinfang.leaders.selectors import reception_days_for_registration
from xinfang.orgs.models import Organisation, User
from xinfang.orgs.scoping import orgs_in_scope, regions_in_scope
from xinfang.orgs.throttle import check_login_allowed, do_clear_login_failures, do_record_login_failure
from xinfang.people.actions import PetitionerInput
from xinfang.people.identity import check_email, check_id_number, check_phone

DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]


def add_bootstrap_classes(form: forms.BaseForm) -> None:
    """Bootstrap needs a class on every widget; set it once here, not in every template."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; behind a trusted reverse proxy, the last address it added."""
    remote = request.META.get("REMOTE_ADDR")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in settings.TRUSTED_PROXIES and forwarded:
        return forwarded.split(",")[-1].strip() or remote
    return remote


class ThrottledLoginMixin:
    """Counts failed logins per user name and address; shared by the staff and the admin login."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]
    user_cache: Any

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request) if self.request else None
        try:
            check_login_allowed(username, ip)
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None
        try:
            cleaned: dict[str, Any] = super().clean()  # type: ignore[misc]
        except ValidationError:
            do_record_login_failure(username, ip)
            raise
        if self.user_cache is None:
            # An incomplete form (an empty password) is a failure too, never a reset.
            do_record_login_failure(username, ip)
        else:
            do_clear_login_failures(username)
        return cleaned


LOGIN_ERROR_MESSAGES: dict[str, Any] = {
    "invalid_login": XinfangError(ErrorCode.LOGIN_INVALID).message,
    "inactive": XinfangError(ErrorCode.ACCOUNT_INACTIVE).message,
}


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = LOGIN_ERROR_MESSAGES


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    error_messages = {**AdminAuthenticationForm.error_messages, **LOGIN_ERROR_MESSAGES}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the view, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:  # type: ignore[override]
        return "\u3000" * max(0, obj.depth - 2) + obj.name


def topic_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Level-3 topics grouped under "一级 › 二级" for one <select>."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for topic in Topic.objects.filter(level=3).select_related("parent__parent").order_by("full_name"):
        assert topic.parent is not None
        groups.setdefault(topic.parent.full_name, []).append((topic.pk, topic.name))
    return list(groups.items())


class RegistrationForm(forms.Form):
    channel = forms.ChoiceField(label="信访形式", choices=Channel.choices)
    received_at = forms.DateTimeField(
        label="收到时间",
        input_formats=DATETIME_INPUT_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    category = forms.ChoiceField(label="问题性质", choices=Category.choices)
    topic = forms.TypedChoiceField(label="内容分类", coerce=int)
    place_region = OrgChoiceField(
        label="问题发生地", queryset=Organisation.objects.none(), empty_label="请选择"
    )
    place_address = forms.CharField(label="详细地点", max_length=200, required=False)
    accused = forms.CharField(label="被反映人/单位", max_length=200, required=False)
    accused_org = OrgChoiceField(
        label="被反映单位（系统内）",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="（无）",
    )
    title = forms.CharField(label="标题", max_length=200)
    facts = forms.CharField(label="事实与理由", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    request = forms.CharField(label="信访诉求", widget=forms.Textarea(attrs={"rows": 3}))
    head_count = forms.IntegerField(label="人数", initial=1, min_value=1, max_value=9999)
    handed_down_from = forms.CharField(label="交办/转送机关", max_length=100, required=False)
    handed_down_doc_no = forms.CharField(label="交办文号", max_length=60, required=False)
    reception_leader = forms.CharField(label="接待领导", max_length=50, required=False)
    # 领导接待日: the day the case was received at; the view links them after registration.
    reception_day = forms.ModelChoiceField(
        label="领导接待日",
        queryset=ReceptionDay.objects.none(),
        required=False,
        empty_label="（不关联接待日）",
    )
    letter_sender_postmark = forms.CharField(label="来信邮戳/寄出地", max_length=100, required=False)
    source_reference = forms.CharField(
        label="来源编号（来电工单号、网上信访编号等）", max_length=100, required=False
    )
    attachments = MultipleFileField(label="附件（图片、PDF、Word、Excel）")
    submission_token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "请选择内容分类"), *topic_choices()]  # type: ignore[attr-defined]
        self.fields["place_region"].queryset = regions_in_scope(user)  # type: ignore[attr-defined]
        # Any unit can be accused, also one above or beside the registrar: the accused
        # unit must be recorded for the confidentiality rule to hide the case from it.
        self.fields["accused_org"].queryset = Organisation.objects.order_by("path")  # type: ignore[attr-defined]
        self.fields["reception_day"].queryset = reception_days_for_registration(user)  # type: ignore[attr-defined]
        self.fields["request"].error_messages["required"] = XinfangError(ErrorCode.REQUEST_REQUIRED).message
        add_bootstrap_classes(self)

    def clean_received_at(self) -> datetime:
        value: datetime = self.cleaned_data["received_at"]
        return value if timezone.is_aware(value) else timezone.make_aware(value)

    def clean_topic(self) -> Topic:
        topic = Topic.objects.filter(pk=self.cleaned_data["topic"], level=3).first()
        if topic is None:
            raise ValidationError(XinfangError(ErrorCode.TOPIC_UNKNOWN).message)
        return topic

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("reception_day")
        if day is not None:
            if cleaned.get("channel") != Channel.LEADER_RECEPTION:
                self.add_error("reception_day", XinfangError(ErrorCode.RECEPTION_CASE_CHANNEL).message)
            elif not (cleaned.get("reception_leader") or "").strip():
                # The day names its leader: no need to type the name again.
                cleaned["reception_leader"] = str(day.leader)
        return cleaned


PHONE_SPLIT = re.compile(r"[,，;；、\s]+")


class PetitionerForm(forms.Form):
    role = forms.ChoiceField(label="身份", choices=PartyRole.choices, initial=PartyRole.PRINCIPAL)
    is_anonymous = forms.BooleanField(label="匿名", required=False)
    name = forms.CharField(label="姓名", max_length=50, required=False)
    id_number = forms.CharField(label="身份证号", max_length=30, required=False)
    phones = forms.CharField(label="联系电话", max_length=100, required=False, help_text="多个号码用逗号分隔")
    address = forms.CharField(label="住址", max_length=200, required=False)
    email = forms.CharField(
        label="电子邮箱", max_length=254, required=False, help_text="可不填；填写后办理进展也发送到邮箱"
    )
    region = OrgChoiceField(
        label="户籍/居住地", queryset=Organisation.objects.none(), required=False, empty_label="（未填）"
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["region"].queryset = regions_in_scope(user)  # type: ignore[attr-defined]
        add_bootstrap_classes(self)

    def clean_id_number(self) -> str:
        raw = self.cleaned_data["id_number"].strip()
        if not raw:
            return ""
        try:
            return check_id_number(raw)
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None

    def clean_phones(self) -> list[str]:
        phones = []
        for raw in PHONE_SPLIT.split(self.cleaned_data["phones"].strip()):
            if raw:
                try:
                    phones.append(check_phone(raw))
                except XinfangError as error:
                    raise ValidationError(str(error), code=error.code.value) from None
        return phones

    def clean_email(self) -> str:
        raw = self.cleaned_data["email"].strip()
        if not raw:
            return ""
        try:
            return check_email(raw)
        except XinfangError as error:
            raise ValidationError(str(error), code=error.code.value) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        identity_given = any(
            cleaned.get(name) for name in ("name", "id_number", "phones", "address", "email")
        )
        if cleaned.get("is_anonymous") and identity_given:
            # Nothing typed is dropped silently: the registrar decides which it is.
            self.add_error("is_anonymous", XinfangError(ErrorCode.ANONYMOUS_WITH_IDENTITY).message)
        if not cleaned.get("is_anonymous") and not (cleaned.get("name") or "").strip() and self.has_changed():
            self.add_error("name", XinfangError(ErrorCode.NAME_REQUIRED).message)
        return cleaned

    def to_input(self) -> tuple[PetitionerInput, str]:
        data = self.cleaned_data
        if data.get("is_anonymous"):
            return PetitionerInput(is_anonymous=True), data["role"]
        return (
            PetitionerInput(
                name=data["name"].strip(),
                id_number=data["id_number"],
                phones=data["phones"],
                address=data["address"].strip(),
                email=data["email"],
                region=data.get("region"),
            ),
            data["role"],
        )


class BasePetitionerFormSet(forms.BaseFormSet):
    def filled_forms(self) -> list[PetitionerForm]:
        return [form for form in self.forms if form.has_changed() and form.is_valid()]  # type: ignore[misc]


PetitionerFormSet = forms.formset_factory(
    PetitionerForm, formset=BasePetitionerFormSet, extra=1, max_num=60, validate_max=True
)


def error_field_for(error: XinfangError, form: RegistrationForm) -> str | None:
    return error.field if error.field in form.fields else None


class LedgerFilterForm(forms.Form):
    date_from = forms.DateField(
        label="收到日期自", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.MultipleChoiceField(
        label="信访形式", choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.MultipleChoiceField(
        label="问题性质", choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.MultipleChoiceField(
        label="状态", choices=states.CHOICES, required=False, widget=forms.SelectMultiple(attrs={"size": 4})
    )
    topic = forms.TypedChoiceField(label="内容分类", coerce=int, required=False, empty_value=None)
    region = OrgChoiceField(
        label="问题发生地", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    unit = OrgChoiceField(
        label="单位", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    responsible = OrgChoiceField(
        label="责任单位", queryset=Organisation.objects.none(), required=False, empty_label="全部"
    )
    unassigned = forms.BooleanField(label="尚无责任单位", required=False)
    region_exact = forms.BooleanField(label="仅限本级", required=False)
    collective = forms.NullBooleanField(
        label="集体访",
        required=False,
        widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )
    repeat = forms.NullBooleanField(
        label="重复信访",
        required=False,
        widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )
    skip_level = forms.NullBooleanField(
        label="越级访",
        required=False,
        widget=forms.Select(choices=[("", "全部"), ("true", "是"), ("false", "否")]),
    )
    q = forms.CharField(label="全文检索", required=False, max_length=100)
    petitioner = forms.CharField(
        label="信访人",
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"placeholder": "姓名 / 完整身份证号 / 电话"}),
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[
            ("-received_at", "收到时间（新→旧）"),
            ("received_at", "收到时间（旧→新）"),
            ("-number", "编号（大→小）"),
            ("number", "编号（小→大）"),
            ("-head_count", "人数（多→少）"),
            ("status", "状态"),
        ],
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topics = Topic.objects.filter(level__lte=2).order_by("full_name")
        self.fields["topic"].choices = [("", "全部"), *((t.pk, t.full_name) for t in topics)]  # type: ignore[attr-defined]
        self.fields["region"].queryset = regions_in_scope(user)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = orgs_in_scope(user)  # type: ignore[attr-defined]
        self.fields["responsible"].queryset = orgs_in_scope(user)  # type: ignore[attr-defined]
        # A statistics link may name a place or unit outside the user's own subtree (a case
        # transferred to another county; a department's cases placed in townships). The list is
        # still only what the user may see (cases_visible_to); an unknown value would otherwise
        # be dropped and the list widened to everything.
        for name in ("region", "responsible"):
            asked = self.data.get(name) if self.is_bound else None
            if asked and str(asked).isdigit():
                field = self.fields[name]
                field.queryset = field.queryset | Organisation.objects.filter(pk=int(asked))  # type: ignore[attr-defined]
        add_bootstrap_classes(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", XinfangError(ErrorCode.DATE_RANGE_INVALID).message)
        return cleaned

    def to_filter(self) -> LedgerFilter:
        # A field that did not validate is left out; the others still filter
        # (an invalid form must never widen the list to everything).
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        sort = data.get("sort") or "-received_at"
        return LedgerFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            channels=data.get("channel") or [],
            categories=data.get("category") or [],
            statuses=data.get("status") or [],
            topic_id=data.get("topic"),
            region_id=data["region"].pk if data.get("region") else None,
            region_exact=bool(data.get("region_exact")),
            unit_id=data["unit"].pk if data.get("unit") else None,
            responsible_id=data["responsible"].pk if data.get("responsible") else None,
            unassigned=bool(data.get("unassigned")),
            collective=data.get("collective"),
            repeat=data.get("repeat"),
            skip_level=data.get("skip_level"),
            text=data.get("q") or "",
            petitioner=data.get("petitioner") or "",
            sort=sort if sort in SORTS else "-received_at",
        )
