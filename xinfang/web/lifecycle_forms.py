"""Forms for the lifecycle steps on a case: one small form per step, all carrying the sequence
number of the last event the user saw (`expected_seq`), so a step taken on a stale page is
refused instead of applied to a case that has moved on."""

from typing import Any

from django import forms

from xinfang.cases.actions.appeal import Outcome, next_step_notice_for
from xinfang.cases.actions.handle import review_notice_for
from xinfang.cases.actions.route import routable_orgs
from xinfang.cases.models import AppealLevel, Case, RatingSource, Satisfaction
from xinfang.cases.workflow import open_appeal
from xinfang.orgs.models import Organisation, User
from xinfang.web.forms import add_bootstrap_classes

TEXT = {"rows": 3}
LONG_TEXT = {"rows": 5}

LEGAL_ROUTES = [
    "向人民法院提起诉讼",
    "申请劳动人事争议仲裁",
    "申请行政复议",
    "向公安机关报案或控告",
    "向人民检察院申请法律监督",
    "申请人民调解或仲裁委员会仲裁",
]


class StepForm(forms.Form):
    expected_seq = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, case: Case, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.user = user
        self.setup()
        add_bootstrap_classes(self)

    def setup(self) -> None:
        """Per-form choices and defaults that depend on the case or the user."""

    def defaults(self) -> dict[str, Any]:
        return {}


class NoteForm(StepForm):
    note = forms.CharField(
        label="意见/备注", required=False, max_length=500, widget=forms.Textarea(attrs=TEXT)
    )


class RouteForm(StepForm):
    target_org = forms.ModelChoiceField(label="责任单位", queryset=Organisation.objects.none())
    note = forms.CharField(
        label="拟办意见", required=False, max_length=500, widget=forms.Textarea(attrs=TEXT)
    )

    def setup(self) -> None:
        field = self.fields["target_org"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in routable_orgs(self.user)])
        field.label_from_instance = lambda org: org.full_name  # type: ignore[method-assign,assignment]


class AssignForm(RouteForm):
    report_due = forms.DateField(
        label="办结报告报送期限",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="交办机关确定的期限",
    )


class GuideForm(StepForm):
    legal_route = forms.CharField(
        label="法定途径",
        max_length=200,
        widget=forms.TextInput(attrs={"list": "legal-routes"}),
        help_text="如：" + "、".join(LEGAL_ROUTES[:3]),
    )
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs=TEXT))


class RefuseAgainForm(StepForm):
    final_case_number = forms.CharField(
        label="已作出复核意见的原事项编号", max_length=40, help_text="如 XF-330106-2025-000123"
    )


class ReasonForm(StepForm):
    reason = forms.CharField(label="理由", max_length=1000, widget=forms.Textarea(attrs=TEXT))


class RejectForm(StepForm):
    reason = forms.CharField(label="不予受理理由", max_length=1000, widget=forms.Textarea(attrs=TEXT))
    correct_route = forms.CharField(label="告知的正确途径", max_length=500, widget=forms.Textarea(attrs=TEXT))


class ExtendForm(StepForm):
    days = forms.IntegerField(label="延长天数", min_value=1, max_value=30, initial=30, help_text="不超过30日")
    reason = forms.CharField(
        label="延期理由（将告知信访人）", max_length=1000, widget=forms.Textarea(attrs=TEXT)
    )


class ReplyForm(StepForm):
    """The five parts a 信访处理意见书 cannot be issued without, plus the reasons."""

    request = forms.CharField(label="信访诉求", widget=forms.Textarea(attrs=TEXT), required=False)
    facts_found = forms.CharField(label="查明事实", widget=forms.Textarea(attrs=LONG_TEXT), required=False)
    reasons = forms.CharField(label="处理理由", widget=forms.Textarea(attrs=TEXT), required=False)
    decision = forms.CharField(label="处理意见", widget=forms.Textarea(attrs=TEXT), required=False)
    legal_basis = forms.CharField(label="法律政策依据", widget=forms.Textarea(attrs=TEXT), required=False)
    review_notice = forms.CharField(label="复查告知", widget=forms.Textarea(attrs=TEXT), required=False)
    confirm_check = forms.BooleanField(
        label="已核对：意见书检查列出的未涉及要点无需答复（或已在别处答复）",
        required=False,
    )

    def defaults(self) -> dict[str, Any]:
        return {"request": self.case.request, "review_notice": review_notice_for(self.case)}


class ReportForm(StepForm):
    result = forms.CharField(label="办理结果", widget=forms.Textarea(attrs=LONG_TEXT), max_length=5000)


class RateForm(StepForm):
    level = forms.ChoiceField(label="评价", choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见", required=False, max_length=1000, widget=forms.Textarea(attrs=TEXT)
    )
    source = forms.ChoiceField(
        label="来源", choices=[(RatingSource.STAFF_CALL.value, RatingSource.STAFF_CALL.label)]
    )


class AppealRequestForm(StepForm):
    grounds = forms.CharField(label="申请理由", max_length=3000, widget=forms.Textarea(attrs=LONG_TEXT))


class AppealDecisionForm(StepForm):
    outcome = forms.ChoiceField(label="结论", choices=[(o, o) for o in Outcome.CHOICES])
    request = forms.CharField(label="申请人请求", widget=forms.Textarea(attrs=TEXT), required=False)
    facts_found = forms.CharField(label="查明事实", widget=forms.Textarea(attrs=LONG_TEXT), required=False)
    decision = forms.CharField(label="复查/复核意见", widget=forms.Textarea(attrs=TEXT), required=False)
    legal_basis = forms.CharField(label="法律政策依据", widget=forms.Textarea(attrs=TEXT), required=False)
    next_step_notice = forms.CharField(label="告知事项", widget=forms.Textarea(attrs=TEXT), required=False)

    def defaults(self) -> dict[str, Any]:
        appeal = open_appeal(self.case)
        level = appeal.level if appeal else AppealLevel.REVIEW
        return {
            "request": appeal.grounds if appeal else "",
            "next_step_notice": next_step_notice_for(self.case, level),
        }


class ConcludeForm(StepForm):
    petitioner_accepts = forms.BooleanField(
        label="信访人已表示接受处理意见", required=False, help_text="未勾选时，须待复查/复核申请期限届满"
    )
    note = forms.CharField(label="备注", required=False, max_length=500, widget=forms.Textarea(attrs=TEXT))


class MergeForm(StepForm):
    into_number = forms.CharField(label="并入的事项编号", max_length=40)


class ConfirmForm(StepForm):
    """Steps that need no input beyond the user's confirmation."""
